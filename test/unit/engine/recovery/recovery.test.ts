import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_PROBE_TIMING, DEFAULT_SERVICE_RESTART } from '../../../../src/core/defaults';
import type { ProbeSpec, RestartPolicy } from '../../../../src/core/types';
import { freePort, makeEngine, nodeSpec, scratchDir, waitFor, waitForLine } from '../../helpers';

const restart = (over: Partial<RestartPolicy> = {}): RestartPolicy => ({
  ...DEFAULT_SERVICE_RESTART, initialDelayMs: 100, maxDelayMs: 2000, multiplier: 2, jitter: 0, resetAfterMs: 1000, maxRestarts: 3, windowMs: 60_000, ...over,
});
const probe = (over: Partial<ProbeSpec>): ProbeSpec => ({ ...DEFAULT_PROBE_TIMING, type: 'http', intervalMs: 100, timeoutMs: 300, ...over });

function tempFile(): string {
  const dir = scratchDir('dpm-');
  return path.join(dir, 'counter');
}

describe('recovery: restart policy against real processes', () => {
  test('a service that exits 1 at once with maxRestarts 3 ends failed after exactly 3 restarts with growing delays', async (t) => {
    // A reset only after a long stable run: on a busy machine Node alone can take longer than the
    // default test policy's reset time to start and exit, and the delays would start over.
    const engine = makeEngine(t, [nodeSpec('crashy', 'exit.js', ['1'], { restart: restart({ resetAfterMs: 60_000 }) })]);
    const backoffs: number[] = [];
    const decided: string[] = [];
    // Each delay as it happened, from the process's exit to the next attempt, and as the policy chose it.
    engine.onDidChange((s) => {
      if (s?.state !== 'backoff' || s.nextAttemptAt === null || s.exitedAt === null) return;
      backoffs.push(s.nextAttemptAt - s.exitedAt);
      decided.push(s.lastRecovery?.reason ?? '');
    });
    const id = await engine.spawn('crashy');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.restarts, 3);
    assert.equal(snap.attempts, 4);
    assert.equal(snap.error?.code, 'crash-loop');
    assert.match(snap.error!.message, /gave up after 3 restarts in 1 min .*start it again/);
    assert.equal(backoffs.length, 3);
    // No attempt comes before its delay has passed since the exit; a busy machine may add to it.
    assert.ok(backoffs[0] >= 100 && backoffs[1] >= 200 && backoffs[2] >= 400, `delays grow: ${backoffs}`);
    // The policy doubles the delay (no jitter here).
    assert.deepEqual(decided, ['exit-code: restart 1 in 0.1 s', 'exit-code: restart 2 in 0.2 s', 'exit-code: restart 3 in 0.4 s']);
    // One line per restart, in the one duration format; the give-up line ends with its advice.
    const system = engine.output(id).filter((l) => l.stream === 'system').map((l) => l.text);
    const restartLines = system.filter((l) => /restart \d/.test(l));
    assert.deepEqual(restartLines.map((l) => /restart (\d)/.exec(l)![1]), ['1', '2', '3'], system.join('\n'));
    assert.ok(restartLines.every((l) => /; restart \d in \d+(\.\d)? s\.$/.test(l)), restartLines.join('\n'));
    assert.ok(!system.some((l) => / ms\b/.test(l)), system.join('\n'));
    assert.match(system[system.length - 1], /start it again \(Start or Restart\)\.$/);
  });

  test('a service that crashes once after running stably restarts after the first delay', async (t) => {
    const counter = tempFile();
    const engine = makeEngine(t, [nodeSpec('stable', 'crash-once.js', [counter, '1200'], { restart: restart({ resetAfterMs: 1000 }) })]);
    const id = await engine.spawn('stable');
    await waitFor(() => engine.get(id)?.state === 'backoff', 'the restart backoff', 5000);
    const snap = engine.get(id)!;
    assert.ok(snap.nextAttemptAt! - Date.now() <= 100);
    assert.equal(snap.lastRecovery?.strategy, 'restart');
    await waitForLine(engine, id, /^run 2$/);
    await waitFor(() => engine.get(id)?.state === 'running', 'running again');
    assert.equal(engine.get(id)!.restarts, 1);
    assert.equal(engine.get(id)!.id, id, 'an automatic restart keeps the run id');
  });

  test('a stop by the user never triggers a restart', async (t) => {
    const engine = makeEngine(t, [nodeSpec('svc', 'hang.js', [], { restart: restart({ policy: 'always' }) })]);
    const id = await engine.spawn('svc');
    await waitForLine(engine, id, /^ready$/);
    await engine.kill(id);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(engine.get(id)!.state, 'terminated');
    assert.equal(engine.get(id)!.restarts, 0);
  });

  test('on-failure: a clean exit completes; always: it restarts', async (t) => {
    const engine = makeEngine(t, [
      nodeSpec('clean', 'exit.js', ['0'], { restart: restart() }),
      nodeSpec('again', 'exit.js', ['0'], { restart: restart({ policy: 'always', maxRestarts: 1 }) }),
    ]);
    const clean = await engine.spawn('clean');
    await engine.whenDone(clean);
    assert.equal(engine.get(clean)!.state, 'completed');
    const again = await engine.spawn('again');
    await engine.whenDone(again);
    assert.equal(engine.get(again)!.restarts, 1);
    assert.equal(engine.get(again)!.error?.code, 'crash-loop');
  });

  test('recovery "notify" for exit codes leaves the service down instead of restarting', async (t) => {
    const engine = makeEngine(t, [nodeSpec('quiet', 'exit.js', ['2'], { restart: restart(), recovery: { 'exit-code': 'notify' } })]);
    const id = await engine.spawn('quiet');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.restarts, 0);
    assert.equal(snap.lastRecovery?.strategy, 'notify');
  });
});

