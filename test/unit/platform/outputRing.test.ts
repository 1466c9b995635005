import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputRing } from '../../../src/platform/outputRing';
import { LineBatch } from '../../../src/platform/lineBatch';

const line = (text: string) => ({ stream: 'stdout' as const, text, at: 0 });

test('keeps the newest lines within the line limit', () => {
  const ring = new OutputRing({ maxLines: 3, maxBytes: 1e9 });
  for (const t of ['a', 'b', 'c', 'd', 'e']) ring.push(line(t));
  assert.deepEqual(ring.toArray().map((l) => l.text), ['c', 'd', 'e']);
  assert.deepEqual(ring.toArray(2).map((l) => l.text), ['d', 'e']);
  assert.equal(ring.dropped, 2);
});

test('keeps within the byte limit, but always the newest line', () => {
  const ring = new OutputRing({ maxLines: 100, maxBytes: 20 });
  ring.push(line('12345'));
  ring.push(line('67890'));
  assert.equal(ring.size, 2);
  ring.push(line('abcde'));
  assert.deepEqual(ring.toArray().map((l) => l.text), ['67890', 'abcde']);
  ring.push(line('x'.repeat(50)));
  assert.deepEqual(ring.toArray().map((l) => l.text), ['x'.repeat(50)]);
  assert.equal(ring.byteSize, 100);
});

test('a flood of batches of any size keeps the same lines as pushing them one by one', () => {
  const limits = { maxLines: 50, maxBytes: 1200 };
  const byBatch = new OutputRing(limits);
  const byLine = new OutputRing(limits);
  let n = 0;
  for (const size of [3, 40, 1, 77, 12, 50, 9, 200, 2, 31]) {
    const lines = Array.from({ length: size }, () => ({ stream: 'stdout' as const, text: 'x'.repeat(n % 13), at: n++ }));
    byBatch.pushBatch(LineBatch.read('stdout', 0, lines.map((l) => l.text)));
    for (const line of lines) byLine.push(line);
    assert.deepEqual(byBatch.toArray().map((l) => l.text), byLine.toArray().map((l) => l.text));
    assert.equal(byBatch.size, byLine.size);
    assert.equal(byBatch.byteSize, byLine.byteSize);
    assert.equal(byBatch.dropped, byLine.dropped);
  }
});
