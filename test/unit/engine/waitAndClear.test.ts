import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeEngine, nodeSpec, waitFor } from '../helpers';

const job = (name: string, script: string, args: string[] = [], extra = {}) => nodeSpec(name, script, args, { kind: 'job', ...extra });

describe('engine: why a queued run waits', () => {
  test('a job behind a full slot says its place and how many jobs run', async (t) => {
    const engine = makeEngine(t, [job('blocker', 'hang.js'), job('next', 'exit.js', ['0'])], { maxConcurrent: 1 });
    const blocker = await engine.spawn('blocker');
    await waitFor(() => engine.get(blocker)?.state === 'running', 'the blocker to run');
    const next = await engine.spawn('next');
    assert.deepEqual(engine.get(next)!.waitingFor, { kind: 'slot', position: 1, running: 1 });
    assert.deepEqual(engine.list().find((r) => r.id === next)!.waitingFor, { kind: 'slot', position: 1, running: 1 });
    assert.equal(engine.get(blocker)!.waitingFor, null);
  });

  test('a job behind its dependencies names the ones not there yet, with their condition', async (t) => {
    const engine = makeEngine(t, [
      nodeSpec('web', 'hang.js', [], { healthCheck: { readiness: { type: 'log', pattern: 'never printed', intervalMs: 50, timeoutMs: 50, initialDelayMs: 0, failureThreshold: 1, successThreshold: 1 } } }),
      job('build', 'exit.js', ['0', '400']),
      job('e2e', 'exit.js', ['0'], { dependsOn: [{ name: 'web', condition: 'healthy' }, { name: 'build', condition: 'completed' }] }),
    ]);
    const id = await engine.spawn('e2e');
    assert.deepEqual(engine.get(id)!.waitingFor, {
      kind: 'dependency',
      dependencies: [{ name: 'web', condition: 'healthy' }, { name: 'build', condition: 'completed' }],
    });
    await waitFor(() => engine.list().some((r) => r.name === 'build' && r.state === 'completed'), 'build to complete');
    const pendingCount = () => {
      const wait = engine.get(id)!.waitingFor;
      return wait?.kind === 'dependency' ? wait.dependencies.length : -1;
    };
    await waitFor(() => pendingCount() === 1, 'build to drop out');
    assert.deepEqual(engine.get(id)!.waitingFor, { kind: 'dependency', dependencies: [{ name: 'web', condition: 'healthy' }] });
  });

  test('a delayed start says until when; a running run waits for nothing', async (t) => {
    const engine = makeEngine(t, [job('later', 'exit.js', ['0'])]);
    const asked = Date.now();
    const id = await engine.spawn('later', { delayMs: 300 });
    const wait = engine.get(id)!.waitingFor;
    assert.equal(wait?.kind, 'delay');
    assert.ok(wait.kind === 'delay' && wait.until >= asked + 300);
    await engine.whenDone(id);
    assert.equal(engine.get(id)!.waitingFor, null);
  });
});

describe('engine: clearFinished', () => {
  test('forgets the finished runs of one definition, keeps live runs and other definitions', async (t) => {
    const engine = makeEngine(t, [job('build', 'exit.js', ['0']), job('lint', 'exit.js', ['1']), nodeSpec('web', 'hang.js')]);
    const builds = [await engine.spawn('build'), await engine.spawn('build')];
    const lint = await engine.spawn('lint');
    const web = await engine.spawn('web');
    for (const id of [...builds, lint]) await engine.whenDone(id);
    const changes: unknown[] = [];
    engine.onDidChange((s) => changes.push(s));
    assert.equal(engine.clearFinished('build'), 2);
    assert.deepEqual(changes, [undefined]);
    assert.deepEqual(engine.list().map((r) => r.name).sort(), ['lint', 'web']);
    assert.equal(engine.clearFinished('build'), 0);
    assert.equal(engine.clearFinished('web'), 0, 'a live run stays');
    assert.equal(engine.get(web)!.state, 'running');
  });

  test('clears typed command lines apart, or everything at once', async (t) => {
    const engine = makeEngine(t, [job('build', 'exit.js', ['0'])]);
    const build = await engine.spawn('build');
    const line = await engine.runCommandLine('echo hi');
    await engine.whenDone(build);
    await engine.whenDone(line);
    assert.equal(engine.clearFinished({ adhoc: true }), 1);
    assert.deepEqual(engine.list().map((r) => r.id), [build]);
    await engine.runCommandLine('echo again').then((id) => engine.whenDone(id));
    assert.equal(engine.clearFinished(), 2);
    assert.deepEqual(engine.list(), []);
  });

  test('history trimming still works after a clear', async (t) => {
    const engine = makeEngine(t, [job('build', 'exit.js', ['0'])], { historyPerDefinition: 2 });
    await engine.spawn('build').then((id) => engine.whenDone(id));
    engine.clearFinished('build');
    for (let i = 0; i < 3; i++) await engine.spawn('build').then((id) => engine.whenDone(id));
    assert.equal(engine.list().length, 2);
  });
});
