// Fault: the launcher helper is killed outright (SIGKILL) while a `tty: true` child runs. The
// helper holds the pty's master end, so the child loses its terminal (SIGHUP), unlike a child on
// pipes, which runs on: its run ends launcher-lost, nothing of it is left, and the next tty run
// gets a terminal from the replaced helper.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HelperLauncher } from '../../src/platform/launcher';
import { isGone } from '../../src/platform/procfs';
import { processTable } from '../../src/platform/processes';
import { nodeSpec, waitFor, waitForLine } from '../unit/helpers';
import { assertAnswers, assertNothingLeft, faultEngine, watchPids, withTimeout } from './faultHelpers';

describe('the launcher helper killed while a tty child runs', () => {
  test('the child hangs up with its terminal, the run ends launcher-lost, and the next run gets a terminal again', { timeout: 30_000 }, async (t) => {
    const launcher = new HelperLauncher();
    t.after(() => launcher.dispose());
    const engine = faultEngine(t, [nodeSpec('term', 'tty.js', [], { kind: 'job', tty: true })], { launcher });
    const pids = watchPids(engine);
    const id = await engine.spawn('term');
    await waitForLine(engine, id, /^ready$/);
    assert.equal(engine.get(id)!.tty, true);
    const helper = launcher.helperPid!;
    process.kill(helper, 'SIGKILL');
    await waitFor(() => isGone(processTable, helper), 'the helper to die');
    await withTimeout(engine.whenDone(id), 10_000, 'the tty run to end');
    assert.equal(engine.get(id)!.error?.code, 'launcher-lost');
    assertNothingLeft(pids, 'after the helper died');

    const next = await engine.spawn('term');
    assert.match(await waitForLine(engine, next, /^tty /), /"stdout":true/);
    await engine.kill(next);
    await assertAnswers(engine);
    assertNothingLeft(pids, 'after the next run');
  });
});
