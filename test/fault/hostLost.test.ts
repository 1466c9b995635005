// Fault: the extension host is killed outright (SIGKILL) while chatty children write. A plain Node
// process plays the host (test/fixtures/launcher-host.js). The helper holds the children's pipes:
// they run on through the reconnect grace (no SIGPIPE, not blocked on a full pipe), and after it
// the helper stops every tree and exits, leaving nothing behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { HelperLauncher, type SessionInfo } from '../../src/platform/launcher';
import { isGone } from '../../src/platform/procfs';
import { processTable } from '../../src/platform/processes';
import { fixture, reap, repoRoot, waitFor } from '../unit/helpers';
import { assertNothingLeft, taggedEnv } from './faultHelpers';
import * as path from 'node:path';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');
const GRACE_MS = 2500;

/** CPU ticks the process has used (utime + stime from /proc/PID/stat). */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

test('SIGKILL to the host: chatty children outlive it for the grace, then the helper stops them and exits', { timeout: 30_000 }, async (t) => {
  const children = [['node', fixture('flood.js'), '100000'], ['node', fixture('ticks.js'), 'tick', '1000000', '5']];
  const host = spawn(process.execPath, [fixture('launcher-host.js'), HELPER_SCRIPT, String(GRACE_MS), '500', ...children.map((c) => JSON.stringify(c))], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: taggedEnv(),
  });
  const lines: string[] = [];
  host.stdout.setEncoding('utf8').on('data', (text: string) => lines.push(...text.split('\n').filter((l) => l && !l.startsWith('session '))));
  await waitFor(() => lines.length === children.length, 'both children to start');
  const helper = Number(lines[0].split(' ')[0]);
  const pids = lines.map((l) => Number(l.split(' ')[1]));
  t.after(() => reap([host.pid!, helper, ...pids]));
  // Writing for a while through the host first.
  await new Promise((resolve) => setTimeout(resolve, 300));

  host.kill('SIGKILL');
  const killedAt = Date.now();
  await waitFor(() => isGone(processTable, host.pid!), 'the host to die');
  const before = pids.map(cpuTicks);
  await new Promise((resolve) => setTimeout(resolve, GRACE_MS / 2));
  for (const pid of pids) assert.equal(isGone(processTable, pid), false, `child ${pid} runs on without its host`);
  assert.equal(isGone(processTable, helper), false, 'the helper waits for a window to reconnect');
  const after = pids.map(cpuTicks);
  assert.ok(after[0] > before[0], 'the flooder still writes: its pipe is read without a host');

  await waitFor(() => isGone(processTable, helper), 'the helper to exit after the grace', GRACE_MS + 10_000);
  assert.ok(Date.now() - killedAt >= GRACE_MS, 'not before the grace');
  assertNothingLeft(pids, 'after the grace');
});

test('SIGKILL to the host: a chatty service runs on, and the next window reconnects to it', { timeout: 30_000 }, async (t) => {
  const host = spawn(process.execPath, [fixture('launcher-host.js'), HELPER_SCRIPT, '20000', '500', JSON.stringify(['node', fixture('ticks.js'), 'tick', '1000000', '5'])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: taggedEnv(),
  });
  const lines: string[] = [];
  host.stdout.setEncoding('utf8').on('data', (text: string) => lines.push(...text.split('\n').filter(Boolean)));
  await waitFor(() => lines.some((l) => l.startsWith('session ')) && lines.some((l) => !l.startsWith('session ')), 'the child to start');
  const session = JSON.parse(lines.find((l) => l.startsWith('session '))!.slice('session '.length)) as SessionInfo;
  const [helper, pid] = lines.find((l) => !l.startsWith('session '))!.split(' ').map(Number);
  t.after(() => reap([host.pid!, helper, pid]));
  host.kill('SIGKILL');
  await waitFor(() => isGone(processTable, host.pid!), 'the host to die');
  // It writes every few ms: with nobody reading, a writer on a pipe would die of SIGPIPE or block.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(isGone(processTable, pid), false, 'the chatty child runs on');

  const next = new HelperLauncher({ helperScript: HELPER_SCRIPT });
  t.after(() => next.dispose());
  const result = await next.reconnect(session, 3000);
  assert.equal(result.status, 'welcome', result.status === 'welcome' ? '' : result.reason);
  assert.deepEqual(result.status === 'welcome' && result.runs.map((r) => [r.pid, r.exit]), [[pid, undefined]]);
  assert.equal(next.helperPid, helper, 'the same helper');
});
