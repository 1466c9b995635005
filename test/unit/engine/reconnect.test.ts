import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ProcessSpec } from '../../../src/core/types';
import { HelperLauncher, SessionFile, type SessionInfo } from '../../../src/platform/launcher';
import { isGone } from '../../../src/platform/procfs';
import { processTable } from '../../../src/platform/processes';
import { reconnectSession } from '../../../src/ui/sessions';
import { connectSession } from '../../../src/platform/launcher/sessionClient';
import { FileRecordStore } from '../../../src/platform/records';
import { makeEngine, nodeSpec, reap, repoRoot, scratchDir, waitFor, waitForLine } from '../helpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');
type TestContext = { after(fn: () => unknown): void };

const SERVICE_AND_JOB = [nodeSpec('svc', 'ticks.js', ['tick', '1000000', '20']), nodeSpec('job', 'exit.js', ['3', '600'], { kind: 'job' })];

/** A window: a launcher of its own over the workspace's records, and an engine of `specs`. */
function windowOf(t: TestContext, records: FileRecordStore, sessions: SessionInfo[], specs: ProcessSpec[] = SERVICE_AND_JOB, replayBytes?: number) {
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT, reconnectGraceMs: 10_000, stopGraceMs: 200, replayBytes, onSession: (info) => sessions.push(info) });
  const engine = makeEngine(t, specs, { launcher, records });
  t.after(() => launcher.dispose());
  return { launcher, engine };
}

/** As the extension's deactivate with keepRunningOnReload: the runs written down at once, then left to the helper. */
function leave(window: Pick<ReturnType<typeof windowOf>, 'engine' | 'launcher'>): void {
  window.engine.flushRecords();
  window.launcher.release();
}

/** The window reconnects to the helper `session` names: welcomed, it takes the runs back and returns them. */
async function takeBack(window: ReturnType<typeof windowOf>, session: SessionInfo) {
  const result = await window.launcher.reconnect(session, 3000);
  assert.equal(result.status, 'welcome');
  return window.engine.reconnect(result.status === 'welcome' ? result.runs : []);
}

function records(): FileRecordStore {
  const dir = scratchDir('dpm-reconnect-');
  return new FileRecordStore(path.join(dir, 'processes.json'));
}

/**
 * A window whose service "svc" reads an env file before it starts, released with it running;
 * `next()` opens the next window over the same records and env file.
 */
async function releasedWithEnvFile(t: TestContext, program: [string, string[], RegExp] = ['ticks.js', ['tick', '1000000', '20'], /^tick 1$/]) {
  const store = records();
  const sessions: SessionInfo[] = [];
  const dir = scratchDir('dpm-reconnect-env-');
  const envFile = path.join(dir, '.env');
  fs.writeFileSync(envFile, 'GREETING=hi\n');
  const next = (sessionsOut: SessionInfo[] = []) => windowOf(t, store, sessionsOut, [nodeSpec('svc', program[0], program[1], { envFile })]);
  const first = next(sessions);
  const svc = await first.engine.spawn('svc');
  await waitForLine(first.engine, svc, program[2]);
  const pid = first.engine.get(svc)!.pid!;
  t.after(() => reap([pid, first.launcher.helperPid!]));
  leave(first);
  return { dir, envFile, session: sessions[0], svc, pid, next };
}

test('a window that reconnects gets its runs back: same id and pid, earlier output replayed, the real exit code of a job that ended meanwhile', async (t) => {
  const store = records();
  const sessions: SessionInfo[] = [];
  const first = windowOf(t, store, sessions);
  const svc = await first.engine.spawn('svc');
  const job = await first.engine.spawn('job');
  await waitForLine(first.engine, svc, /^tick 3$/);
  await waitForLine(first.engine, job, /^exiting with 3$/);
  const pid = first.engine.get(svc)!.pid!;
  const jobPid = first.engine.get(job)!.pid!;
  const helper = first.launcher.helperPid!;
  t.after(() => reap([pid, jobPid, helper]));
  assert.equal(sessions.length, 1, 'the helper said where it can be found');
  leave(first);
  // The job exits (code 3) while no window holds it.
  await new Promise((resolve) => setTimeout(resolve, 800));

  const second = windowOf(t, store, []);
  const back = await takeBack(second, sessions[0]);
  assert.deepEqual(back.map((s) => s.id).sort(), [svc, job].sort());
  await waitFor(() => second.engine.get(svc)?.state === 'running', 'the service to run again');
  assert.equal(second.engine.get(svc)!.pid, pid);
  assert.equal(second.launcher.helperPid, helper, 'the same helper');
  await waitForLine(second.engine, svc, /^tick 1$/);
  const later = Number((await waitForLine(second.engine, svc, /^tick (1[5-9]|[2-9]\d|\d{3,})$/)).split(' ')[1]);
  assert.ok(later > 3, 'live output follows the replay');
  const said = second.engine.output(svc).filter((l) => l.stream === 'system').map((l) => l.text);
  assert.match(said[0], /^Reconnected after the window reloaded: /);
  assert.ok(!said.some((text) => text.startsWith('Started:')), 'a process taken back was not started again, and is not said to be');
  await second.engine.whenDone(job);
  const ended = second.engine.get(job)!;
  assert.equal(ended.exitCode, 3, 'the real exit code');
  assert.equal(ended.error?.code, 'exit-code');
  assert.ok(second.engine.output(job).some((l) => l.text === 'exiting with 3'), 'the job\'s output is there');

  await second.engine.kill(svc);
  assert.equal(second.engine.get(svc)!.state, 'terminated');
});

