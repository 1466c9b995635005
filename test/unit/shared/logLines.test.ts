import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogLines, STDERR, STDOUT, sortByTime, type LogLine } from '../../../src/shared/logLines';

const l = (at: number, text: string, src = 0, stream = STDOUT): LogLine => ({ at, src, stream, text });
const texts = (lines: LogLines) => lines.toArray().map((x) => x.text);

test('lines of several runs are merged in time order; equal times keep their arrival order', () => {
  const lines = new LogLines({ maxLines: 100, maxChars: 1000 });
  lines.insert([l(10, 'a1', 0), l(30, 'a2', 0)]);
  lines.insert([l(20, 'b1', 1), l(30, 'b2', 1), l(40, 'b3', 1)]);
  lines.insert([l(5, 'c0', 2), l(30, 'c1', 2)]);
  assert.deepEqual(texts(lines), ['c0', 'a1', 'b1', 'a2', 'b2', 'c1', 'b3']);
  assert.deepEqual(sortByTime([l(2, 'x'), l(1, 'y'), l(2, 'z')]).map((x) => x.text), ['y', 'x', 'z']);
});

test('an insert reports the first position that changed: the end for newer lines, earlier for late ones', () => {
  const lines = new LogLines({ maxLines: 100, maxChars: 1000 });
  assert.deepEqual(lines.insert([l(1, 'a'), l(2, 'b'), l(3, 'c')]), { from: 0, evicted: 0 });
  assert.deepEqual(lines.insert([l(5, 'e')]), { from: 3, evicted: 0 });
  assert.deepEqual(lines.insert([l(2, 'b2'), l(6, 'f')]), { from: 2, evicted: 0 });
  assert.deepEqual(texts(lines), ['a', 'b', 'b2', 'c', 'e', 'f']);
});

test('the oldest lines go beyond the line bound; positions keep counting', () => {
  const lines = new LogLines({ maxLines: 3, maxChars: 1000 });
  lines.insert([l(1, 'a'), l(2, 'b'), l(3, 'c')]);
  const change = lines.insert([l(4, 'd'), l(5, 'e')]);
  assert.deepEqual(change, { from: 3, evicted: 2 });
  assert.deepEqual(texts(lines), ['c', 'd', 'e']);
  assert.equal(lines.first, 2);
  assert.equal(lines.end, 5);
  assert.equal(lines.line(3).text, 'd');
  assert.equal(lines.dropped, 2);
});

test('the character bound holds even for a few huge lines, keeping at least the newest', () => {
  const lines = new LogLines({ maxLines: 1000, maxChars: 100 });
  lines.insert([l(1, 'x'.repeat(60)), l(2, 'y'.repeat(60))]);
  assert.deepEqual(texts(lines), ['y'.repeat(60)]);
  lines.insert([l(3, 'z'.repeat(500))]);
  assert.equal(lines.size, 1);
  assert.equal(lines.charCount, 500);
});

test('100k lines through a bounded store compact as they go and stay in order', () => {
  const lines = new LogLines({ maxLines: 10_000, maxChars: 1e9 });
  for (let batch = 0; batch < 100; batch++) {
    const b: LogLine[] = [];
    for (let i = 0; i < 1000; i++) b.push(l(batch * 1000 + i, `${batch * 1000 + i}`, i % 3, i % 7 === 0 ? STDERR : STDOUT));
    lines.insert(b);
  }
  assert.equal(lines.size, 10_000);
  assert.equal(lines.first, 90_000);
  assert.equal(lines.line(90_000).text, '90000');
  assert.equal(lines.line(99_999).text, '99999');
  assert.ok(lines.at.length <= 2 * 10_000 + 1024, 'dropped lines are compacted away');
});
