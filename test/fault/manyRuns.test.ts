// Fault: many definitions (500) and many finished runs (2,000 quick jobs at maxConcurrent 8). The
// history stays bounded, the metrics add up, and list() stays cheap (its time is reported).
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { isActive } from '../../src/engine/run/stateMachine';
import { FULL, allDone, assertAnswers, assertNothingLeft, faultEngine, growthMB, memory, quickJob, round1, summary, watchPids } from './faultHelpers';

const DEFINITIONS = 500;
const RUNS = FULL ? 4000 : 2000;
/** The runs go to the first 100 definitions, 20 (40) each: twice the history kept per definition. */
const USED = 100;
const HISTORY = 10;
const MAX_CONCURRENT = 8;

/** Median and max of `n` calls, in ms. */
function timeCalls(n: number, fn: () => unknown): { median: number; max: number } {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: round1(times[Math.floor(n / 2)]), max: round1(times.at(-1)!) };
}

test(`many definitions (${DEFINITIONS}) and many finished runs (${RUNS}): history bounded, metrics add up`, { timeout: 240_000 }, async (t) => {
  const names = Array.from({ length: DEFINITIONS }, (_, i) => `job-${String(i).padStart(3, '0')}`);
  const engine = faultEngine(t, [], { maxConcurrent: MAX_CONCURRENT, historyPerDefinition: HISTORY });
  const setStarted = performance.now();
  engine.setDefinitions([...names.map((name) => quickJob(name)), quickJob()]);
  const setDefinitionsMs = round1(performance.now() - setStarted);
  assert.equal(engine.definitions().length, DEFINITIONS + 1);
  const pids = watchPids(engine);
  let mostActive = 0;
  engine.onDidChange(() => {
    // Counted from the metrics (cheap); list() on every change would cost O(runs) per event.
    mostActive = Math.max(mostActive, engine.metrics().active);
  });
  const before = memory();

  const started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) ids.push(await engine.spawn(names[i % USED]));
  const queuedAtOnce = engine.metrics().queued;
  const listWhileQueued = timeCalls(5, () => engine.list());
  await allDone(engine, ids, 200_000, `${RUNS} jobs`);
  const runsS = (performance.now() - started) / 1000;

  // Metrics add up.
  const m = engine.metrics();
  assert.equal(m.completed, RUNS);
  assert.equal(m.failed, 0);
  assert.equal(m.retried, 0);
  assert.equal(m.created, RUNS, 'a process per run');
  assert.equal(m.destroyed, RUNS, 'and every one ended');
  assert.equal(m.active, 0);
  assert.equal(m.queued, 0);
  assert.equal(m.maxConcurrent, MAX_CONCURRENT);
  assert.ok(m.avgDurationMs !== null && m.p95DurationMs !== null && m.p95DurationMs >= m.avgDurationMs * 0.5);
  assert.ok(mostActive <= MAX_CONCURRENT, `${mostActive} jobs ran at once`);

  // The history is bounded: the last HISTORY runs of each definition used, the newest kept.
  const list = engine.list();
  assert.equal(list.length, USED * HISTORY);
  assert.ok(list.every((r) => r.state === 'completed' && !isActive(r.state)));
  const kept = new Set(list.map((r) => r.id));
  const perDefinition = RUNS / USED;
  for (let i = 0; i < RUNS; i++) {
    const newest = Math.floor(i / USED) >= perDefinition - HISTORY;
    assert.equal(kept.has(ids[i]), newest, `run ${i} of ${names[i % USED]} kept: ${!newest}`);
  }
  const listTime = timeCalls(20, () => engine.list());
  const metricsTime = timeCalls(20, () => engine.metrics());

  const heapPerRunKB = Math.round(((memory().heapUsed - before.heapUsed) / list.length) / 1024);
  const answerMs = await assertAnswers(engine);
  await engine.killAll();
  const checked = assertNothingLeft(pids, 'many runs');
  assert.equal(checked, RUNS + 1);
  const grown = growthMB(before);
  assert.ok(grown.rss < 300, `rss grew ${grown.rss} MB`);
  summary('many-runs', {
    definitions: DEFINITIONS,
    runs: RUNS,
    maxConcurrent: MAX_CONCURRENT,
    mostAtOnce: mostActive,
    queuedAtOnce,
    jobsPerSecond: round1(RUNS / runsS),
    totalS: round1(runsS),
    listed: list.length,
    listMedianMs: listTime.median,
    listMaxMs: listTime.max,
    listWhileQueuedMedianMs: listWhileQueued.median,
    metricsMedianMs: metricsTime.median,
    setDefinitionsMs,
    avgDurationMs: m.avgDurationMs!,
    p95DurationMs: m.p95DurationMs!,
    heapPerKeptRunKB: heapPerRunKB,
    rssGrowthMB: grown.rss,
    heapGrowthMB: grown.heap,
    quickJobMs: answerMs,
  });
});