test('a service whose readiness had passed is ready at once when taken back, though the line that made it ready is no longer in the replay', async (t) => {
  const store = records();
  const sessions: SessionInfo[] = [];
  const readiness = { type: 'log' as const, pattern: '^tick 2$', intervalMs: 50, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 3, successThreshold: 1 };
  // A small replay: the matching line scrolls out of it long before the reload.
  const open = (out: SessionInfo[]) => windowOf(t, store, out, [nodeSpec('svc', 'ticks.js', ['tick', '1000000', '10'], { healthCheck: { readiness } })], 256);
  const first = open(sessions);
  const svc = await first.engine.spawn('svc');
  await waitFor(() => first.engine.get(svc)?.health?.readiness === 'passing', 'the first window to see it ready');
  await waitForLine(first.engine, svc, /^tick 120$/);
  const pid = first.engine.get(svc)!.pid!;
  t.after(() => reap([pid, first.launcher.helperPid!]));
  leave(first);

  const second = open([]);
  await takeBack(second, sessions[0]);
  await waitFor(() => second.engine.get(svc)?.state === 'running', 'the service to run again');
  assert.equal(second.engine.get(svc)!.health?.readiness, 'passing');
  assert.ok(!second.engine.output(svc).some((l) => l.text === 'tick 2'), 'the matching line is not in the replay');
  assert.ok(second.engine.output(svc).some((l) => l.text === 'Ready: it was ready before the window reloaded.'));
  await second.engine.kill(svc);
});

