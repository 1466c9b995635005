import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../../../src/core/events';
import type { OutputLine } from '../../../../src/platform/outputRing';
import type { AlertContext } from '../../../../src/engine/monitor/alerts';
import { ProcessMonitor, type MonitoredEngine, type MonitoredRun, type MonitorOptions } from '../../../../src/engine/monitor/monitor';
import type { TreeUsage } from '../../../../src/engine/monitor/sampler';
import type { Limits } from '../../../../src/core/types';
import type { Alert } from '../../../../src/engine/monitor/types';
import { waitFor } from '../../helpers';

const MB = 1024 * 1024;

/** An engine that only fires what the test tells it to. */
class FakeEngine implements MonitoredEngine {
  readonly changes = new Emitter<MonitoredRun | undefined>();
  readonly outputs = new Emitter<{ id: string; lines: OutputLine[] }>();
  readonly onDidChange = this.changes.event;
  readonly onDidOutput = this.outputs.event;
  runs = new Map<string, MonitoredRun>();
  specs: { name: string; limits?: Limits }[] = [];

  list(): MonitoredRun[] {
    return [...this.runs.values()];
  }
  definitions() {
    return this.specs;
  }
  set(id: string, fields: Partial<MonitoredRun>): void {
    const run: MonitoredRun = { id, name: 'web', kind: 'service', state: 'running', pid: 100, adhoc: false, error: null, exitCode: null, signal: null, ...this.runs.get(id), ...fields };
    this.runs.set(id, run);
    this.changes.fire(run);
  }
  print(id: string, stream: OutputLine['stream'], count = 1): void {
    this.outputs.fire({ id, lines: Array.from({ length: count }, () => ({ stream, text: 'x', at: 0 })) });
  }
}

/** A sampler whose trees have whatever memory the test sets, and that counts its rounds. */
class FakeSampler {
  rssMB = new Map<number, number>();
  rounds = 0;
  concurrent = 0;
  maxConcurrent = 0;
  delayMs = 0;
  async sample(roots: readonly number[]): Promise<Map<number, TreeUsage>> {
    this.rounds++;
    this.maxConcurrent = Math.max(this.maxConcurrent, ++this.concurrent);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    this.concurrent--;
    return new Map(roots.map((root) => [root, { root, alive: true, processes: 1, cpuPercent: 10, rssBytes: (this.rssMB.get(root) ?? 10) * MB, openFiles: 5, threads: 2, pids: [root] }]));
  }
}

function setup(t: { after(fn: () => unknown): void }, options: Partial<MonitorOptions> = {}) {
  const engine = new FakeEngine();
  const sampler = new FakeSampler();
  const monitor = new ProcessMonitor(engine, { intervalMs: 100, sampler, ...options });
  t.after(() => monitor.dispose());
  const alerts: Alert[] = [];
  const raised: AlertContext[] = [];
  monitor.onDidAlert((a) => alerts.push(a));
  monitor.onDidRaise((c) => raised.push(c));
  return { engine, sampler, monitor, alerts, raised };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ProcessMonitor loop', () => {
  test('samples only while something runs, and starts again when something does', async (t) => {
    const { engine, sampler, monitor } = setup(t);
    await sleep(250);
    assert.equal(sampler.rounds, 0);
    assert.equal(monitor.isSampling, false);
    engine.set('r1', { state: 'running', pid: 100 });
    await waitFor(() => sampler.rounds >= 2, 'two rounds');
    engine.set('r1', { state: 'completed', pid: null });
    await waitFor(() => !monitor.isSampling, 'the loop to stop');
    const stoppedAt = sampler.rounds;
    await sleep(300);
    assert.equal(sampler.rounds, stoppedAt);
    engine.set('r2', { state: 'running', pid: 200 });
    await waitFor(() => sampler.rounds > stoppedAt, 'the loop to start again');
  });

  test('a slow round is never overlapped by the next', async (t) => {
    const { engine, sampler } = setup(t, { intervalMs: 100 });
    sampler.delayMs = 250;
    engine.set('r1', {});
    await waitFor(() => sampler.rounds >= 3, 'three slow rounds', 5000);
    assert.equal(sampler.maxConcurrent, 1);
  });

  test('each round fires one event with every live run; history and latest follow', async (t) => {
    const { engine, monitor } = setup(t, { historySamples: 3 });
    const rounds: string[][] = [];
    monitor.onDidSample((samples) => rounds.push(samples.map((s) => s.runId)));
    engine.set('r1', { pid: 100 });
    engine.set('r2', { pid: 200, name: 'api' });
    await waitFor(() => rounds.length >= 5, 'five rounds');
    assert.deepEqual(rounds[0].sort(), ['r1', 'r2']);
    const history = monitor.history();
    assert.deepEqual(history.map((h) => [h.runId, h.name, h.samples.length]), [['r1', 'web', 3], ['r2', 'api', 3]]);
    const latest = monitor.latest('r1')!;
    assert.deepEqual([latest.rssBytes, latest.cpuPercent, latest.openFiles, latest.threads, latest.processes, latest.responseMs], [10 * MB, 10, 5, 2, 1, null]);
  });

  test('an ended run keeps its history a while; only the newest ended runs are kept', async (t) => {
    const { engine, monitor, sampler } = setup(t, { endedRunsKept: 2 });
    for (const id of ['a', 'b', 'c']) engine.set(id, { pid: id.charCodeAt(0) });
    await waitFor(() => sampler.rounds >= 1 && monitor.history().length === 3, 'a round');
    for (const id of ['a', 'b', 'c']) engine.set(id, { state: 'terminated', pid: null });
    assert.deepEqual(monitor.history().map((h) => h.runId), ['b', 'c']);
    assert.equal(monitor.latest('a'), undefined);
  });

  test('setIntervalMs moves the next round; dispose stops everything', async (t) => {
    const { engine, sampler, monitor } = setup(t, { intervalMs: 60_000 });
    engine.set('r1', {});
    await sleep(150);
    assert.equal(sampler.rounds, 0);
    monitor.setIntervalMs(50);
    await waitFor(() => sampler.rounds >= 2, 'rounds at the new interval');
    monitor.dispose();
    const at = sampler.rounds;
    await sleep(200);
    assert.ok(sampler.rounds <= at + 1);
    assert.equal(monitor.isSampling, false);
  });
});

