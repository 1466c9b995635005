// Fault: the extension host is killed outright (SIGKILL) while it reads a flooding child's pipe
// itself (the helper handed it off, pipeHandoff.ts). The helper kept its own end of the pipe: the
// child never gets SIGPIPE, the helper reads on, and the next window reconnects and gets output.
// This test file also plays the host: run with HOST_ROLE set, it starts a HelperLauncher, floods
// through it and says once it reads the pipe itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { HelperLauncher, type SessionInfo } from '../../src/platform/launcher';
import type { LinkOutput } from '../../src/platform/launcher/launchStreams';
import { isGone } from '../../src/platform/procfs';
import { processTable } from '../../src/platform/processes';
import { RUN_MARKER } from '../../src/platform/records';
import { fixture, reap, repoRoot, waitFor } from '../unit/helpers';
import { taggedEnv } from './faultHelpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');
const HOST_ROLE = 'DPM_TEST_HANDOFF_HOST';
const RUN_ID = 'handoff-host-lost';

/** CPU ticks the process has used (utime + stime from /proc/PID/stat). */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The host: prints "session JSON", then "ready HELPER_PID CHILD_PID" once it reads the pipe itself. */
function playHost(): void {
  const launcher = new HelperLauncher({
    helperScript: HELPER_SCRIPT,
    reconnectGraceMs: 20_000,
    stopGraceMs: 200,
    onSession: (info) => console.log(`session ${JSON.stringify(info)}`),
  });
  const child = launcher.launch({ command: process.execPath, args: [fixture('flood-for.js'), '60'], cwd: repoRoot, env: { PATH: process.env.PATH ?? '', [RUN_MARKER]: RUN_ID }, shell: false });
  let read = 0;
  let said = false;
  child.stdout.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (said || (child.stdout as LinkOutput).handoffs === 0 || read < 8 * 1024 * 1024) return;
    said = true;
    console.log(`ready ${launcher.helperPid} ${child.pid}`);
  });
  child.stderr.resume();
}

if (process.env[HOST_ROLE]) playHost();
else
  test('SIGKILL to a host reading a flood itself: the child writes on, the next window reconnects and gets its output', { timeout: 60_000 }, async (t) => {
    const host = spawn(process.execPath, [__filename], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...taggedEnv(), [HOST_ROLE]: '1' } });
    const lines: string[] = [];
    host.stdout.setEncoding('utf8').on('data', (text: string) => lines.push(...text.split('\n').filter(Boolean)));
    t.after(() => reap([host.pid!]));
    await waitFor(() => lines.some((l) => l.startsWith('ready ')), 'the host to read the pipe itself', 30_000);
    const session = JSON.parse(lines.find((l) => l.startsWith('session '))!.slice('session '.length)) as SessionInfo;
    const [helper, pid] = lines.find((l) => l.startsWith('ready '))!.split(' ').slice(1).map(Number);
    t.after(() => reap([-pid, pid, helper]));

    host.kill('SIGKILL');
    await waitFor(() => isGone(processTable, host.pid!), 'the host to die');
    const before = cpuTicks(pid);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(isGone(processTable, pid), false, 'the flooder runs on: no SIGPIPE');
    assert.equal(isGone(processTable, helper), false, 'the helper waits for a window');
    assert.ok(cpuTicks(pid) > before, 'the flooder still writes: the helper reads the pipe again');

    const next = new HelperLauncher({ helperScript: HELPER_SCRIPT, reconnectGraceMs: 0, stopGraceMs: 200 });
    t.after(() => next.dispose());
    const result = await next.reconnect(session, 3000);
    assert.equal(result.status, 'welcome', result.status === 'welcome' ? '' : result.reason);
    assert.deepEqual(result.status === 'welcome' && result.runs.map((r) => r.pid), [pid]);
    const back = next.launch({ command: 'unused', args: [], cwd: repoRoot, env: { [RUN_MARKER]: RUN_ID }, shell: false });
    let text = '';
    back.stdout.setEncoding('latin1').on('data', (chunk: string) => (text += chunk));
    // The replay, then live output: more than the replay buffer holds.
    await waitFor(() => text.length > 4 * 1024 * 1024, 'output to come to the next window', 20_000);
    // Each stretch read by the helper is whole and in order: after the replay, nothing is missing.
    const seqs = text.slice(text.indexOf('\n') + 1).split('\n').slice(0, -1).map((l) => Number(l.slice(5, 17)));
    const tail = seqs.slice(-20_000);
    assert.deepEqual(tail, tail.map((_, i) => tail[0] + i), 'the live lines are consecutive');
    process.kill(-pid, 'SIGKILL');
  });
