import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSample } from '../../../src/engine/monitor/types';
import type { ProcessSnapshot } from '../../../src/engine/run/snapshot';
import { runSnapshot } from './fakes';
import { formatUptime, uptimeStep } from '../../../src/ui/format';
import { formatUsage } from '../../../src/ui/monitorFormat';
import { fillTickStamp, sameStamp } from '../../../src/ui/tickStamp';
import { definitionSummary, runRowDescription, watchNotes } from '../../../src/ui/treeFormat';

const NOW = 1_700_000_000_000;

const run = (extra: Partial<ProcessSnapshot> = {}) => runSnapshot(NOW, extra);

function sample(runId: string, cpuPercent: number, rssBytes: number): RunSample {
  return { runId, name: 'web', at: NOW, cpuPercent, rssBytes, openFiles: 10, threads: 7 } as RunSample;
}

/** The text the tree's ticker compares, made the same way (src/ui/processTree.ts movingText). */
function movingText(runs: ProcessSnapshot[], now: number, latest: (id: string) => RunSample | undefined): string {
  const usage = (rs: ProcessSnapshot[]) => formatUsage(rs.filter((r) => r.state === 'running').map((r) => latest(r.id)));
  return [definitionSummary(runs, now), usage(runs), ...watchNotes(runs[0]?.watch, now), ...runs.map((r) => `${runRowDescription(r, now)}\u0000${usage([r]) ?? ''}`)].join('\u0000');
}

function stamp(runs: ProcessSnapshot[], now: number, latest: (id: string) => RunSample | undefined): number[] {
  const into: number[] = [];
  fillTickStamp(into, runs, now, latest);
  return into;
}

test('an uptime\'s step changes whenever its text does', () => {
  for (let ms = 0; ms < 3 * 3_600_000; ms += 250) {
    if (formatUptime(ms) !== formatUptime(ms + 250)) assert.notEqual(uptimeStep(ms), uptimeStep(ms + 250), `at ${ms} ms`);
  }
});

test('a running service past its first minute keeps its stamp until its minute or its figures move', () => {
  const runs = [run({ startedAt: NOW - 5 * 60_000 - 10_000 })];
  const same = sample('r1', 0, 50 * 2 ** 20);
  const latest = () => same;
  const first = stamp(runs, NOW, latest);
  assert.ok(sameStamp(first, stamp(runs, NOW + 1000, latest)), 'a second later');
  assert.ok(sameStamp(first, stamp(runs, NOW + 49_000, latest)), 'within the minute');
  assert.ok(!sameStamp(first, stamp(runs, NOW + 51_000, latest)), 'the next minute');
  assert.ok(!sameStamp(first, stamp(runs, NOW + 1000, () => sample('r1', 1, 50 * 2 ** 20))), 'its CPU moved');
  assert.ok(!sameStamp(first, stamp(runs, NOW + 1000, () => sample('r1', 0, 51 * 2 ** 20))), 'its memory moved');
  assert.ok(!sameStamp(first, stamp(runs, NOW + 1000, () => undefined)), 'no sample any more');
  assert.ok(!sameStamp(undefined, first), 'nothing seen before');
});

test('counting states and a watch\'s last change move every second', () => {
  const backoff = [run({ state: 'backoff', pid: null, nextAttemptAt: NOW + 5000 })];
  assert.ok(!sameStamp(stamp(backoff, NOW, () => undefined), stamp(backoff, NOW + 1000, () => undefined)));
  const watched = [run({ startedAt: NOW - 10 * 60_000, watch: { lastChange: { file: 'a.ts', at: NOW - 3000 }, message: null, unmatched: [] } as unknown as ProcessSnapshot['watch'] })];
  assert.ok(!sameStamp(stamp(watched, NOW, () => undefined), stamp(watched, NOW + 1000, () => undefined)));
});

test('whenever two moments give a row the same stamp, its moving text is the same', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const states: ProcessSnapshot['state'][] = ['running', 'running', 'running', 'starting', 'stopping', 'backoff', 'queued'];
  const figures = [0, 0, 0.04, 0.06, 1, 9.96, 12.4];
  const sizes = [0, 1.3 * 2 ** 20, 50 * 2 ** 20, 50.2 * 2 ** 20, 1.5 * 2 ** 30];
  let compared = 0;
  for (let i = 0; i < 10_000; i++) {
    const runs = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, n) =>
      run({
        id: `r${n}`,
        state: pick(states),
        startedAt: NOW - Math.floor(random() * 3 * 3_600_000),
        nextAttemptAt: NOW + Math.floor(random() * 60_000),
        ready: random() < 0.5,
        ports: random() < 0.5 ? [3000 + n] : [],
      }),
    );
    const samplesAt = () => new Map(runs.map((r) => [r.id, random() < 0.1 ? undefined : sample(r.id, pick(figures), pick(sizes))]));
    const before = samplesAt();
    const after = random() < 0.5 ? before : samplesAt();
    const t1 = NOW + Math.floor(random() * 10_000);
    const t2 = t1 + pick([1000, 1003, 2000, 30_000, 61_000]);
    const a = stamp(runs, t1, (id) => before.get(id));
    const b = stamp(runs, t2, (id) => after.get(id));
    if (!sameStamp(a, b)) continue;
    compared++;
    assert.equal(movingText(runs, t2, (id) => after.get(id)), movingText(runs, t1, (id) => before.get(id)), `runs ${JSON.stringify(runs.map((r) => [r.state, NOW - r.startedAt!]))} at ${t1} and ${t2}`);
  }
  assert.ok(compared > 300, `only ${compared} cases had equal stamps`);
});
