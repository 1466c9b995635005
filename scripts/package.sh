#!/usr/bin/env bash
# Packages the extension as dist-vsix/dev-process-manager.vsix (production bundle, no node_modules:
# the runtime dependencies are bundled into dist/extension.js). With --check, also installs that .vsix
# into a fresh code-server and checks that it activates (test/e2e/vsix.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

check=false
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    *) echo "usage: scripts/package.sh [--check]" >&2; exit 2 ;;
  esac
done

OUT=dist-vsix/dev-process-manager.vsix
started=$(date +%s)

node esbuild.js --production
mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"
# No repository field yet: --allow-missing-repository keeps vsce from asking.
npx --no-install vsce package --no-dependencies --allow-missing-repository --out "$OUT"

echo
unzip -l "$OUT"
# The .vsix must hold only the bundle, media and manifest files (see .vscodeignore).
unexpected=$(unzip -Z1 "$OUT" | grep -vE '^(extension\.vsixmanifest|\[Content_Types\]\.xml|extension/(package\.json|readme\.md|README\.md|LICENSE(\.txt)?|changelog\.md|CHANGELOG\.md|dist/[^ ]+\.js|dist/node-pty/(package\.json|LICENSE|prebuilds/[^ ]+)|media/.+))$' || true)
if [ -n "$unexpected" ]; then
  echo "package: unexpected files in $OUT:" >&2
  echo "$unexpected" >&2
  exit 1
fi
echo "package: $OUT, $(stat -c %s "$OUT") bytes ($(( $(date +%s) - started )) s)"

if $check; then
  bash scripts/install-vscode.sh
  # Bundles test/e2e/vsix.ts; this also rebuilds dist/ as a development bundle, after packaging.
  node esbuild.js --tests
  node out/test/e2e/vsix.js "$OUT"
fi
