import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessKind, ProcessSpec, RunState } from '../../../../src/core/types';
import { holdsSlot, SlotPool } from '../../../../src/engine/pool/slots';

const run = (id: string, kind: ProcessKind, state: RunState, adhoc = false) => ({ id, spec: { kind } as ProcessSpec, adhoc, state });

test('only job attempts of definitions hold a slot: not services, not typed command lines', () => {
  assert.equal(holdsSlot(run('a', 'job', 'running')), true);
  assert.equal(holdsSlot(run('b', 'service', 'running')), false);
  assert.equal(holdsSlot(run('c', 'job', 'running', true)), false);
});

test('a slot is held while the attempt is active and given back in backoff or at the end', () => {
  const slots = new SlotPool(2);
  slots.update(run('a', 'job', 'starting'));
  slots.update(run('b', 'job', 'running'));
  slots.update(run('s', 'service', 'running'));
  assert.deepEqual([slots.used, slots.free], [2, 0]);
  slots.update(run('a', 'job', 'backoff'));
  assert.deepEqual([slots.used, slots.free], [1, 1]);
  slots.update(run('b', 'job', 'completed'));
  slots.maxConcurrent = 1;
  assert.deepEqual([slots.used, slots.free], [0, 1]);
});

test('a limit lowered below what runs leaves no free slot and stops nothing', () => {
  const slots = new SlotPool(3);
  for (const id of ['a', 'b', 'c']) slots.update(run(id, 'job', 'running'));
  slots.maxConcurrent = 1;
  assert.deepEqual([slots.used, slots.free], [3, -2]);
});