describe('ProcessMonitor counters', () => {
  test('output throughput, stderr per minute and idle time per run', async (t) => {
    let clock = 1_000_000;
    const { engine, monitor } = setup(t, { now: () => clock });
    engine.set('r1', {});
    engine.print('r1', 'stdout', 40);
    engine.print('r1', 'stderr', 10);
    engine.print('r1', 'system', 500);
    clock += 2000;
    await waitFor(() => monitor.latest('r1') !== undefined, 'a sample');
    const sample = monitor.latest('r1')!;
    assert.deepEqual([sample.linesPerSecond, sample.stderrPerMinute, sample.idleMs], [25, 10, 2000]);
  });

  test('job successes and failures per definition; a stop counts in neither', (t) => {
    const { engine, monitor } = setup(t);
    const job = { kind: 'job' as const, name: 'build' };
    engine.set('j1', { ...job, state: 'completed', pid: null });
    engine.set('j2', { ...job, state: 'failed', pid: null });
    engine.set('j3', { ...job, state: 'completed', pid: null });
    engine.set('j4', { ...job, state: 'terminated', pid: null });
    engine.set('j3', { ...job, state: 'completed', pid: null }); // fired twice, counted once
    assert.deepEqual(monitor.jobCounts('build'), { succeeded: 2, failed: 1 });
    assert.deepEqual(monitor.jobCounts('other'), { succeeded: 0, failed: 0 });
  });
});

describe('ProcessMonitor alerts', () => {
  test('memory over the definition limit raises once, with its limits for recovery; ending the run resolves it', async (t) => {
    const { engine, sampler, monitor, alerts, raised } = setup(t, { globalLimits: { maxMemoryMB: 1000, maxCpuPercent: 300 } });
    engine.specs = [{ name: 'web', limits: { maxMemoryMB: 100, onExceed: 'restart' } }];
    sampler.rssMB.set(100, 150);
    engine.set('r1', {});
    await waitFor(() => sampler.rounds >= 4, 'a few rounds');
    assert.deepEqual(alerts.map((a) => [a.type, a.resolved]), [['memory', false]]);
    assert.deepEqual(raised[0].limits, { maxMemoryMB: 100, maxCpuPercent: 300, onExceed: 'restart' });
    assert.equal(raised[0].sample?.rssBytes, 150 * MB);
    engine.set('r1', { state: 'terminated', pid: null });
    assert.deepEqual(alerts.map((a) => [a.type, a.resolved]), [['memory', false], ['memory', true]]);
    assert.equal(alerts[0].id, alerts[1].id);
    assert.deepEqual(monitor.alerts().map((a) => a.resolved), [true]);
  });

  test('global limits apply to ad-hoc runs and change with setGlobalLimits', async (t) => {
    const { engine, sampler, monitor, alerts } = setup(t);
    engine.specs = [{ name: 'sleep 5', limits: { maxMemoryMB: 1 } }];
    engine.set('a1', { name: 'sleep 5', kind: 'job', adhoc: true });
    await waitFor(() => sampler.rounds >= 2, 'two rounds');
    assert.equal(alerts.length, 0, 'an ad-hoc run is not the definition of the same name');
    monitor.setGlobalLimits({ maxMemoryMB: 5 });
    await waitFor(() => alerts.length === 1, 'the memory alert');
    monitor.setGlobalLimits({});
    await waitFor(() => alerts.length === 2 && alerts[1].resolved, 'the alert to resolve once its limit is gone');
  });

  test('a failed service is down until its definition runs again; a backoff resolves the others', async (t) => {
    const { engine, monitor, alerts, raised } = setup(t);
    engine.set('r1', { state: 'running', pid: 100 });
    engine.set('r1', { state: 'failed', pid: null, exitCode: 3 });
    assert.deepEqual(alerts.map((a) => [a.type, a.severity, a.message]), [['down', 'critical', 'Down: exited with code 3.']]);
    assert.equal(raised[0].sample, null);
    engine.set('r2', { state: 'queued', pid: null });
    engine.set('r2', { state: 'running', pid: 300 });
    assert.deepEqual(monitor.alerts().map((a) => [a.type, a.resolved]), [['down', true]]);
    engine.set('j1', { kind: 'job', name: 'build', state: 'failed', pid: null });
    engine.set('u1', { name: 'web', state: 'terminated', pid: null });
    assert.equal(monitor.alerts().length, 1, 'a failed job and a stopped service are not down');
  });
});
