#!/usr/bin/env bash
# "Run it": builds the extension and serves a real VS Code (code-server) on 127.0.0.1 with the
# extension installed. Open the printed URL in a browser.
# Usage: npm start                      a fresh copy of the sample workspace (test/fixtures/workspace)
#        npm start -- /path/to/project  that folder instead
# Env: PORT (default 8080, or a free port when 8080 is taken).
# After `node esbuild.js`, reload the browser window (F1 > Developer: Reload Window) to pick it up.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CODE_SERVER_VERSION=4.139.1
STATE="$ROOT/.vscode-test/start"

log() { echo "[start] $*"; }

if [ $# -gt 0 ]; then
  [ -d "$1" ] || { log "no such folder: $1"; exit 2; }
  WORKSPACE="$(cd "$1" && pwd)"
else
  # A copy, made afresh each time: trying things out must not change the tracked sample, which
  # the end-to-end test copies too.
  WORKSPACE="$STATE/sample-workspace"
  rm -rf "$WORKSPACE"
  mkdir -p "$STATE"
  cp -R "$ROOT/test/fixtures/workspace" "$WORKSPACE"
fi

if [ ! -d node_modules ]; then
  log "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
log "building the extension"
node esbuild.js
bash scripts/install-vscode.sh

NODE="$ROOT/.vscode-test/node24/bin/node"
ENTRY="$ROOT/.vscode-test/code-server-$CODE_SERVER_VERSION/node_modules/code-server/out/node/entry.js"

# The repo itself, linked into a dedicated extensions dir, is loaded like an installed extension.
# (The payload's extensionDevelopmentPath needs --vscode-option enable-smoke-test-driver, which
# also hides notification toasts: fine for tests, wrong for a person.) Rebuilt on every start, so
# anything else installed there is dropped.
ext_id="$(node -p "const p=require('./package.json'); p.publisher + '.' + p.name + '-' + p.version")"
rm -rf "$STATE/extensions"
mkdir -p "$STATE/extensions" "$STATE/user-data/User" "$STATE/tmp" "$STATE/xdg"
ln -s "$ROOT" "$STATE/extensions/$ext_id"

# First start only: the user may change settings afterwards.
settings="$STATE/user-data/User/settings.json"
if [ ! -f "$settings" ]; then
  cat >"$settings" <<'EOF'
{
  "security.workspace.trust.enabled": false,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "git.openRepositoryInParentFolders": "never"
}
EOF
fi
printf 'auth: none\ncert: false\n' >"$STATE/user-data/config.yaml"

PORT="${PORT:-}"
if [ -z "$PORT" ]; then
  # 8080 when free, else any free port.
  PORT="$(node -e '
    const net = require("node:net");
    const probe = (p) => new Promise((ok) => { const s = net.createServer();
      s.once("error", () => ok(null)); s.listen(p, "127.0.0.1", () => { const a = s.address().port; s.close(() => ok(a)); }); });
    probe(8080).then((p) => p ?? probe(0)).then((p) => console.log(p));')"
fi

# Own session/process group (setsid) so Ctrl+C can take down the server and its extension host;
# descendants are collected first because processes the extension starts may leave the group.
env -u VSCODE_IPC_HOOK_CLI -u ELECTRON_RUN_AS_NODE \
  TMPDIR="$STATE/tmp" EXTENSIONS_GALLERY='{}' XDG_DATA_HOME="$STATE/xdg" XDG_CONFIG_HOME="$STATE/xdg" \
  setsid "$NODE" "$ENTRY" \
  --auth none \
  --bind-addr "127.0.0.1:$PORT" \
  --disable-telemetry \
  --disable-update-check \
  --disable-workspace-trust \
  --disable-getting-started-override \
  --user-data-dir "$STATE/user-data" \
  --extensions-dir "$STATE/extensions" \
  --config "$STATE/user-data/config.yaml" \
  "$WORKSPACE" &
SERVER=$!

descendants() {
  local pid
  for pid in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$pid"
    descendants "$pid"
  done
}
# Still running: a member of the server's group, or a recorded descendant, not yet a zombie
# (zombies of orphans linger here until PID 1 reaps them).
alive() {
  ps -eo pid=,pgid=,stat= | awk -v g="$SERVER" -v list=" $* " \
    '$3 !~ /^Z/ && ($2 == g || index(list, " " $1 " ")) { found = 1 } END { exit !found }'
}
stop_server() {
  trap - INT TERM EXIT
  local pids
  pids="$(descendants "$SERVER" | tr '\n' ' ')"
  # shellcheck disable=SC2086
  kill -TERM -- "-$SERVER" $pids 2>/dev/null || true
  for _ in $(seq 50); do
    alive $pids || return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL -- "-$SERVER" $pids 2>/dev/null || true
}
trap 'stop_server; exit 130' INT TERM
trap stop_server EXIT

url="http://127.0.0.1:$PORT/?folder=$(node -p 'encodeURIComponent(process.argv[1])' "$WORKSPACE")"
for _ in $(seq 100); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$PORT/healthz"; then
    break
  fi
  kill -0 "$SERVER" 2>/dev/null || { log "code-server exited"; exit 1; }
  sleep 0.2
done
log "VS Code with the extension ($ext_id) is ready, folder $WORKSPACE. Open:"
echo
echo "    $url"
echo
log "Ctrl+C stops it."
wait "$SERVER"
