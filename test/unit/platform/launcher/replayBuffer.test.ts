import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplayBuffer } from '../../../../src/platform/launcher/replayBuffer';

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
