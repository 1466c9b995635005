import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineBatch } from '../../../src/platform/lineBatch';
import { LineIndexer } from '../../../src/platform/lineIndex';
import { OutputBuffer } from '../../../src/ui/outputBuffer';

test('passes lines through in order when there is room', () => {
  const b = new OutputBuffer(10, 1000);
  b.push('a');
  b.push('b');
  assert.equal(b.drain(), 'a\nb\n');
  assert.equal(b.drain(), '');
});

test('a flood keeps the newest lines and says how many were dropped', () => {
  const b = new OutputBuffer(3, 1_000_000);
  for (let i = 1; i <= 10_000; i++) b.push(`line ${i}`);
  assert.equal(b.drain(), '[... 9997 lines not shown: the output came faster than the panel takes it ...]\nline 9998\nline 9999\nline 10000\n');
});

test('the character bound holds too, but the newest line always stays', () => {
  const b = new OutputBuffer(100, 10);
  b.push('12345');
  b.push('67890');
  b.push('x'.repeat(50));
  assert.equal(b.drain(), `[... 2 lines not shown: the output came faster than the panel takes it ...]\n${'x'.repeat(50)}\n`);
});

test('a batch bigger than the bound keeps its newest lines; the rest only count', () => {
  const b = new OutputBuffer(3, 1_000_000);
  b.push('before');
  const batch = Array.from({ length: 10 }, (_, i) => ({ stream: 'stdout' as const, text: `l${i}`, at: 0 }));
  b.pushAll(batch, '[#2] ');
  assert.equal(b.drain(), '[... 8 lines not shown: the output came faster than the panel takes it ...]\n[#2] l7\n[#2] l8\n[#2] l9\n');
});

test('stderr lines are marked when shown', () => {
  const b = new OutputBuffer();
  b.pushAll([
    { stream: 'stdout', text: 'out', at: 0 },
    { stream: 'stderr', text: 'err', at: 0 },
  ]);
  assert.equal(b.drain(), 'out\n[stderr] err\n');
});

test('timestamps come first on every line, before the instance prefix and the stderr mark', () => {
  const at = Date.UTC(2024, 4, 1, 9, 30, 0, 7);
  const b = new OutputBuffer();
  b.pushAll(
    [
      { stream: 'stdout', text: 'out', at },
      { stream: 'stderr', text: 'err', at: at + 1 },
      { stream: 'system', text: 'note', at: at + 2 },
    ],
    '[#2] ',
  );
  assert.equal(b.drain('iso'), '2024-05-01T09:30:00.007Z [#2] out\n2024-05-01T09:30:00.008Z [#2] [stderr] err\n2024-05-01T09:30:00.009Z [#2] note\n');
});

test('"time" shows the local time of day to the millisecond; "none" leaves lines as they were', () => {
  const at = new Date(2024, 4, 1, 7, 5, 3, 42).getTime();
  const b = new OutputBuffer();
  b.pushAll([{ stream: 'stdout', text: 'x', at }]);
  assert.equal(b.drain('time'), '07:05:03.042 x\n');
  b.pushAll([{ stream: 'stdout', text: 'y', at }]);
  assert.equal(b.drain('none'), 'y\n');
});

test('batches of many lines keep and drop the same lines as the same lines one at a time', () => {
  // Real reads through the line index: lines of varied lengths, some of several bytes per character.
  // Each line also read alone, so both count a line's bytes the same way.
  const indexer = new LineIndexer();
  const reads: [LineBatch, LineBatch[]][] = [];
  for (let r = 0; r < 40; r++) {
    const lines = Array.from({ length: 1 + ((r * 37) % 90) }, (_, i) => `${r}:${i} ${'\u00e9x'.repeat((r + i) % 23)}`);
    const alone = lines.map((line) => LineBatch.split('stdout', r, indexer.push(Buffer.from(`${line}\n`))));
    reads.push([LineBatch.split('stdout', r, indexer.push(Buffer.from(`${lines.join('\n')}\n`))), alone]);
  }
  for (const [maxLines, maxChars] of [[50, 1_000_000], [1000, 2000], [7, 150], [1, 10]]) {
    const together = new OutputBuffer(maxLines, maxChars);
    const oneByOne = new OutputBuffer(maxLines, maxChars);
    for (const [i, [batch, alone]] of reads.entries()) {
      together.pushBatch(batch, '[#1] ');
      for (const line of alone) oneByOne.pushBatch(line, '[#1] ');
      assert.equal(together.size, oneByOne.size, `bounds ${maxLines}/${maxChars}, read ${i}`);
      if (i % 9 === 8) assert.equal(together.drain(), oneByOne.drain(), `bounds ${maxLines}/${maxChars}, read ${i}`);
    }
    assert.equal(together.drain(), oneByOne.drain());
  }
});
