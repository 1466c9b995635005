// Fault: the launcher helper is killed outright (SIGKILL) while its children run. The helper held
// their stdio: a quiet child runs on, one reading stdin reads EOF. Their exit status went with the
// helper: the runs say so (launcher-lost), never with a made-up exit code; a service is restarted
// per its policy, a job is not retried, and the engine tells once that the launcher was lost.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SERVICE_RESTART } from '../../src/core/defaults';
import { HelperLauncher, type LauncherLoss } from '../../src/platform/launcher';
import { isGone } from '../../src/platform/procfs';
import { processTable } from '../../src/platform/processes';
import { nodeSpec, waitFor, waitForLine } from '../unit/helpers';
import { assertAnswers, assertNothingLeft, faultEngine, watchPids, withTimeout } from './faultHelpers';

type TestContext = Parameters<typeof faultEngine>[0];

function launcherFor(t: TestContext): HelperLauncher {
  const launcher = new HelperLauncher();
  // Added before the engine's hooks, so it runs after them: the engine stops its runs first.
  t.after(() => launcher.dispose());
  return launcher;
}

async function killHelper(launcher: HelperLauncher): Promise<number> {
  const helper = launcher.helperPid!;
  assert.ok(helper, 'a helper runs');
  process.kill(helper, 'SIGKILL');
  await waitFor(() => isGone(processTable, helper), 'the helper to die');
  await waitFor(() => launcher.helperPid !== helper, 'the launcher to notice');
  return helper;
}

describe('the launcher helper killed while its children run', () => {
  test('a job that then exits 0 ends failed with launcher-lost, without a made-up exit code, and is not retried', { timeout: 30_000 }, async (t) => {
    const launcher = launcherFor(t);
    const retry = { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 10, multiplier: 1, jitter: 0 };
    const engine = faultEngine(t, [nodeSpec('job', 'echo.js', [], { kind: 'job', retry })], { launcher });
    const pids = watchPids(engine);
    const id = await engine.spawn('job');
    await waitForLine(engine, id, /^ready$/);
    await killHelper(launcher);
    // The helper held its stdin: echo.js reads EOF and exits 0.
    await withTimeout(engine.whenDone(id), 10_000, 'the job to end');

    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.error?.code, 'launcher-lost');
    assert.match(snap.error!.message, /the launcher died; exit status unknown/);
    assert.doesNotMatch(snap.error!.message, /code null/);
    assert.equal(snap.exitCode, null);
    assert.equal(snap.attempts, 1, 'a job whose end is unknown may have done its work: it is not run again');
    assert.ok(!engine.output(id).some((l) => /code null/.test(l.text)), 'no line says "code null"');
    await assertAnswers(engine);
    assertNothingLeft(pids, 'after the job');
  });

  test('an on-failure service whose process then exits 0 is restarted as if it had failed', { timeout: 30_000 }, async (t) => {
    const launcher = launcherFor(t);
    const restart = { ...DEFAULT_SERVICE_RESTART, policy: 'on-failure' as const, initialDelayMs: 10, jitter: 0 };
    const engine = faultEngine(t, [nodeSpec('svc', 'echo.js', [], { restart })], { launcher });
    const pids = watchPids(engine);
    const id = await engine.spawn('svc');
    await waitForLine(engine, id, /^ready$/);
    const first = engine.get(id)!.pid!;
    await killHelper(launcher);
    // The helper held its stdin: echo.js reads EOF and exits 0.
    await waitFor(() => engine.get(id)!.restarts === 1 && engine.get(id)!.state === 'running', 'the service to be restarted', 10_000);

    const snap = engine.get(id)!;
    assert.notEqual(snap.pid, first);
    assert.match(snap.lastRecovery!.reason, /^launcher-lost: restart 1/);
    assert.ok(engine.output(id).some((l) => l.stream === 'system' && /the launcher died; exit status unknown/.test(l.text)));
    await engine.kill(id);
    assertNothingLeft(pids, 'after the service');
  });

  test('the engine reports the loss once, with how many runs it touched', { timeout: 30_000 }, async (t) => {
    const launcher = launcherFor(t);
    const engine = faultEngine(t, [nodeSpec('a', 'hang.js'), nodeSpec('b', 'hang.js')], { launcher });
    const losses: LauncherLoss[] = [];
    engine.onDidLoseLauncher((loss) => losses.push(loss));
    const ids = [await engine.spawn('a'), await engine.spawn('b')];
    for (const id of ids) await waitForLine(engine, id, /^ready$/);
    await killHelper(launcher);
    await waitFor(() => losses.length > 0, 'the loss event');
    // A later start brings a new helper and raises nothing more.
    await assertAnswers(engine);
    assert.equal(losses.length, 1);
    assert.equal(losses[0].running, 2);
    assert.equal(losses[0].failedStarts, 0);
    assert.match(losses[0].reason, /killed by SIGKILL/);
    await engine.killAll();
    for (const id of ids) assert.equal(engine.get(id)!.state, 'terminated');
  });
});
