import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortCadence } from '../../../../src/engine/monitor/portCadence';

test('ports are read every round while a tree is young, then once per settled interval', () => {
  const cadence = new PortCadence(30_000, 10_000);
  const started = [0];
  const reads = (from: number, to: number) => Array.from({ length: (to - from) / 1000 }, (_, i) => from + i * 1000).filter((now) => cadence.due(started, now));
  assert.deepEqual(reads(0, 30_000).length, 30, 'every round of the first 30 s');
  assert.deepEqual(reads(30_000, 60_000), [39_000, 49_000, 59_000]);
});

test('a new tree makes every round read again, whatever the others', () => {
  const cadence = new PortCadence(30_000, 10_000);
  assert.equal(cadence.due([0], 100_000), true);
  assert.equal(cadence.due([0], 101_000), false);
  assert.equal(cadence.due([0, 101_500], 102_000), true);
  assert.equal(cadence.due([0, 101_500], 103_000), true);
  assert.equal(cadence.due([], 104_000), false, 'no tree, no reason to read before the interval');
});
