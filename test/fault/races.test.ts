// Fault: commands that cross each other, as a double click or a quick spawn after a stop makes
// them. A service ends up with exactly one instance, and a spawn during a stop is not lost.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isFinal } from '../../src/engine/run/stateMachine';
import { nodeSpec, waitFor, waitForLine } from '../unit/helpers';
import { withTimeout } from './faultHelpers';
import { shippedEngine } from './shipped';

describe('races', () => {
  test('two concurrent restarts of one service leave exactly one running instance', async (t) => {
    const engine = shippedEngine(t, [nodeSpec('web', 'hang.js')]);
    const id = await engine.spawn('web');
    await waitForLine(engine, id, /^ready$/);
    const [a, b] = await withTimeout(Promise.all([engine.restart(id), engine.restart('web')]), 10_000, 'both restarts');
    assert.equal(a, b, 'both clicks resolve to the same new run');
    // A late third click on the old (finished) run keeps the one instance too.
    const c = await withTimeout(engine.restart(id), 10_000, 'a late restart');
    await waitForLine(engine, c, /^ready$/);
    const live = engine.list().filter((s) => s.name === 'web' && !isFinal(s.state));
    assert.deepEqual(live.map((s) => [s.instance, s.state]), [[0, 'running']]);
  });

  test('a spawn while the service stops queues a fresh run that starts once the stop is done', async (t) => {
    // Ignores SIGTERM: the stop takes the whole grace (500 ms), then SIGKILL.
    const engine = shippedEngine(t, [nodeSpec('web', 'ignore-term.js')]);
    const id = await engine.spawn('web');
    await waitForLine(engine, id, /^ready$/);
    const stopped = engine.kill(id);
    await waitFor(() => engine.get(id)!.state === 'stopping', 'the stop to begin');
    const fresh = await engine.spawn('web');
    assert.notEqual(fresh, id, 'not the run that is stopping');
    assert.equal(engine.get(fresh)!.state, 'queued');
    await withTimeout(stopped, 10_000, 'the stop');
    await withTimeout(waitForLine(engine, fresh, /^ready$/), 10_000, 'the fresh run');
    assert.ok(engine.get(fresh)!.startedAt! >= engine.get(id)!.endedAt!, 'started after the old run ended');
    const live = engine.list().filter((s) => s.name === 'web' && !isFinal(s.state));
    assert.deepEqual(live.map((s) => s.id), [fresh]);
  });

  test('a run that waits for a stop and is cancelled never starts', async (t) => {
    const engine = shippedEngine(t, [nodeSpec('web', 'ignore-term.js')]);
    const id = await engine.spawn('web');
    await waitForLine(engine, id, /^ready$/);
    const stopped = engine.kill(id);
    const fresh = await engine.spawn('web');
    await engine.cancel(fresh);
    await withTimeout(stopped, 10_000, 'the stop');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(engine.get(fresh)!.state, 'terminated');
    assert.equal(engine.get(fresh)!.pid, null);
  });
});
