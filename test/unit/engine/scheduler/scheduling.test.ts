import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_RETRY } from '../../../../src/core/defaults';
import { alive, makeEngine, nodeSpec, reap, scratchDir, treePids, waitFor } from '../../helpers';

const job = (name: string, script: string, args: string[] = [], extra = {}) => nodeSpec(name, script, args, { kind: 'job', ...extra });
const quickRetry = (maxRetries: number) => ({ ...DEFAULT_RETRY, maxRetries, initialDelayMs: 50, maxDelayMs: 200, jitter: 0 });

function tempFile(): string {
  const dir = scratchDir('dpm-');
  return path.join(dir, 'counter');
}

describe('scheduler: queue and concurrency', () => {
  test('with maxConcurrent 1, a critical job queued after a low one runs first', async (t) => {
    const engine = makeEngine(
      t,
      [job('blocker', 'exit.js', ['0', '300']), job('low', 'exit.js', ['0'], { priority: 'low' }), job('crit', 'exit.js', ['0'], { priority: 'critical' })],
      { maxConcurrent: 1 },
    );
    const started: string[] = [];
    engine.onDidChange((s) => s?.state === 'starting' && started.push(s.name));
    const blocker = await engine.spawn('blocker');
    await waitFor(() => engine.get(blocker)?.state === 'running', 'the blocker to run');
    const low = await engine.spawn('low');
    const crit = await engine.spawn('crit');
    assert.equal(engine.get(low)!.state, 'queued');
    assert.equal(engine.get(crit)!.queuePosition, 1);
    assert.equal(engine.get(low)!.queuePosition, 2);
    assert.equal(engine.metrics().queued, 2);
    await engine.whenDone(low);
    assert.deepEqual(started, ['blocker', 'crit', 'low']);
  });

  test('never more job attempts at once than maxConcurrent; services hold no slot', async (t) => {
    const engine = makeEngine(t, [job('j', 'exit.js', ['0', '150']), nodeSpec('svc', 'hang.js')], { maxConcurrent: 2 });
    let peak = 0;
    engine.onDidChange(() => {
      const running = engine.list().filter((s) => s.kind === 'job' && ['starting', 'running', 'stopping'].includes(s.state)).length;
      peak = Math.max(peak, running);
    });
    const svc = await engine.spawn('svc');
    const ids = await Promise.all(Array.from({ length: 6 }, () => engine.spawn('j')));
    await Promise.all(ids.map((id) => engine.whenDone(id)));
    assert.equal(peak, 2);
    assert.equal(engine.get(svc)!.state, 'running');
    assert.equal(engine.metrics().completed, 6);
  });

  test('a delayed start waits for its time', async (t) => {
    const engine = makeEngine(t, [job('later', 'exit.js', ['0'])]);
    const asked = Date.now();
    const id = await engine.spawn('later', { delayMs: 200 });
    assert.equal(engine.get(id)!.state, 'queued');
    assert.ok(engine.metrics().nextStartAt! >= asked + 200);
    await engine.whenDone(id);
    assert.ok(engine.get(id)!.startedAt! - asked >= 195);
  });

  test('cancel ends a queued run terminated with canceled; cancel of a running run is refused', async (t) => {
    const engine = makeEngine(t, [job('blocker', 'hang.js'), job('waiting', 'exit.js', ['0'])], { maxConcurrent: 1 });
    const blocker = await engine.spawn('blocker');
    const waiting = await engine.spawn('waiting');
    await waitFor(() => engine.get(blocker)?.state === 'running', 'the blocker to run');
    await engine.cancel(waiting);
    const snap = engine.get(waiting)!;
    assert.equal(snap.state, 'terminated');
    assert.equal(snap.error?.code, 'canceled');
    assert.equal(snap.pid, null);
    await assert.rejects(engine.cancel(blocker), /only a queued or backing-off run can be cancelled/);
  });
});