describe('recovery: health probes', () => {
  test('an HTTP server becomes ready only once it listens, and a dependent waits for it', async (t) => {
    const port = await freePort();
    const engine = makeEngine(t, [
      nodeSpec('web', 'http-server.js', ['--delay', '600'], { env: { PORT: String(port) }, healthCheck: { readiness: probe({ url: `http://127.0.0.1:${port}/` }) } }),
      nodeSpec('client', 'hang.js', [], { dependsOn: [{ name: 'web', condition: 'healthy' }] }),
    ]);
    const client = await engine.spawn('client');
    await waitFor(() => engine.get('web')?.state === 'running', 'web to run');
    assert.equal(engine.get('web')!.ready, false);
    assert.equal(engine.get('web')!.health?.readiness, 'pending');
    assert.equal(engine.get(client)!.state, 'queued');
    await waitFor(() => engine.get(client)?.state === 'running', 'the dependent to start', 8000);
    const web = engine.get('web')!;
    assert.equal(web.ready, true);
    assert.equal(web.health?.readiness, 'passing');
    assert.ok(web.health!.lastProbeMs !== null);
    assert.ok(engine.output('web').some((l) => /^listening on /.test(l.text)));
  });

  test('a log readiness probe passes on the first matching line', async (t) => {
    const engine = makeEngine(t, [nodeSpec('logged', 'hang.js', [], { healthCheck: { readiness: probe({ type: 'log', pattern: '^rea.y$' }) } })]);
    const id = await engine.spawn('logged');
    await waitFor(() => engine.get(id)?.ready === true, 'ready from the log');
    assert.ok(engine.output(id).some((l) => /Ready: a line matched/.test(l.text)));
  });

  test('a process that stops answering its liveness probe is restarted', async (t) => {
    const port = await freePort();
    const engine = makeEngine(t, [
      nodeSpec('api', 'http-server.js', ['--hang-after', '800'], {
        env: { PORT: String(port) },
        restart: restart(),
        healthCheck: { liveness: probe({ url: `http://127.0.0.1:${port}/`, failureThreshold: 2, timeoutMs: 200 }) },
      }),
    ], { stopTimeoutMs: 500 });
    const id = await engine.spawn('api');
    await waitFor(() => engine.get(id)?.state === 'running', 'the first process');
    const firstPid = engine.get(id)!.pid;
    await waitFor(() => (engine.get(id)?.restarts ?? 0) >= 1, 'a restart after liveness failed', 10_000);
    const snap = engine.get(id)!;
    assert.equal(snap.error?.code, 'hung');
    assert.match(snap.error!.message, /stopped answering: liveness probe failed 2 time\(s\) in a row/);
    await waitFor(() => engine.get(id)?.state === 'running' && engine.get(id)?.pid !== firstPid, 'the new process');
  });

  test('readiness gating fails the dependent when the service dies before it is ready', async (t) => {
    const engine = makeEngine(t, [
      nodeSpec('db', 'exit.js', ['1', '200'], { healthCheck: { readiness: probe({ type: 'tcp', port: 1 }) } }),
      nodeSpec('app', 'hang.js', [], { dependsOn: [{ name: 'db', condition: 'healthy' }] }),
    ]);
    const app = await engine.spawn('app');
    await engine.whenDone(app);
    assert.equal(engine.get(app)!.error?.code, 'dependency-failed');
  });
});

describe('recovery: explaining failures', () => {
  test('"address already in use" names the process holding the port, and marks it when it is ours', async (t) => {
    const port = await freePort();
    const engine = makeEngine(t, [nodeSpec('first', 'listen.js', [String(port)]), nodeSpec('second', 'listen.js', [String(port)])]);
    const first = await engine.spawn('first');
    await waitForLine(engine, first, /^listening on /);
    const second = await engine.spawn('second');
    await engine.whenDone(second);
    const snap = engine.get(second)!;
    assert.equal(snap.state, 'failed');
    assert.match(snap.error!.message, new RegExp(`port ${port} is in use by pid ${engine.get(first)!.pid} .*which is "first" here`));
    assert.deepEqual({ ...snap.portConflict, command: undefined }, { port, pid: engine.get(first)!.pid, runId: first, command: undefined });
  });
});

test('a restart whose delay has already passed goes back in the queue at once, with no timer turn between', async (t) => {
  const engine = makeEngine(t, [nodeSpec('crashy', 'exit.js', ['1'], { restart: restart({ initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, maxRestarts: 1 }) })]);
  // The state right after each move to backoff, once the code that made the move has run.
  const afterBackoff: Promise<string | undefined>[] = [];
  engine.onDidChange((s) => {
    if (s?.state === 'backoff') afterBackoff.push(Promise.resolve().then(() => engine.get(s.id)?.state));
  });
  const id = await engine.spawn('crashy');
  await engine.whenDone(id);
  assert.equal(afterBackoff.length, 1);
  assert.notEqual(await afterBackoff[0], 'backoff');
});