test('a service on a pty is taken back too: its output replayed and live, its input and its size reach it', async (t) => {
  const store = records();
  const sessions: SessionInfo[] = [];
  const open = (out: SessionInfo[]) => windowOf(t, store, out, [nodeSpec('term', 'tty.js', [], { tty: true })]);
  const first = open(sessions);
  const term = await first.engine.spawn('term');
  await waitForLine(first.engine, term, /^ready$/);
  const pid = first.engine.get(term)!.pid!;
  t.after(() => reap([pid, first.launcher.helperPid!]));
  leave(first);

  const second = open([]);
  assert.deepEqual((await takeBack(second, sessions[0])).map((s) => s.id), [term]);
  await waitFor(() => second.engine.get(term)?.state === 'running', 'the terminal service to run again');
  assert.equal(second.engine.get(term)!.pid, pid, 'the same process');
  await waitForLine(second.engine, term, /^tty \{"stdout":true/);
  second.engine.sendInput(term, 'hi');
  await waitForLine(second.engine, term, /^bytes 6869/);
  assert.equal(second.engine.resize(term, 90, 33), true);
  await waitForLine(second.engine, term, /^size 90x33$/);
  await second.engine.kill(term);
  assert.equal(second.engine.get(term)!.state, 'terminated');
});

test('a wrong token is refused; a socket nobody answers on counts as gone', async (t) => {
  const store = records();
  const sessions: SessionInfo[] = [];
  const first = windowOf(t, store, sessions);
  const svc = await first.engine.spawn('svc');
  await waitForLine(first.engine, svc, /^tick 1$/);
  t.after(() => reap([first.engine.get(svc)!.pid!, first.launcher.helperPid!]));
  leave(first);

  const second = windowOf(t, store, []);
  const refused = await second.launcher.reconnect({ ...sessions[0], token: '0'.repeat(32) }, 3000);
  assert.deepEqual(refused, { status: 'refused', reason: 'the token is wrong or stale' });
  const gone = await second.launcher.reconnect({ socketPath: path.join(os.tmpdir(), 'no-such-dpm-socket'), token: sessions[0].token }, 3000);
  assert.equal(gone.status, 'gone');
  // The right token still works after a wrong one.
  const ok = await second.launcher.reconnect(sessions[0], 3000);
  assert.equal(ok.status, 'welcome');
});

test('a run taken back whose start waits for its env file keeps its process: only what no run was made for is dropped', async (t) => {
  const { session, svc, pid, next } = await releasedWithEnvFile(t);

  const second = next();
  const back = await takeBack(second, session);
  second.launcher.dropUnclaimed(back.map((s) => s.id));
  await waitFor(() => second.engine.get(svc)?.state === 'running', 'the service to run again');
  await waitForLine(second.engine, svc, /^tick (1[5-9]|[2-9]\d|\d{3,})$/);
  const run = second.engine.get(svc)!;
  assert.equal(run.state, 'running', `still running, not ${run.state} (${run.error?.message})`);
  assert.equal(run.pid, pid);
  await second.engine.kill(svc);
});

test('a run taken back whose env file can no longer be read does not leave its process running unseen: it is stopped, and said so', async (t) => {
  const { dir, envFile, session: info, svc, pid, next } = await releasedWithEnvFile(t);
  fs.rmSync(envFile);

  const second = next();
  const session = new SessionFile(path.join(dir, 'session.json'));
  session.write(info);
  const warnings: string[] = [];
  const back = await reconnectSession(second.launcher, second.engine, session, { warn: (message) => warnings.push(message) });
  assert.deepEqual(back.map((s) => s.id), [svc]);
  await waitFor(() => warnings.length > 0, 'a warning');
  assert.match(warnings[0], /"svc" was not taken back after the reload \("svc" could not start: "envFile" .*\); its process from before the reload \(pid \d+\) is stopped\./);
  assert.ok(warnings[0].includes(`pid ${pid}`));
  await waitFor(() => isGone(processTable, pid), 'the process from before the reload to be stopped');
  assert.notEqual(second.engine.get(svc)!.state, 'running');
});

test('a process not taken back that ignores SIGTERM is still stopped: SIGKILL after the stop grace', async (t) => {
  const { dir, envFile, session: info, svc, pid, next } = await releasedWithEnvFile(t, ['ignore-term.js', [], /^ready$/]);
  fs.rmSync(envFile);

  const second = next();
  const session = new SessionFile(path.join(dir, 'session.json'));
  session.write(info);
  const warnings: string[] = [];
  await reconnectSession(second.launcher, second.engine, session, { warn: (message) => warnings.push(message) });
  await waitFor(() => warnings.length > 0, 'a warning');
  assert.ok(warnings[0].includes(`pid ${pid}`));
  await second.launcher.unclaimedStopped();
  assert.ok(isGone(processTable, pid), 'a process that ignores SIGTERM is gone once the stop is over');
  assert.equal(second.engine.get(svc)!.state === 'running', false);
});

test('an answer that came while the window was busy past the timeout still counts', async (t) => {
  const dir = scratchDir('dpm-session-busy-');
  const socketPath = path.join(dir, 's');
  const answered = path.join(dir, 'answered');
  const server = spawn(process.execPath, [path.join(repoRoot, 'test', 'fixtures', 'session-answer.js'), socketPath, answered, '200'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => server.kill('SIGKILL'));
  await new Promise((resolve) => server.stdout!.once('data', resolve));
  const answer = connectSession({ socketPath, token: '0'.repeat(32) }, { stdioSocket: 'x', stdioToken: 'y' }, 300);
  // The hello goes out; then this event loop is busy past the timeout while the answer arrives.
  await new Promise((resolve) => setTimeout(resolve, 50));
  // Busy in the check phase, so the next turn of the loop starts with the timers that fell due.
  await new Promise<void>((resolve) =>
    setImmediate(() => {
      const busyUntil = Date.now() + 5000;
      while (!fs.existsSync(answered) && Date.now() < busyUntil) {
        // busy until the answer is there
      }
      const started = Date.now();
      while (Date.now() - started < 400) {
        // busy past the timeout
      }
      resolve();
    }),
  );
  const result = await answer;
  assert.equal(result.status, 'welcome', result.status === 'welcome' ? '' : result.reason);
  if (result.status === 'welcome') result.socket.destroy();
});

test('a window that comes after the grace ran out, while the helper stops the runs, is refused: nothing is taken back to die', async (t) => {
  const store = records();
  const sessions: SessionInfo[] = [];
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT, reconnectGraceMs: 200, stopGraceMs: 5000, onSession: (info) => sessions.push(info) });
  t.after(() => launcher.dispose());
  const engine = makeEngine(t, [nodeSpec('stubborn', 'ignore-term.js')], { launcher, records: store });
  const id = await engine.spawn('stubborn');
  await waitFor(() => engine.get(id)?.state === 'running', 'the service to run');
  await waitForLine(engine, id, /^ready$/);
  const pid = engine.get(id)!.pid!;
  const helper = launcher.helperPid!;
  t.after(() => reap([pid, helper]));
  leave({ engine, launcher });
  // Past the grace: the helper sent SIGTERM, which this one ignores, and waits to send SIGKILL.
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const next = windowOf(t, store, []);
  const result = await next.launcher.reconnect(sessions[0], 3000);
  assert.deepEqual(result, { status: 'refused', reason: 'the reconnect grace ran out: the processes are being stopped' });
});