describe('scheduler: timeouts and retries', () => {
  test('a timeout kills the whole tree and the run fails with timeout', async (t) => {
    const engine = makeEngine(t, [job('slow', 'fork-tree.js', ['2'], { timeoutMs: 2500 })], { stopTimeoutMs: 300 });
    const id = await engine.spawn('slow');
    const pids = await treePids(engine, id);
    t.after(() => reap(pids));
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.error?.code, 'timeout');
    assert.match(snap.error!.message, /timed out after 2.5 s/);
    assert.deepEqual(alive(pids), []);
    assert.equal(engine.metrics().timedOut, 1);
  });

  test('a job that fails twice then succeeds ends completed with 3 attempts and the same id', async (t) => {
    const counter = tempFile();
    const engine = makeEngine(t, [job('flaky', 'flaky.js', [counter, '3'], { retry: quickRetry(3) })]);
    const states: string[] = [];
    engine.onDidChange((s) => s && states.push(s.state));
    const id = await engine.spawn('flaky');
    await waitFor(() => engine.get(id)?.state === 'backoff', 'the first backoff');
    assert.ok(engine.get(id)!.nextAttemptAt! > Date.now() - 50);
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'completed');
    assert.equal(snap.attempts, 3);
    assert.equal(engine.metrics().retried, 2);
    assert.equal(states.filter((s) => s === 'backoff').length, 2);
    assert.deepEqual(engine.output(id).filter((l) => l.stream === 'stdout').map((l) => l.text), ['run 1', 'run 2', 'run 3']);
  });

  test('retries stop at maxRetries and the run fails', async (t) => {
    const counter = tempFile();
    const engine = makeEngine(t, [job('hopeless', 'flaky.js', [counter, '99'], { retry: quickRetry(2) })]);
    const id = await engine.spawn('hopeless');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.attempts, 3);
    assert.equal(snap.error?.code, 'exit-code');
  });

  test('a run waiting to retry can be cancelled', async (t) => {
    const counter = tempFile();
    const engine = makeEngine(t, [job('flaky', 'flaky.js', [counter, '9'], { retry: { ...quickRetry(5), initialDelayMs: 10_000 } })]);
    const id = await engine.spawn('flaky');
    await waitFor(() => engine.get(id)?.state === 'backoff', 'backoff');
    await engine.cancel(id);
    assert.equal(engine.get(id)!.state, 'terminated');
    assert.equal(engine.metrics().nextStartAt, null);
  });

  test('retry of a failed run starts a new run with a fresh attempt count', async (t) => {
    const engine = makeEngine(t, [job('bad', 'exit.js', ['1'])]);
    const first = await engine.spawn('bad');
    await engine.whenDone(first);
    const second = await engine.retry(first);
    assert.notEqual(second, first);
    await engine.whenDone(second);
    assert.equal(engine.get(second)!.attempts, 1);
    await assert.rejects(engine.retry(await engine.spawn('bad')), /only a finished run can be retried/);
  });
});

describe('scheduler: dependencies', () => {
  test('a job waits for the job it depends on to complete, which is started for it', async (t) => {
    const engine = makeEngine(t, [
      job('build', 'exit.js', ['0', '200']),
      job('test', 'exit.js', ['0'], { dependsOn: [{ name: 'build', condition: 'completed' }] }),
    ]);
    const id = await engine.spawn('test');
    assert.equal(engine.get(id)!.state, 'queued');
    await engine.whenDone(id);
    const build = engine.get('build')!;
    assert.equal(build.state, 'completed');
    assert.ok(engine.get(id)!.startedAt! >= build.endedAt!);
  });

  test('a failed dependency fails the dependent with dependency-failed and the reason', async (t) => {
    const engine = makeEngine(t, [job('build', 'exit.js', ['2']), job('test', 'exit.js', ['0'], { dependsOn: [{ name: 'build', condition: 'completed' }] })]);
    const id = await engine.spawn('test');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.error?.code, 'dependency-failed');
    assert.match(snap.error!.message, /"test" did not start: its dependency "build" failed/);
    assert.equal(snap.attempts, 0);
  });

  test('a service dependency counts as healthy once running', async (t) => {
    const engine = makeEngine(t, [nodeSpec('db', 'hang.js'), nodeSpec('api', 'hang.js', [], { dependsOn: [{ name: 'db', condition: 'healthy' }] })]);
    const api = await engine.spawn('api');
    await waitFor(() => engine.get(api)?.state === 'running', 'api to run');
    assert.equal(engine.get('db')!.state, 'running');
    assert.ok(engine.get('db')!.startedAt! <= engine.get(api)!.startedAt!);
  });
});

