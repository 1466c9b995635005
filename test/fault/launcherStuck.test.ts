// Fault: the launcher helper stops answering (SIGSTOP) with runs starting and running. Nothing
// waits for it forever: the watchdog replaces it and fails what was pending, a job's timeout
// counts from its start request, a stop of processes that are gone needs no helper, and the
// engine's shutdown keeps to its budget.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { HelperLauncher, type HelperLauncherOptions } from '../../src/platform/launcher';
import { isGone } from '../../src/platform/procfs';
import { processTable } from '../../src/platform/processes';
import { nodeSpec, reap, waitFor, waitForLine } from '../unit/helpers';
import { assertAnswers, assertNothingLeft, faultEngine, summary, watchPids, withTimeout } from './faultHelpers';

type TestContext = Parameters<typeof faultEngine>[0];

/** A watchdog slower than any of these tests, for the cases about what must not need it. */
const NO_WATCHDOG: HelperLauncherOptions = { heartbeatMs: 60_000 };

function launcherFor(t: TestContext, options: HelperLauncherOptions): HelperLauncher {
  const launcher = new HelperLauncher(options);
  t.after(() => launcher.dispose());
  return launcher;
}

/** Starts the helper (a quick job) and stops it; it is killed after the test whatever happens. */
async function stopHelper(t: TestContext, launcher: HelperLauncher, engine: Parameters<typeof assertAnswers>[0]): Promise<number> {
  await assertAnswers(engine);
  const helper = launcher.helperPid!;
  t.after(() => reap([helper]));
  process.kill(helper, 'SIGSTOP');
  await waitFor(() => processTable.stat(helper)?.state === 'T', 'the helper to stop');
  return helper;
}

describe('a stuck launcher helper', () => {
  test('the watchdog replaces it: a pending start fails with a clear error, the next start works', { timeout: 30_000 }, async (t) => {
    const launcher = launcherFor(t, { heartbeatMs: 100 });
    const engine = faultEngine(t, [nodeSpec('job', 'exit.js', ['0'], { kind: 'job' })], { launcher });
    const helper = await stopHelper(t, launcher, engine);
    const started = performance.now();
    const id = await engine.spawn('job');
    await withTimeout(engine.whenDone(id), 5000, 'the start to fail');
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.error?.code, 'spawn-failed');
    assert.match(snap.error!.message, /the launcher helper process did not answer/);
    await waitFor(() => isGone(processTable, helper), 'the stuck helper to be killed');
    const next = await engine.spawn('job');
    await withTimeout(engine.whenDone(next), 10_000, 'the next start');
    assert.equal(engine.get(next)!.state, 'completed');
    assert.notEqual(launcher.helperPid, helper);
    summary('stuck helper replaced', { detectedMs: Math.round(performance.now() - started) });
  });

  test('a child the stuck helper started but never confirmed goes with it', { timeout: 30_000 }, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-stuck-test-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    // A helper that answers the heartbeat, starts what it is asked, reports nothing, and soon stops answering.
    const helperScript = path.join(dir, 'stuck-helper.js');
    fs.writeFileSync(helperScript, `
      const { spawn } = require('node:child_process');
      let stuck = false;
      process.on('message', (m) => {
        if (m.type === 'ping' && !stuck) process.send({ type: 'pong' });
        if (m.type !== 'launch') return;
        spawn(m.command, m.args, { cwd: m.cwd, env: m.env, detached: true, stdio: 'ignore' });
        setTimeout(() => (stuck = true), 500);
      });
      process.on('disconnect', () => process.exit(0));
    `);
    const pidFile = path.join(dir, 'pid');
    const launcher = launcherFor(t, { heartbeatMs: 100, helperScript });
    const job = { ...nodeSpec('job', 'hang.js', [], { kind: 'job' as const }), command: '/bin/sh', args: ['-c', `echo $$ > ${pidFile}; exec sleep 60`] };
    const engine = faultEngine(t, [job], { launcher });
    const id = await engine.spawn('job');
    await withTimeout(engine.whenDone(id), 10_000, 'the start to fail');
    assert.equal(engine.get(id)!.error?.code, 'spawn-failed');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    t.after(() => reap([pid]));
    await waitFor(() => isGone(processTable, pid), 'the unconfirmed child to be killed', 5000);
  });

  test('with the default heartbeat, a stuck helper is found within 5 s', { timeout: 30_000 }, async (t) => {
    const launcher = launcherFor(t, {});
    const engine = faultEngine(t, [nodeSpec('job', 'exit.js', ['0'], { kind: 'job' })], { launcher });
    await stopHelper(t, launcher, engine);
    const id = await engine.spawn('job');
    await withTimeout(engine.whenDone(id), 5000, 'the stuck helper to be found');
    assert.equal(engine.get(id)!.error?.code, 'spawn-failed');
  });

  test('a job timeout counts from the start request, and a start confirmed after it is taken down', { timeout: 30_000 }, async (t) => {
    const launcher = launcherFor(t, NO_WATCHDOG);
    const engine = faultEngine(t, [nodeSpec('slow', 'hang.js', [], { kind: 'job', timeoutMs: 300 })], { launcher });
    const pids = watchPids(engine);
    const helper = await stopHelper(t, launcher, engine);
    const id = await engine.spawn('slow');
    await withTimeout(engine.whenDone(id), 5000, 'the timeout while starting');
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.error?.code, 'timeout');
    // The helper wakes up and starts the process after all: nothing of it may be left running.
    process.kill(helper, 'SIGCONT');
    const line = await waitForLine(engine, id, /^A start confirmed after the attempt ended \(pid \d+\); stopping it\.$/);
    const late = Number(/pid (\d+)/.exec(line)![1]);
    await waitFor(() => isGone(processTable, late), 'the late process to be taken down');
    assert.equal(engine.get(id)!.state, 'failed');
    assertNothingLeft([...pids, late], 'after the late start');
  });

  test('kill() of a run whose processes are gone resolves without the helper', { timeout: 30_000 }, async (t) => {
    const launcher = launcherFor(t, NO_WATCHDOG);
    const engine = faultEngine(t, [nodeSpec('svc', 'hang.js')], { launcher });
    const id = await engine.spawn('svc');
    await waitForLine(engine, id, /^ready$/);
    const pid = engine.get(id)!.pid!;
    await stopHelper(t, launcher, engine);
    // Its process dies; the stuck helper can neither reap it nor report its exit.
    process.kill(pid, 'SIGKILL');
    await waitFor(() => isGone(processTable, pid), 'the process to die');
    await withTimeout(engine.kill(id), 3000, 'kill() with the helper stuck');
    assert.equal(engine.get(id)!.state, 'terminated');
  });

  test('shutdown() resolves within its budget while a start and a stop wait on the helper', { timeout: 30_000 }, async (t) => {
    const launcher = launcherFor(t, NO_WATCHDOG);
    const engine = faultEngine(t, [nodeSpec('svc', 'hang.js'), nodeSpec('job', 'hang.js', [], { kind: 'job' })], { launcher });
    const pids = watchPids(engine);
    const svc = await engine.spawn('svc');
    await waitForLine(engine, svc, /^ready$/);
    await stopHelper(t, launcher, engine);
    const job = await engine.spawn('job');
    await waitFor(() => engine.get(job)!.state === 'starting', 'the job to be starting');
    const started = performance.now();
    const graceMs = 200;
    await withTimeout(engine.shutdown(graceMs), graceMs + 2000, 'shutdown()');
    summary('shutdown with a stuck helper', { tookMs: Math.round(performance.now() - started) });
    assertNothingLeft(pids, 'after shutdown');
  });
});
