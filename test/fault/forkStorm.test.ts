// Fault: a process forks 500 children. The monitor samples the whole tree without failing, a
// stop takes every child down, and `maxConcurrent` still holds for our own jobs meanwhile.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { ProcessMonitor } from '../../src/engine/monitor/monitor';
import { TreeSampler, type TreeSamplerLike } from '../../src/engine/monitor/sampler';
import type { RunSample } from '../../src/engine/monitor/types';
import { isActive } from '../../src/engine/run/stateMachine';
import { alive, nodeSpec, waitFor, waitForLine } from '../unit/helpers';
import { allDone, assertAnswers, assertNothingLeft, faultEngine, growthMB, memory, round1, summary, watchPids, withTimeout } from './faultHelpers';

const CHILDREN = 500;
const MAX_CONCURRENT = 2;
const JOBS = 8;

test(`fork storm: a process with ${CHILDREN} children is sampled, stopped whole, and our jobs keep their limit`, { timeout: 120_000 }, async (t) => {
  const engine = faultEngine(
    t,
    [nodeSpec('storm', 'fork-storm.js', [String(CHILDREN), '120']), nodeSpec('work', 'exit.js', ['0', '150'], { kind: 'job' })],
    { maxConcurrent: MAX_CONCURRENT, stopTimeoutMs: 2000 },
  );
  const pids = watchPids(engine);
  const before = memory();

  // The real sampler, timed, and any throw from it recorded (the monitor would only log it).
  const inner = new TreeSampler();
  const roundMs: number[] = [];
  const thrown: unknown[] = [];
  const sampler: TreeSamplerLike = {
    sample(roots) {
      const started = performance.now();
      try {
        return inner.sample(roots);
      } catch (err) {
        thrown.push(err);
        throw err;
      } finally {
        roundMs.push(performance.now() - started);
      }
    },
    release: () => inner.release(),
    dispose: () => inner.dispose(),
  };
  const monitor = new ProcessMonitor(engine, { intervalMs: 100, sampler });
  t.after(() => monitor.dispose());
  const samples: RunSample[] = [];
  monitor.onDidSample((batch) => samples.push(...batch));

  // Our own job runs: never more than maxConcurrent at once, the storm holding no slot.
  let mostJobs = 0;
  engine.onDidChange(() => {
    const active = engine.list().filter((r) => r.kind === 'job' && isActive(r.state)).length;
    mostJobs = Math.max(mostJobs, active);
  });

  const forkStarted = performance.now();
  const stormId = await engine.spawn('storm');
  const line = await withTimeout(waitForLine(engine, stormId, /^storm /, 60_000), 60_000, 'the storm to fork');
  const forkMs = Math.round(performance.now() - forkStarted);
  const children: number[] = JSON.parse(line.slice('storm '.length)).pids;
  assert.equal(children.length, CHILDREN, 'every child was forked');
  assert.equal(alive(children).length, CHILDREN, 'and runs');
  assert.ok(!engine.output(stormId).some((l) => l.stream === 'stderr'), 'no fork failed');

  // Our jobs run while the storm's 500 children live and the monitor samples them.
  const jobIds: string[] = [];
  for (let i = 0; i < JOBS; i++) jobIds.push(await engine.spawn('work'));

  // The monitor sees the whole tree: the leader and its 500 children.
  await waitFor(() => samples.some((s) => s.runId === stormId && s.processes >= CHILDREN + 1), `a sample of the storm's ${CHILDREN + 1} processes`, 30_000);
  const stormSample = samples.filter((s) => s.runId === stormId).at(-1)!;
  assert.equal(stormSample.processes, CHILDREN + 1);
  assert.ok(stormSample.rssBytes > 0);
  assert.ok(stormSample.openFiles > 0 && stormSample.threads >= CHILDREN + 1);

  await allDone(engine, jobIds, 60_000, 'the jobs');
  assert.ok(jobIds.every((id) => engine.get(id)?.state === 'completed'));
  assert.ok(mostJobs <= MAX_CONCURRENT, `${mostJobs} jobs ran at once, limit ${MAX_CONCURRENT}`);
  assert.equal(mostJobs, MAX_CONCURRENT, 'the limit was reached, so it was tested');
  const answerMs = await assertAnswers(engine);

  // A stop takes the whole storm down, and kill resolves only once it is.
  const stopStarted = performance.now();
  await withTimeout(engine.kill(stormId), 30_000, 'the storm to stop');
  const stopMs = Math.round(performance.now() - stopStarted);
  assert.deepEqual(alive(children), [], 'every child is gone once kill resolves');
  assert.equal(engine.get(stormId)?.state, 'terminated');
  assert.equal(thrown.length, 0, `the sampler threw: ${thrown.map(String).join('; ')}`);
  await waitFor(() => !monitor.isSampling, 'the monitor to stop sampling', 5_000);

  monitor.dispose();
  const checked = assertNothingLeft([...pids, ...children], 'fork storm');
  const grown = growthMB(before);
  assert.ok(grown.rss < 300, `rss grew ${grown.rss} MB`);
  const sorted = [...roundMs].sort((a, b) => a - b);
  summary('fork-storm', {
    children: CHILDREN,
    forkMs,
    sampledProcesses: stormSample.processes,
    samplerRounds: roundMs.length,
    samplerRoundMedianMs: round1(sorted[Math.floor(sorted.length / 2)]),
    samplerRoundMaxMs: round1(sorted.at(-1)!),
    stopMs,
    pidsChecked: checked,
    jobsAtOnceMax: mostJobs,
    maxConcurrent: MAX_CONCURRENT,
    quickJobMs: answerMs,
    rssGrowthMB: grown.rss,
  });
});