describe('scheduler: a job dependency runs again for each start of its dependent', () => {
  /** A source file the typecheck fixture reads, and the file it counts its runs in. */
  function project() {
    const dir = scratchDir('dpm-');
    const source = path.join(dir, 'main.ts');
    const runs = path.join(dir, 'runs');
    fs.writeFileSync(source, 'ok');
    const count = () => (fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8').split('\n').length - 1 : 0);
    return { source, runs, count };
  }

  test('a new type error after a completed typecheck fails the next build', async (t) => {
    const p = project();
    const engine = makeEngine(t, [job('typecheck', 'typecheck.js', [p.source, p.runs]), job('build', 'exit.js', ['0'], { dependsOn: [{ name: 'typecheck', condition: 'completed' }] })]);
    const first = await engine.spawn('build');
    await engine.whenDone(first);
    assert.equal(engine.get(first)!.state, 'completed');
    fs.writeFileSync(p.source, 'a type error');
    const second = await engine.spawn('build');
    await engine.whenDone(second);
    assert.equal(p.count(), 2);
    assert.equal(engine.get(second)!.error?.code, 'dependency-failed');
  });

  test('a running dependency is awaited, not started twice', async (t) => {
    const p = project();
    const engine = makeEngine(t, [
      job('typecheck', 'typecheck.js', [p.source, p.runs]),
      job('slow', 'exit.js', ['0', '300']),
      job('build', 'exit.js', ['0'], { dependsOn: ['typecheck', 'slow'].map((name) => ({ name, condition: 'completed' as const })) }),
      job('test', 'exit.js', ['0'], { dependsOn: [{ name: 'slow', condition: 'completed' }] }),
    ]);
    const build = await engine.spawn('build');
    const test2 = await engine.spawn('test');
    await Promise.all([engine.whenDone(build), engine.whenDone(test2)]);
    assert.equal(engine.list().filter((s) => s.name === 'slow').length, 1);
    assert.equal(p.count(), 1);
  });

  test('reuse: true uses a successful run until the dependency\'s settings change', async (t) => {
    const p = project();
    const typecheck = job('typecheck', 'typecheck.js', [p.source, p.runs]);
    const build = job('build', 'exit.js', ['0'], { dependsOn: [{ name: 'typecheck', condition: 'completed', reuse: true }] });
    const engine = makeEngine(t, [typecheck, build]);
    await engine.whenDone(await engine.spawn('build'));
    await engine.whenDone(await engine.spawn('build'));
    assert.equal(p.count(), 1, 'the successful run is reused');
    engine.setDefinitions([{ ...typecheck, env: { CHANGED: '1' } }, build]);
    await engine.whenDone(await engine.spawn('build'));
    assert.equal(p.count(), 2, 'a settings change runs it again');
    fs.writeFileSync(p.source, 'a type error');
    await engine.whenDone(await engine.spawn('typecheck'));
    const after = await engine.spawn('build');
    await engine.whenDone(after);
    assert.equal(p.count(), 4, 'a failed run is never reused');
    assert.equal(engine.get(after)!.error?.code, 'dependency-failed');
  });
});

describe('pool: replicas and metrics', () => {
  test('instances start with their index expanded and DEVPROC_INSTANCE set; scale up and down within bounds', async (t) => {
    const engine = makeEngine(t, [
      nodeSpec('web', 'env.js', ['DEVPROC_INSTANCE', 'PORT'], { env: { PORT: '300${instance}' }, instances: { min: 1, max: 3, initial: 2 } }),
      nodeSpec('svc', 'hang.js', [], { instances: { min: 1, max: 2, initial: 1 } }),
    ]);
    await engine.spawn('web');
    await waitFor(() => engine.list().filter((s) => s.name === 'web' && s.state === 'completed').length === 2, 'both instances');
    const seen = engine.list().filter((s) => s.name === 'web').map((s) => engine.output(s.id).find((l) => l.text.startsWith('env '))!.text).sort();
    assert.deepEqual(seen, ['env {"DEVPROC_INSTANCE":"0","PORT":"3000"}', 'env {"DEVPROC_INSTANCE":"1","PORT":"3001"}']);

    const first = await engine.spawn('svc');
    assert.equal(await engine.spawn('svc'), first, 'spawn of a running service returns the running instance');
    const second = await engine.scaleUp('svc');
    assert.equal(engine.get(second)!.instance, 1);
    await assert.rejects(engine.scaleUp('svc'), /already runs 2 instance\(s\), its maximum/);
    await engine.scaleDown('svc');
    assert.equal(engine.get(second)!.state, 'terminated');
    await assert.rejects(engine.scaleDown('svc'), /its minimum/);
  });

  test('an extra instance with no output and no CPU for idleTimeoutMs is stopped; min is kept', async (t) => {
    const engine = makeEngine(t, [nodeSpec('svc', 'hang.js', [], { instances: { min: 1, max: 3, initial: 2 }, idleTimeoutMs: 300 })]);
    const first = await engine.spawn('svc');
    await waitFor(() => engine.list().filter((s) => s.state === 'terminated').length === 1, 'the idle extra instance to stop', 5000);
    const extra = engine.list().find((s) => s.state === 'terminated')!;
    assert.equal(extra.instance, 1);
    assert.match(engine.output(extra.id).map((l) => l.text).join('\n'), /Idle for \d+ s/);
    assert.equal(engine.get(first)!.state, 'running');
  });

  test('metrics count runs, processes and durations', async (t) => {
    const engine = makeEngine(t, [job('ok', 'exit.js', ['0']), job('bad', 'exit.js', ['1'])], { maxConcurrent: 3 });
    for (const name of ['ok', 'ok', 'bad']) await engine.whenDone(await engine.spawn(name));
    const m = engine.metrics();
    assert.equal(m.completed, 2);
    assert.equal(m.failed, 1);
    assert.equal(m.created, 3);
    assert.equal(m.destroyed, 3);
    assert.equal(m.active, 0);
    assert.equal(m.queued, 0);
    assert.equal(m.maxConcurrent, 3);
    assert.ok(m.avgDurationMs! > 0 && m.p95DurationMs! >= m.avgDurationMs! * 0.5);
    assert.equal(m.nextStartAt, null);
  });
});
