// Fault: a window reconnects to the launcher helper the previous window left, and that helper is
// killed (SIGKILL) or stopped (SIGSTOP). Either way the window does not wait longer than its
// timeout: the helper counts as gone, and the records' adoption path takes what still runs, its
// exit status unknown.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { HelperLauncher, type SessionInfo } from '../../src/platform/launcher';
import { isGone } from '../../src/platform/procfs';
import { processTable } from '../../src/platform/processes';
import { FileRecordStore } from '../../src/platform/records';
import { nodeSpec, reap, scratchDir, waitFor, waitForLine } from '../unit/helpers';
import { assertNothingLeft, faultEngine, watchPids } from './faultHelpers';

type TestContext = Parameters<typeof faultEngine>[0];

/** A window whose helper outlives it, released with a service running; its records in a temp folder. */
async function previousWindow(t: TestContext, reconnectGraceMs = 20_000) {
  const dir = scratchDir('dpm-helper-lost-');
  const records = new FileRecordStore(path.join(dir, 'processes.json'));
  const sessions: SessionInfo[] = [];
  const launcher = new HelperLauncher({ reconnectGraceMs, stopGraceMs: 200, onSession: (info) => sessions.push(info) });
  t.after(() => launcher.dispose());
  const engine = faultEngine(t, [nodeSpec('svc', 'hang.js')], { launcher, records });
  const id = await engine.spawn('svc');
  await waitForLine(engine, id, /^ready$/);
  const pid = engine.get(id)!.pid!;
  const helper = launcher.helperPid!;
  t.after(() => reap([pid, helper]));
  // As the extension's deactivate: the records are the next window's only way back if the helper dies.
  engine.flushRecords();
  launcher.release();
  return { records, session: sessions[0], pid, helper, id };
}

function nextWindow(t: TestContext, records: FileRecordStore) {
  const launcher = new HelperLauncher({ stopGraceMs: 200 });
  t.after(() => launcher.dispose());
  return { launcher, engine: faultEngine(t, [nodeSpec('svc', 'hang.js')], { launcher, records }) };
}

describe('the helper lost while a window reconnects', () => {
  test('SIGKILL: the reconnect fails at once as gone; the service is adopted, its exit status unknown', { timeout: 30_000 }, async (t) => {
    const before = await previousWindow(t);
    process.kill(before.helper, 'SIGKILL');
    await waitFor(() => isGone(processTable, before.helper), 'the helper to die');
    const next = nextWindow(t, before.records);
    const pids = watchPids(next.engine);
    const result = await next.launcher.reconnect(before.session, 3000);
    assert.equal(result.status, 'gone');
    const adopted = next.engine.adoptSurvivors();
    // A quiet child outlives its helper; one that wrote would have died of SIGPIPE with it.
    assert.deepEqual(adopted.map((s) => [s.name, s.pid, s.adopted]), [['svc', before.pid, true]]);
    await next.engine.kill(adopted[0].id);
    assertNothingLeft([...pids, before.pid], 'after the adopted service');
  });

  test('SIGSTOP: the reconnect gives up after its timeout as gone, without hanging the window', { timeout: 30_000 }, async (t) => {
    const before = await previousWindow(t);
    process.kill(before.helper, 'SIGSTOP');
    t.after(() => reap([before.helper]));
    const next = nextWindow(t, before.records);
    const started = Date.now();
    const result = await next.launcher.reconnect(before.session, 1500);
    const took = Date.now() - started;
    assert.equal(result.status, 'gone');
    assert.match(result.status === 'gone' ? result.reason : '', /did not answer within 1500 ms/);
    assert.ok(took < 5000, `gave up in ${took} ms`);
    // The window goes on: a new helper starts for its own launches, and what still runs is adopted.
    const adopted = next.engine.adoptSurvivors();
    assert.deepEqual(adopted.map((s) => s.pid), [before.pid]);
    const quick = await next.engine.spawn('quick');
    await next.engine.whenDone(quick);
    assert.equal(next.engine.get(quick)!.state, 'completed');
    assert.notEqual(next.launcher.helperPid, before.helper);
    await next.engine.kill(adopted[0].id);
    // Given up on, it was ended: it cannot stop later what the window adopted.
    await waitFor(() => isGone(processTable, before.helper), 'the helper given up on to be ended');
  });

  test('SIGSTOP, then SIGCONT after the window gave up: what the window adopted outlives the helper\'s grace', { timeout: 30_000 }, async (t) => {
    const before = await previousWindow(t, 1500);
    process.kill(before.helper, 'SIGSTOP');
    t.after(() => reap([before.helper]));
    const next = nextWindow(t, before.records);
    const result = await next.launcher.reconnect(before.session, 500);
    assert.equal(result.status, 'gone');
    const adopted = next.engine.adoptSurvivors();
    assert.deepEqual(adopted.map((s) => s.pid), [before.pid]);
    try {
      process.kill(before.helper, 'SIGCONT');
    } catch {
      // Ended by the window: nothing to resume.
    }
    // Past the grace the helper was started with: had it resumed, it would have stopped the service.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(next.engine.get(adopted[0].id)!.state, 'running');
    assert.ok(!isGone(processTable, before.pid), 'the adopted service still runs');
    await next.engine.kill(adopted[0].id);
  });
});
