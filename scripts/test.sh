#!/usr/bin/env bash
# The test command (npm test): installs what the tests need on a fresh machine and runs every
# stage: type-check and lint, engine unit tests, the integration suite inside a real VS Code
# (code-server + Chromium), the end-to-end browser test, and the packaged .vsix.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$(date +%s)
stage() { echo; echo "=== $* ($(( $(date +%s) - started )) s)"; }

stage "install npm packages"
npm ci --no-audit --no-fund --loglevel=error

stage "install ps and lsof (the portable process backend runs them)"
if ! command -v lsof >/dev/null || ! command -v ps >/dev/null; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  if command -v apt-get >/dev/null; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq lsof procps >/dev/null
  fi
fi
command -v lsof >/dev/null || echo "lsof is missing: the portable backend's port and open-file tests will be skipped"

stage "type-check, lint, bundle"
npm run --silent compile
node esbuild.js --tests

mkdir -p test-results
stage "unit tests (plain Node, real processes)"
node --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-results/unit.tap out/test/unit/
unit_pass=$(sed -n 's/^# pass //p' test-results/unit.tap)
unit_fail=$(sed -n 's/^# fail //p' test-results/unit.tap)

stage "fault injection (real processes: crash loops, floods, fork storms, bad starts)"
DEVPROC_FAULT_FULL=1 node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-results/fault.tap out/test/fault/
fault_pass=$(sed -n 's/^# pass //p' test-results/fault.tap)
fault_fail=$(sed -n 's/^# fail //p' test-results/fault.tap)

stage "unit and fault tests again on the portable process backend (ps and lsof instead of /proc)"
DEVPROC_PROCESS_BACKEND=posix node --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-results/unit-posix.tap out/test/unit/
DEVPROC_PROCESS_BACKEND=posix node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-results/fault-posix.tap out/test/fault/
posix_pass=$(( $(sed -n 's/^# pass //p' test-results/unit-posix.tap) + $(sed -n 's/^# pass //p' test-results/fault-posix.tap) ))
posix_fail=$(( $(sed -n 's/^# fail //p' test-results/unit-posix.tap) + $(sed -n 's/^# fail //p' test-results/fault-posix.tap) ))

stage "install the VS Code to test in"
bash scripts/install-vscode.sh

stage "integration tests in windows of their own: file watching, a window reload"
for tag in watch reload; do
  DEVPROC_TEST_GREP="@${tag}" node out/test/harness/runIntegration.js 2>&1 | tee "test-results/integration-${tag}.log"
  int_pass=$(( ${int_pass:-0} + $(grep -oE '^ *[0-9]+ passing' "test-results/integration-${tag}.log" | grep -oE '[0-9]+' | tail -1) ))
  int_fail=$(( ${int_fail:-0} + $(grep -oE '^ *[0-9]+ failing' "test-results/integration-${tag}.log" | grep -oE '[0-9]+' | tail -1 || echo 0) ))
done

stage "integration tests (mocha inside the extension host)"
node out/test/harness/runIntegration.js 2>&1 | tee test-results/integration.log
int_pass=$(( ${int_pass:-0} + $(grep -oE '^ *[0-9]+ passing' test-results/integration.log | grep -oE '[0-9]+' | tail -1) ))

stage "integration tests in an untrusted workspace"
DEVPROC_TRUST=untrusted node out/test/harness/runIntegration.js 2>&1 | tee test-results/integration-untrusted.log
int_pass=$(( ${int_pass:-0} + $(grep -oE '^ *[0-9]+ passing' test-results/integration-untrusted.log | grep -oE '[0-9]+' | tail -1) ))

stage "end-to-end (a browser drives the workbench)"
node out/test/e2e/run.js 2>&1 | tee test-results/e2e.log
e2e_pass=$(grep -oE '^e2e: [0-9]+ passed' test-results/e2e.log | grep -oE '[0-9]+' | tail -1)
e2e_fail=$(grep -oE '^e2e: [0-9]+ passed, [0-9]+ failed' test-results/e2e.log | grep -oE '[0-9]+' | tail -1)

stage "end-to-end screenshots: the log view, F5 with a devProcesses task, the Problems panel, detected scripts, the editor's MCP client"
for script in logs tasks problems detect mcp; do
  if node "out/test/e2e/${script}.js" > "test-results/e2e-${script}.log" 2>&1; then
    e2e_pass=$(( ${e2e_pass:-0} + 1 ))
    echo "ok   e2e ${script}"
  else
    e2e_fail=$(( ${e2e_fail:-0} + 1 ))
    echo "FAIL e2e ${script}"
    grep -v '^\[' "test-results/e2e-${script}.log" | tail -20 || true
  fi
done

stage "end-to-end: processes outlive a killed extension host, and end once the window closes for good (one window, a reload)"
if node out/test/e2e/sessions.js 2>&1 | tee test-results/e2e-sessions.log | grep -E '^sessions: (ok|FAIL)'; [ "${PIPESTATUS[0]}" = 0 ]; then
  e2e_pass=$(( ${e2e_pass:-0} + 1 ))
else
  e2e_fail=$(( ${e2e_fail:-0} + 1 ))
  tail -20 test-results/e2e-sessions.log || true
fi

stage "package the .vsix and check that it installs and activates"
bash scripts/package.sh --check

stage "done"
passed=$(( unit_pass + fault_pass + posix_pass + ${int_pass:-0} + ${e2e_pass:-0} ))
failed=$(( unit_fail + fault_fail + posix_fail + ${int_fail:-0} + ${e2e_fail:-0} ))
echo "unit ${unit_pass}, fault ${fault_pass}, both again on ps/lsof ${posix_pass}, integration ${int_pass:-0}, end-to-end ${e2e_pass:-0}; took $(( $(date +%s) - started )) s"
echo "${passed} passed, ${failed} failed"
# The screenshot stages count their failures instead of stopping the run: a failure still fails it.
[ "${failed}" = 0 ]
