// Fault: settings.json is edited while processes run: definitions are added, removed and changed,
// and one is broken by a typo. Nothing is stopped by it; each run says whether its definition is
// current, changed or removed; a removed definition's run stays until it is stopped.
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { parseDefinitions } from '../../src/config/definitions';
import type { ProcessEngine } from '../../src/engine/engine';
import type { ProcessSnapshot } from '../../src/engine/run/snapshot';
import { isActive, isFinal } from '../../src/engine/run/stateMachine';
import type { ProcessSpec } from '../../src/core/types';
import { alive, fixture, repoRoot, waitFor } from '../unit/helpers';
import { assertAnswers, assertNothingLeft, faultEngine, quickJob, summary, watchPids } from './faultHelpers';

const node = process.execPath;
const hang = fixture('hang.js');

/** settings.json's `devProcesses.tasks` through the real reader, plus the fault suite's quick job. */
function read(raw: unknown[]): ProcessSpec[] {
  const set = parseDefinitions(raw, { workspaceFolder: repoRoot, env: {}, homeDir: os.homedir() });
  return [...set.specs, quickJob()];
}

function byName(engine: ProcessEngine): Map<string, ProcessSnapshot> {
  return new Map(engine.list().filter((r) => !isFinal(r.state)).map((r) => [r.name, r]));
}

test('settings edited while processes run: nothing is stopped, runs say changed or removed', { timeout: 60_000 }, async (t) => {
  const v1 = [
    { name: 'same', command: node, args: [hang] },
    { name: 'changed-args', command: node, args: [hang] },
    { name: 'changed-env', command: node, args: [hang], env: { MODE: 'one' } },
    { name: 'limits-only', command: node, args: [hang], limits: { maxMemoryMB: 500 } },
    { name: 'removed', command: node, args: [hang] },
    { name: 'typo-later', command: node, args: [hang] },
    { name: 'long-job', kind: 'job', command: node, args: [hang] },
  ];
  const engine = faultEngine(t, []);
  engine.setDefinitions(read(v1));
  const pids = watchPids(engine);
  const ids = new Map<string, string>();
  for (const { name } of v1) ids.set(name, await engine.spawn(name));
  await waitFor(() => [...ids.values()].every((id) => engine.get(id)?.state === 'running'), 'every run to be running');
  const pidOf = new Map([...ids].map(([name, id]) => [name, engine.get(id)!.pid!]));

  // From here on, no run may leave `running` until we stop one ourselves.
  const moves: string[] = [];
  const watch = engine.onDidChange((snap) => {
    if (snap && ids.get(snap.name) === snap.id && snap.state !== 'running') moves.push(`${snap.name} -> ${snap.state}`);
  });

  const v2 = [
    { name: 'same', command: node, args: [hang] },
    { name: 'changed-args', command: node, args: [hang, '--changed'] },
    { name: 'changed-env', command: node, args: [hang], env: { MODE: 'two' } },
    { name: 'limits-only', command: node, args: [hang], limits: { maxMemoryMB: 800 } },
    { name: 'typo-later', command: 42, args: [hang] },
    { name: 'long-job', kind: 'job', command: node, args: [hang], timeoutMs: 600_000 },
    { name: 'added', command: node, args: [hang] },
  ];
  const started = performance.now();
  engine.setDefinitions(read(v2));
  const applyMs = Math.round(performance.now() - started);
  await new Promise((r) => setTimeout(r, 300));

  const runs = byName(engine);
  assert.deepEqual(moves, [], 'nothing was stopped or restarted by the edit');
  for (const [name, id] of ids) {
    assert.equal(runs.get(name)?.id, id, `${name} is the same run`);
    assert.equal(runs.get(name)?.state, 'running', name);
    assert.equal(runs.get(name)?.pid, pidOf.get(name), `${name} is the same process`);
  }
  assert.deepEqual(alive([...pidOf.values()]).length, pidOf.size);
  const status = Object.fromEntries([...runs].map(([name, r]) => [name, r.definitionStatus]));
  assert.deepEqual(status, {
    same: 'current',
    'changed-args': 'changed',
    'changed-env': 'changed',
    // Limits apply live (the monitor reads them every round): no restart needed.
    'limits-only': 'current',
    removed: 'removed',
    // Its entry no longer reads (a typo): it is gone from the definitions like a removed one.
    'typo-later': 'removed',
    'long-job': 'changed',
  });

  // What the settings watcher offers to stop: the live runs whose definition is gone.
  const removedLive = engine.list().filter((r) => !r.adhoc && isActive(r.state) && r.definitionStatus === 'removed').map((r) => r.name);
  assert.deepEqual(removedLive.sort(), ['removed', 'typo-later']);

  // The added definition starts; a removed one cannot be started again, but its run can be stopped.
  const addedId = await engine.spawn('added');
  await waitFor(() => engine.get(addedId)?.state === 'running', 'the added service to run');
  await assert.rejects(engine.spawn('removed'), /no definition named "removed"/);
  watch.dispose();
  await engine.kill(ids.get('removed')!);
  assert.equal(engine.get(ids.get('removed')!)?.state, 'terminated');
  assert.ok(engine.list().some((r) => r.id === ids.get('removed')), 'its ended run stays listed');
  assert.deepEqual(alive([pidOf.get('removed')!]), []);

  // Restarting a changed run applies the new definition.
  const restartedId = await engine.restart(ids.get('changed-args')!);
  await waitFor(() => engine.get(restartedId)?.state === 'running', 'the restarted run');
  assert.equal(engine.get(restartedId)?.definitionStatus, 'current');
  assert.match(engine.get(restartedId)!.commandLine, /--changed$/);

  // The typo fixed: the run it left alone is current again.
  engine.setDefinitions(read(v2.map((e) => (e.name === 'typo-later' ? v1.find((x) => x.name === 'typo-later')! : e))));
  assert.equal(engine.get(ids.get('typo-later')!)?.definitionStatus, 'current');
  assert.equal(engine.get(ids.get('typo-later')!)?.pid, pidOf.get('typo-later'));

  const answerMs = await assertAnswers(engine);
  await engine.killAll();
  assertNothingLeft(pids, 'settings edit');
  summary('settings-edit', {
    liveRuns: ids.size,
    stoppedByEdit: moves.length,
    changed: Object.values(status).filter((s) => s === 'changed').length,
    removed: Object.values(status).filter((s) => s === 'removed').length,
    applyMs,
    quickJobMs: answerMs,
  });
});

test('restarting a run whose definition was removed says so without stopping it', { timeout: 30_000 }, async (t) => {
  const engine = faultEngine(t, []);
  engine.setDefinitions(read([{ name: 'doomed', command: node, args: [hang] }]));
  const id = await engine.spawn('doomed');
  await waitFor(() => engine.get(id)?.state === 'running', 'the service to run');
  engine.setDefinitions(read([]));
  await assert.rejects(engine.restart(id), /"doomed" can no longer be started: its definition was removed/);
  const state = engine.get(id)?.state;
  summary('restart-removed', { stateAfterFailedRestart: String(state) });
  assert.equal(state, 'running', 'a restart that cannot start the new run leaves the old one running');
});
