import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessSpec } from '../../../src/core/types';
import { startMany, stopMany } from '../../../src/engine/groupActions';
import { dependencyLevels, startOrder } from '../../../src/engine/scheduler/startOrder';
import { alive, makeEngine, nodeSpec, waitFor } from '../helpers';

const lookup = (specs: ProcessSpec[]) => (name: string) => specs.find((s) => s.name === name);
const dependsOn = (...names: string[]) => ({ dependsOn: names.map((name) => ({ name, condition: 'started' as const })) });

test('start order: dependencies first, through definitions outside the set too; settings order otherwise', () => {
  const specs = [
    nodeSpec('web', 'hang.js', [], dependsOn('api')),
    nodeSpec('api', 'hang.js', [], dependsOn('cache')),
    nodeSpec('cache', 'hang.js', [], dependsOn('db')),
    nodeSpec('db', 'hang.js'),
    nodeSpec('docs', 'hang.js'),
  ];
  // "cache" is not asked for, yet "db" must come before "api", which needs it through "cache".
  assert.deepEqual(startOrder(['web', 'api', 'docs', 'db'], lookup(specs)), ['docs', 'db', 'api', 'web']);
  assert.deepEqual(Object.fromEntries(dependencyLevels(['web'], lookup(specs))), { db: 0, cache: 1, api: 2, web: 3 });
});

test('a hand-made cycle does not loop', () => {
  const specs = [nodeSpec('a', 'hang.js', [], dependsOn('b')), nodeSpec('b', 'hang.js', [], dependsOn('a'))];
  assert.equal(startOrder(['a', 'b'], lookup(specs)).length, 2);
});

const READY_AFTER_MS = 300;
const readyLater = { healthCheck: { readiness: { type: 'log' as const, pattern: '^ready$', intervalMs: 50, timeoutMs: 50, initialDelayMs: 0, failureThreshold: 1, successThreshold: 1 } } };

test('startMany starts a dependent only once its dependency is ready, and a job member once', async (t) => {
  const engine = makeEngine(t, [
    nodeSpec('web', 'hang.js', [], { dependsOn: [{ name: 'db', condition: 'healthy' }] }),
    nodeSpec('migrate', 'exit.js', ['0'], { kind: 'job', dependsOn: [{ name: 'db', condition: 'healthy' }] }),
    nodeSpec('setup', 'exit.js', ['0'], { kind: 'job' }),
    nodeSpec('db', 'ready-later.js', [String(READY_AFTER_MS)], { ...readyLater, dependsOn: [{ name: 'setup', condition: 'completed' }] }),
  ]);
  const ids = await startMany(engine, ['web', 'migrate', 'db', 'setup']);
  assert.deepEqual(ids.map((id) => engine.get(id)?.name), ['setup', 'db', 'web', 'migrate']);
  await waitFor(() => engine.get(ids[2])?.state === 'running' && engine.get(ids[3])?.state === 'completed', 'web to run and migrate to complete');
  const db = engine.get(ids[1])!;
  assert.equal(db.ready, true);
  assert.ok(engine.get(ids[2])!.startedAt! >= db.startedAt! + READY_AFTER_MS, 'web started before db was ready');
  assert.equal(engine.list().filter((r) => r.name === 'setup').length, 1, 'the job member ran twice');
});

test('stopMany stops every live run of the names, dependents first, and resolves once they are gone', async (t) => {
  const engine = makeEngine(t, [
    nodeSpec('web', 'hang.js', [], dependsOn('db')),
    nodeSpec('db', 'hang.js'),
    nodeSpec('other', 'hang.js'),
  ]);
  const ids = await startMany(engine, ['web', 'db', 'other']);
  await waitFor(() => ids.every((id) => engine.get(id)?.state === 'running'), 'all to run');
  const [db, other, web] = ids.map((id) => engine.get(id)!);
  assert.deepEqual([db.name, other.name, web.name], ['db', 'other', 'web']);
  const pids = [db.pid!, web.pid!];
  const ended: string[] = [];
  engine.onDidChange((run) => {
    if (run?.state === 'terminated' && !ended.includes(run.name)) ended.push(run.name);
  });
  await stopMany(engine, ['db', 'web']);
  assert.deepEqual(alive(pids), [], 'a process outlived stopMany');
  assert.deepEqual(ended, ['web', 'db']);
  assert.equal(engine.get(other.id)?.state, 'running');
});
