import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { RunQueue, type QueueEntry } from '../../../../src/engine/scheduler/runQueue';
import type { Priority } from '../../../../src/core/types';

let seq = 0;
const job = (id: string, priority: Priority = 'normal', notBefore = 0): QueueEntry => ({ id, priority, seq: seq++, notBefore, needsSlot: true });
const ids = (entries: readonly QueueEntry[]) => entries.map((e) => e.id);
const always = () => true;

describe('run queue ordering', () => {
  const cases: { name: string; add: [string, Priority][]; expect: string[] }[] = [
    { name: 'FIFO within one priority', add: [['a', 'normal'], ['b', 'normal'], ['c', 'normal']], expect: ['a', 'b', 'c'] },
    { name: 'higher priority first', add: [['low', 'low'], ['norm', 'normal'], ['crit', 'critical'], ['high', 'high']], expect: ['crit', 'high', 'norm', 'low'] },
    { name: 'FIFO kept inside each priority', add: [['l1', 'low'], ['h1', 'high'], ['l2', 'low'], ['h2', 'high']], expect: ['h1', 'h2', 'l1', 'l2'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const q = new RunQueue();
      for (const [id, p] of c.add) q.add(job(id, p));
      assert.deepEqual(ids(q.ordered()), c.expect);
      assert.equal(q.positionOf(c.expect[0]), 1);
      assert.equal(q.positionOf('nope'), undefined);
    });
  }
});

describe('taking what may start', () => {
  test('jobs take free slots in order; the rest wait', () => {
    const q = new RunQueue();
    for (const [id, p] of [['a', 'low'], ['b', 'critical'], ['c', 'normal']] as const) q.add(job(id, p));
    assert.deepEqual(ids(q.takeReady(0, 2, always)), ['b', 'c']);
    assert.deepEqual(ids(q.ordered()), ['a']);
    assert.deepEqual(q.takeReady(0, 0, always), []);
  });

  test('services need no slot', () => {
    const q = new RunQueue();
    q.add(job('j'));
    q.add({ ...job('svc'), needsSlot: false });
    assert.deepEqual(ids(q.takeReady(0, 0, always)), ['svc']);
  });

  test('a delayed entry waits for its time and tells when that is', () => {
    const q = new RunQueue();
    q.add(job('later', 'critical', 1000));
    q.add(job('now', 'low'));
    assert.equal(q.nextStartAt(0), 1000);
    assert.deepEqual(ids(q.takeReady(0, 1, always)), ['now']);
    assert.deepEqual(q.takeReady(999, 1, always), []);
    assert.deepEqual(ids(q.takeReady(1000, 1, always)), ['later']);
    assert.equal(q.nextStartAt(1000), undefined);
  });

  test('an entry whose dependencies are not ready does not block the ones behind it', () => {
    const q = new RunQueue();
    q.add(job('blocked', 'critical'));
    q.add(job('free', 'low'));
    assert.deepEqual(ids(q.takeReady(0, 1, (id) => id !== 'blocked')), ['free']);
    assert.deepEqual(ids(q.ordered()), ['blocked']);
  });

  test('remove takes an entry out', () => {
    const q = new RunQueue();
    q.add(job('a'));
    assert.equal(q.remove('a'), true);
    assert.equal(q.remove('a'), false);
    assert.equal(q.size, 0);
  });
});

describe('taking what may start, against a plain model', () => {
  /** The rule in its simplest form: walk everything, keep what cannot start. */
  function model(entries: QueueEntry[], now: number, freeSlots: number, isReady: (id: string) => boolean) {
    let slots = freeSlots;
    const taken: QueueEntry[] = [];
    const kept = entries.filter((e) => {
      if (e.notBefore > now || (e.needsSlot && slots <= 0) || !isReady(e.id)) return true;
      if (e.needsSlot) slots--;
      taken.push(e);
      return false;
    });
    return { taken: ids(taken), kept: ids(kept) };
  }

  const entry = fc.record({
    priority: fc.constantFrom<Priority>('low', 'normal', 'high', 'critical'),
    notBefore: fc.integer({ min: 0, max: 3 }),
    needsSlot: fc.boolean(),
    ready: fc.boolean(),
  });

  test('same runs taken and kept, in the same order, over several rounds', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 4 }), (specs, rounds) => {
        const q = new RunQueue();
        const ready = new Set<string>();
        specs.forEach((s, i) => {
          q.add({ id: `r${i}`, priority: s.priority, seq: i, notBefore: s.notBefore, needsSlot: s.needsSlot });
          if (s.ready) ready.add(`r${i}`);
        });
        const isReady = (id: string) => ready.has(id);
        for (const [now, slots] of rounds) {
          const expected = model([...q.ordered()], now, slots, isReady);
          assert.deepEqual(ids(q.takeReady(now, slots, isReady)), expected.taken);
          assert.deepEqual(ids(q.ordered()), expected.kept);
        }
      }),
    );
  });
});
