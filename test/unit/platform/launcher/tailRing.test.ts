import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TailRing } from '../../../../src/platform/launcher/pipeHandoff';

test('the tail ring holds the last bytes of a stream cut into reads of any size, oldest first', () => {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (const size of [0, 1, 5, 100, 4096, 70_000]) {
    const ring = new TailRing(size);
    const written: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const read = Buffer.alloc(random(i % 17 === 0 ? 150_000 : 300));
      for (let j = 0; j < read.length; j++) read[j] = random(256);
      ring.push(read);
      // The read is reused: the ring must have copied it.
      written.push(Buffer.from(read));
      read.fill(0);
      const all = Buffer.concat(written);
      const expected = all.subarray(Math.max(0, all.length - size));
      assert.ok(Buffer.concat(ring.contents()).equals(expected), `size ${size}, after read ${i}`);
    }
  }
});
