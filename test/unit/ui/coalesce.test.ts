import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Coalescer } from '../../../src/ui/coalesce';
import { FakeClock } from './fakes';

test('a burst of pokes makes one flush, after the delay', () => {
  const clock = new FakeClock();
  let flushes = 0;
  const c = new Coalescer(() => flushes++, 100, 0, clock);
  for (let i = 0; i < 50; i++) c.poke();
  assert.equal(c.pending, true);
  clock.advance(99);
  assert.equal(flushes, 0);
  clock.advance(1);
  assert.equal(flushes, 1);
  assert.equal(c.pending, false);
});

test('flushes are never closer than minIntervalMs, however often it is poked', () => {
  const clock = new FakeClock();
  const at: number[] = [];
  const c = new Coalescer(() => at.push(clock.now()), 500, 500, clock);
  // A source firing every 10 ms for 5 s.
  for (let t = 0; t < 5000; t += 10) {
    c.poke();
    clock.advance(10);
  }
  clock.advance(1000);
  assert.ok(at.length <= 11, `at most 2 a second: ${at.length} flushes`);
  assert.ok(at.length >= 9, `still regular: ${at.length} flushes`);
  for (let i = 1; i < at.length; i++) assert.ok(at[i] - at[i - 1] >= 500, `gap ${at[i] - at[i - 1]} ms`);
});

test('a poke after a quiet spell waits only the delay, not the interval', () => {
  const clock = new FakeClock();
  const at: number[] = [];
  const c = new Coalescer(() => at.push(clock.now()), 100, 10_000, clock);
  const t0 = clock.now();
  c.poke();
  clock.advance(200);
  assert.deepEqual(at, [t0 + 100]);
  // Within the interval: pushed to 10 s after the last flush.
  c.poke();
  clock.advance(5000);
  assert.equal(at.length, 1);
  clock.advance(5000);
  assert.deepEqual(at, [t0 + 100, t0 + 10_100]);
  // Long after: the delay again.
  clock.advance(60_000);
  c.poke();
  clock.advance(100);
  assert.equal(at.length, 3);
  assert.equal(at[2] - at[1], 60_200, 'the quiet minute, plus the delay');
});

test('cancel drops a scheduled flush; dispose stops it for good', () => {
  const clock = new FakeClock();
  let flushes = 0;
  const c = new Coalescer(() => flushes++, 100, 0, clock);
  c.poke();
  c.cancel();
  assert.equal(clock.pending, 0, 'no timer left behind');
  clock.advance(1000);
  assert.equal(flushes, 0);
  c.poke();
  c.dispose();
  c.poke();
  clock.advance(1000);
  assert.equal(flushes, 0);
  assert.equal(clock.pending, 0);
});
