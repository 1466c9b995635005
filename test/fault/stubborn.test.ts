// Fault: processes that ignore SIGTERM, leave the process group (setsid), or are left behind by a
// leader that exits and so re-parent to init. A stop, or the leader's own exit, leaves nothing.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import type { ProcessEngine } from '../../src/engine/engine';
import type { ProcessSpec } from '../../src/core/types';
import { alive, nodeSpec, treePids, waitForLine } from '../unit/helpers';
import { assertAnswers, assertNothingLeft, faultEngine, growthMB, memory, summary, tagged, watchPids, withTimeout } from './faultHelpers';

/**
 * A leader whose child starts a grandchild in a session of its own (`/bin/sleep`, setsid) and
 * exits: the grandchild re-parents to init and is in neither the group nor the leader's tree (a
 * daemon's double fork). Prints `tree {"pids":[leader, child, grandchild]}`; with `exit`, the
 * leader then exits too.
 */
function daemonizer(name: string, exit: boolean): ProcessSpec {
  const child = "const g=require('node:child_process').spawn('/bin/sleep',['120'],{detached:true,stdio:'ignore'});g.unref();console.log(g.pid);";
  const leader = [
    "const { spawn } = require('node:child_process');",
    `const mid = spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: ['ignore', 'pipe', 'inherit'] });`,
    "let out = ''; mid.stdout.on('data', (d) => (out += d));",
    "mid.on('exit', () => {",
    "  console.log('tree ' + JSON.stringify({ pids: [process.pid, mid.pid, Number(out.trim())] }));",
    exit ? '  setTimeout(() => process.exit(0), 50);' : '',
    '});',
    'setInterval(() => {}, 1 << 30);',
  ].join('\n');
  return { ...nodeSpec(name, 'hang.js'), args: ['-e', leader] };
}

/** Stops the run and checks it ended terminated with every pid gone; returns how long the stop took. */
async function stopAndCheck(engine: ProcessEngine, id: string, pids: number[], forced: boolean): Promise<number> {
  const started = performance.now();
  await withTimeout(engine.kill(id), 15_000, 'the stop');
  const took = Math.round(performance.now() - started);
  const snap = engine.get(id)!;
  assert.equal(snap.state, 'terminated');
  assert.equal(snap.error?.code, 'canceled');
  if (forced) assert.match(snap.error!.message, /did not stop within 0.5 s; killed \(SIGKILL\)/);
  assert.deepEqual(alive(pids), [], 'every process of the tree is gone once kill resolves');
  return took;
}

describe('stubborn processes', () => {
  test('a SIGTERM ignorer is killed after the grace period and nothing is left', { timeout: 30_000 }, async (t) => {
    const engine = faultEngine(t, [nodeSpec('stubborn', 'ignore-term.js')]);
    const pids = watchPids(engine);
    const id = await engine.spawn('stubborn');
    await waitForLine(engine, id, /^ready$/);
    const stopMs = await stopAndCheck(engine, id, [...pids], true);
    assert.ok(engine.output(id).some((l) => l.text === 'ignoring SIGTERM'), 'it got SIGTERM first');
    assertNothingLeft(pids, 'SIGTERM ignorer');
    summary('sigterm-ignorer', { stopMs, graceMs: 500, quickJobMs: await assertAnswers(engine) });
  });

  test('a tree that ignores SIGTERM and has setsid grandchildren is stopped whole', { timeout: 30_000 }, async (t) => {
    const engine = faultEngine(t, [nodeSpec('tree', 'fork-tree.js', ['3', '--ignore-term', '--setsid'])]);
    const id = await engine.spawn('tree');
    const pids = await treePids(engine, id);
    assert.equal(pids.length, 7, 'leader, 3 children, 3 grandchildren');
    assert.deepEqual(alive(pids), pids);
    const stopMs = await stopAndCheck(engine, id, pids, true);
    assertNothingLeft(pids, 'setsid tree');
    summary('sigterm-ignoring-setsid-tree', { processes: pids.length, stopMs, quickJobMs: await assertAnswers(engine) });
  });

  for (const flags of [['--exit'], ['--exit', '--setsid', '--ignore-term']]) {
    test(`a leader that exits leaves children that re-parent to init (${flags.join(' ')}): its own exit takes them down`, { timeout: 30_000 }, async (t) => {
      const engine = faultEngine(t, [nodeSpec('orphaner', 'fork-tree.js', ['3', ...flags])]);
      const id = await engine.spawn('orphaner');
      const pids = await treePids(engine, id);
      assert.equal(pids.length, 7);
      const started = performance.now();
      await withTimeout(engine.whenDone(id), 15_000, 'the run to end after its leader exited');
      const sweepMs = Math.round(performance.now() - started);
      const snap = engine.get(id)!;
      assert.equal(snap.state, 'completed', 'the leader exited 0 (restart policy "never")');
      assert.equal(snap.exitCode, 0);
      assert.deepEqual(alive(pids), [], 'the children left behind are gone once the run has ended');
      assertNothingLeft(pids, `leader exit ${flags.join(' ')}`);
      summary(`leader-exit ${flags.join(' ')}`, { processes: pids.length, sweepMs, quickJobMs: await assertAnswers(engine) });
    });
  }

  test('disposing the engine takes down every stubborn tree at once', { timeout: 30_000 }, async (t) => {
    const engine = faultEngine(t, [nodeSpec('stubborn', 'ignore-term.js'), nodeSpec('tree', 'fork-tree.js', ['3', '--ignore-term', '--setsid'])]);
    const watched = watchPids(engine);
    await engine.spawn('stubborn');
    const treeId = await engine.spawn('tree');
    const pids = [...(await treePids(engine, treeId)), ...watched];
    const before = memory();
    const started = performance.now();
    await withTimeout(engine.shutdown(300), 15_000, 'shutdown');
    const disposeMs = Math.round(performance.now() - started);
    assert.ok(engine.list().every((r) => r.state === 'terminated'));
    assertNothingLeft(pids, 'shutdown');
    summary('dispose-stubborn', { processes: new Set(pids).size, disposeMs, rssGrowthMB: growthMB(before).rss });
  });

  // The double fork of a daemon: the grandchild is in its own session and its parent has exited
  // before any signal, so it is in neither the process group nor the leader's descendants.
  for (const how of ['stop', 'leader exit'] as const) {
    test(`a double-forked grandchild (setsid, parent gone) does not outlive its run (${how})`, { timeout: 30_000 }, async (t) => {
      const engine = faultEngine(t, [daemonizer('daemon', how === 'leader exit')]);
      const id = await engine.spawn('daemon');
      const pids = await treePids(engine, id);
      const grandchild = pids[2];
      assert.ok(grandchild > 0 && alive([grandchild]).length === 1, 'the grandchild runs');
      if (how === 'stop') await withTimeout(engine.kill(id), 15_000, 'the stop');
      else await withTimeout(engine.whenDone(id), 15_000, 'the run to end');
      const survivors = alive(pids);
      summary(`double-fork ${how}`, { survivors: survivors.length, taggedLeft: tagged().length });
      assert.deepEqual(survivors, [], `left running after the run ended: ${JSON.stringify(survivors)}`);
    });
  }
});
