import assert from 'node:assert/strict';
import { test } from 'node:test';
import { align, formatMB, formatPercent, KEEP_MS, listedRuns, niceMax, readState, RunStore } from '../../../media/metrics/series';
import type { RunSeries } from '../../../src/shared/metricsProtocol';

const s = (runId: string, t: number[], extra: Partial<RunSeries> = {}): RunSeries => ({
  runId,
  name: runId,
  label: `${runId} · pid 1`,
  live: true,
  t,
  cpu: t.map((x) => x / 1000),
  mem: t.map(() => 1024 * 1024),
  ...extra,
});

test('a snapshot replaces the data; updates append without repeating points', () => {
  const store = new RunStore();
  store.apply({ type: 'snapshot', now: 3000, monitoring: true, runs: [s('a', [1000, 2000, 3000])] });
  store.apply({ type: 'update', now: 4000, runs: [s('a', [3000, 4000]), s('b', [4000])] });
  assert.deepEqual(store.runs.get('a')?.t, [1000, 2000, 3000, 4000]);
  assert.deepEqual(store.runs.get('b')?.t, [4000]);
  assert.deepEqual([store.runs.get('a')?.slot, store.runs.get('b')?.slot], [0, 1]);
  // A fresh snapshot (panel shown again) keeps each run's colour slot.
  store.apply({ type: 'snapshot', now: 5000, monitoring: true, runs: [s('b', [5000]), s('c', [5000])] });
  assert.deepEqual([...store.runs.keys()], ['b', 'c']);
  assert.deepEqual([store.runs.get('b')?.slot, store.runs.get('c')?.slot], [1, 2]);
  assert.deepEqual(store.latest('b'), { cpu: 5, mem: 1024 * 1024 });
});

test('labels and liveness follow updates; old points and ended empty runs are dropped', () => {
  const store = new RunStore();
  store.apply({ type: 'snapshot', now: 1000, monitoring: true, runs: [s('a', [1000]), s('b', [1000])] });
  store.apply({ type: 'update', now: 2000, runs: [s('a', [], { label: 'a · pid 2', live: false })] });
  assert.equal(store.runs.get('a')?.label, 'a · pid 2');
  assert.equal(store.latest('a'), undefined, 'an ended run shows no current figures');
  store.apply({ type: 'update', now: 1000 + KEEP_MS + 1, runs: [] });
  assert.equal(store.runs.has('a'), false, 'ended and out of the window');
  assert.deepEqual(store.runs.get('b')?.t, [], 'live runs stay, without their old points');
});

test('align puts the runs on one time axis in seconds, with gaps as null', () => {
  const store = new RunStore();
  store.apply({ type: 'snapshot', now: 4000, monitoring: true, runs: [s('a', [1000, 2000, 3000]), s('b', [2000, 4000])] });
  const runs = [...store.runs.values()];
  const data = align(runs, 1500, 4000, (r, i) => r.cpu[i]);
  assert.deepEqual(data, [
    [2, 3, 4],
    [2, 3, null],
    [2, null, 4],
  ]);
  assert.deepEqual(align([], 0, 1, () => 0), [[]]);
});

test('axis maxima are round numbers with a floor', () => {
  assert.equal(niceMax(undefined, 5), 5);
  assert.equal(niceMax(null, 16), 20);
  assert.equal(niceMax(0.2, 5), 5);
  assert.equal(niceMax(42, 5), 50);
  assert.equal(niceMax(100, 5), 200);
  assert.equal(niceMax(85, 16), 100);
  assert.equal(niceMax(190, 16), 250);
  assert.equal(formatPercent(0.25), '0.3%');
  assert.equal(formatPercent(150), '150%');
  assert.equal(formatMB(0.5), '0.5 MiB');
  assert.equal(formatMB(2048), '2 GiB');
});

test('saved state is read defensively', () => {
  assert.deepEqual(readState(undefined), { windowMin: 5, hidden: [], showEnded: false });
  assert.deepEqual(readState({ windowMin: 10, hidden: ['a', 3, null], showEnded: true }), { windowMin: 10, hidden: ['a'], showEnded: true });
  assert.deepEqual(readState({ windowMin: 7, hidden: 'a', showEnded: 'yes' }), { windowMin: 5, hidden: [], showEnded: false });
});

test('one colour per definition: a restarted run and every replica keep their definition\'s slot', () => {
  const store = new RunStore();
  store.apply({ type: 'snapshot', now: 3000, monitoring: true, runs: [s('web-1', [1000], { name: 'web' }), s('db-1', [1000], { name: 'db' })] });
  store.apply({ type: 'update', now: 4000, runs: [s('web-2', [4000], { name: 'web', instance: 1 }), s('web-3', [4000], { name: 'web' })] });
  assert.deepEqual([...store.runs.values()].map((r) => [r.runId, r.slot]), [['web-1', 0], ['db-1', 1], ['web-2', 0], ['web-3', 0]]);
  store.apply({ type: 'snapshot', now: 5000, monitoring: true, runs: [s('db-2', [5000], { name: 'db' })] });
  assert.equal(store.runs.get('db-2')?.slot, 1, 'a fresh snapshot keeps the colours');
});

test('the list shows live runs and each definition\'s latest run; "show ended" shows them all', () => {
  const store = new RunStore();
  store.apply({
    type: 'snapshot', now: 9000, monitoring: true,
    runs: [
      s('build-1', [1000], { name: 'build', live: false }),
      s('build-2', [5000], { name: 'build', live: false }),
      s('web-1', [2000], { name: 'web', live: false }),
      s('web-2', [8000], { name: 'web' }),
      s('lint-1', [3000], { name: 'lint', live: false }),
    ],
  });
  const ids = (showEnded: boolean) => listedRuns([...store.runs.values()], showEnded).map((r) => r.runId);
  assert.deepEqual(ids(false), ['build-2', 'web-2', 'lint-1']);
  assert.deepEqual(ids(true), ['build-1', 'build-2', 'web-1', 'web-2', 'lint-1']);
});
