import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CopiedTail, ReplayBuffer } from '../../../../src/platform/launcher/replayBuffer';

test('the replay buffer keeps the newest chunks within its bound, in order, with their streams', () => {
  const buffer = new ReplayBuffer(10);
  for (let i = 0; i < 6; i++) buffer.push(i % 2 === 0 ? 1 : 2, Buffer.from(`${i}${i}${i}`));
  const kept = buffer.contents();
  assert.deepEqual(kept.map((c) => `${c.index}:${c.data}`), ['2:333', '1:444', '2:555']);
  assert.equal(buffer.bytes, 9);
  assert.equal(buffer.dropped, 9);
});

test('a chunk larger than the bound is kept alone until the next one; a bound of 0 keeps nothing', () => {
  const buffer = new ReplayBuffer(4);
  buffer.push(1, Buffer.from('abcdefgh'));
  assert.deepEqual(buffer.contents().map((c) => String(c.data)), ['abcdefgh']);
  buffer.push(1, Buffer.from('ij'));
  assert.deepEqual(buffer.contents().map((c) => String(c.data)), ['ij']);
  const none = new ReplayBuffer(0);
  none.push(1, Buffer.from('x'));
  assert.deepEqual(none.contents(), []);
});

test('many small chunks: the front is dropped without the kept tail changing', () => {
  const buffer = new ReplayBuffer(100);
  for (let i = 0; i < 5000; i++) buffer.push(1, Buffer.from(String(i % 10)));
  const text = buffer.contents().map((c) => String(c.data)).join('');
  assert.equal(text.length, 100);
  assert.equal(text.slice(-10), '0123456789');
});

test('a copied tail keeps the same chunks as a replay buffer of one stream, out of one reused buffer', () => {
  // Random bytes in random chunks, some bigger than the bound, some empty: the same kept chunks at every step.
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (const limit of [1, 64, 1000]) {
    const replay = new ReplayBuffer(limit);
    const tail = new CopiedTail(2, limit);
    for (let step = 0; step < 400; step++) {
      const size = random() < 0.05 ? limit + Math.floor(random() * limit) : Math.floor(random() * limit * 0.6);
      const read = Buffer.alloc(size);
      for (let i = 0; i < size; i++) read[i] = Math.floor(random() * 256);
      replay.push(2, Buffer.from(read));
      tail.push(read);
      const expected = replay.contents().map((c) => c.data.toString('hex'));
      // A read's buffer may be reused once read: a tail within the bound must not depend on it.
      if (size <= limit) read.fill(0);
      assert.deepEqual(tail.contents().map((c) => c.data.toString('hex')), expected, `limit ${limit}, step ${step}`);
      assert.ok(tail.contents().every((c) => c.index === 2));
      assert.equal(tail.bytes, replay.bytes);
    }
  }
  const none = new CopiedTail(1, 0);
  none.push(Buffer.from('x'));
  assert.deepEqual(none.contents(), []);
});
