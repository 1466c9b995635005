import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8, LineBatch, type OutputLine } from '../../../src/platform/lineBatch';
import { LineIndexer } from '../../../src/platform/lineIndex';
import { formatLogBatch, formatLogLines } from '../../../src/platform/logLines';
import { OutputRing } from '../../../src/platform/outputRing';
import { OutputBuffer } from '../../../src/ui/outputBuffer';

test('a read batch makes its line objects once, when asked, raw text only where it differs', () => {
  const raws: string[] = [];
  raws[1] = '\u001b[32mgreen\u001b[0m';
  const batch = LineBatch.read('stderr', 42, ['plain', 'green'], raws);
  assert.equal(batch.length, 2);
  assert.equal(batch.stream, 'stderr');
  assert.equal(batch.uniform, true);
  assert.equal(batch.text(1), 'green');
  assert.equal(batch.raw(0), undefined);
  assert.equal(batch.raw(1), raws[1]);
  assert.equal(batch.chars(1), 5 + raws[1].length);
  assert.equal(batch.totalChars, 5 + 5 + raws[1].length);
  const lines = batch.toArray();
  assert.deepEqual(lines, [
    { stream: 'stderr', text: 'plain', at: 42 },
    { stream: 'stderr', text: 'green', at: 42, raw: raws[1] },
  ]);
  assert.equal(Object.hasOwn(lines[0], 'raw'), false);
  assert.equal(batch.toArray(), lines, 'made once, shared');
  assert.equal(batch.line(1), lines[1]);
});

test('a batch of line objects keeps them as they are, with their own streams and times', () => {
  const lines: OutputLine[] = [
    { stream: 'stdout', text: 'a', at: 1 },
    { stream: 'system', text: 'b', at: 2, raw: 'B' },
  ];
  const batch = LineBatch.of(lines);
  assert.equal(batch.stream, undefined);
  assert.equal(batch.uniform, false);
  assert.equal(batch.toArray(), lines);
  assert.equal(batch.streamOf(1), 'system');
  assert.equal(batch.atOf(1), 2);
  assert.equal(batch.raw(1), 'B');
  assert.deepEqual(batch.allTexts(), ['a', 'b']);
  assert.equal(LineBatch.of([lines[0], { ...lines[0], text: 'c' }]).stream, 'stdout', 'one stream and time: uniform enough to format once');
});

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function randomBatches(rand: () => number, n: number): LineBatch[] {
  const batches: LineBatch[] = [];
  for (let b = 0; b < n; b++) {
    const count = Math.floor(rand() * 12);
    const texts: string[] = [];
    const raws: string[] = [];
    for (let i = 0; i < count; i++) {
      texts.push(`${b}.${i}:${'x'.repeat(Math.floor(rand() * 30))}`);
      if (rand() < 0.3) raws[i] = `\u001b[1m${texts[i]}`;
    }
    batches.push(rand() < 0.2 ? LineBatch.of(texts.map((text, i) => ({ stream: 'system', text, at: b, ...(raws[i] !== undefined && { raw: raws[i] }) }))) : LineBatch.read('stdout', b, texts, raws));
  }
  return batches;
}

test('the ring keeps, by batch, exactly the lines it keeps pushed one by one, within lines and bytes', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const rand = random(seed);
    const limits = { maxLines: 1 + Math.floor(rand() * 20), maxBytes: 1 + Math.floor(rand() * 400) };
    const byBatch = new OutputRing(limits);
    const byLine = new OutputRing(limits);
    for (const batch of randomBatches(rand, 30)) {
      byBatch.pushBatch(batch);
      for (const line of batch.toArray()) byLine.push(line);
      assert.deepEqual(byBatch.toArray(), byLine.toArray(), `seed ${seed}`);
      assert.equal(byBatch.size, byLine.size);
      assert.equal(byBatch.byteSize, byLine.byteSize);
      assert.equal(byBatch.dropped, byLine.dropped);
      assert.ok(byBatch.size <= limits.maxLines);
      assert.ok(byBatch.byteSize <= limits.maxBytes || byBatch.size === 1);
      const last = Math.floor(rand() * 25);
      assert.deepEqual(byBatch.toArray(last), byLine.toArray(last), `seed ${seed}, last ${last}`);
    }
  }
});

test('the output channels\' buffer shows and counts, by batch, what it does line by line', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const rand = random(seed);
    const maxLines = 1 + Math.floor(rand() * 20);
    const maxChars = 1 + Math.floor(rand() * 300);
    const byBatch = new OutputBuffer(maxLines, maxChars);
    const byLines = new OutputBuffer(maxLines, maxChars);
    for (const batch of randomBatches(rand, 20)) {
      const prefix = rand() < 0.5 ? '' : '[#2] ';
      byBatch.pushBatch(batch, prefix);
      byLines.pushAll(batch.toArray(), prefix);
      assert.equal(byBatch.size, byLines.size);
      if (rand() < 0.2) assert.equal(byBatch.drain('iso'), byLines.drain('iso'), `seed ${seed}`);
    }
    assert.equal(byBatch.drain(), byLines.drain(), `seed ${seed}`);
  }
});

test('a log file gets a batch as it gets its lines', () => {
  const raws: string[] = [];
  raws[0] = '\u001b[31mred';
  const batch = LineBatch.read('stderr', Date.UTC(2024, 4, 1, 9, 30), ['red', '', 'ünïcode ✓'], raws);
  assert.equal(formatLogBatch(batch, '[#1] '), formatLogLines(batch.toArray(), '[#1] '));
  assert.equal(formatLogBatch(batch), '2024-05-01T09:30:00.000Z err red\n2024-05-01T09:30:00.000Z err \n2024-05-01T09:30:00.000Z err ünïcode ✓\n');
  const mixed = LineBatch.of([
    { stream: 'stdout', text: 'a', at: 0 },
    { stream: 'system', text: 'b', at: 1000 },
  ]);
  assert.equal(formatLogBatch(mixed), formatLogLines(mixed.toArray()));
  assert.equal(formatLogBatch(LineBatch.read('stdout', 0, [])), '');
});

test('bytes decode as UTF-8 whether they are all ASCII or not, whole or in part', () => {
  const samples = [Buffer.from('plain ascii line\n'), Buffer.from('caf\u00e9 \u20ac \u{1f600}\n'), Buffer.of(0x61, 0xff, 0x62, 0xc3, 0x0a, 0x80), Buffer.alloc(0)];
  for (const bytes of samples) {
    assert.equal(decodeUtf8(bytes), bytes.toString('utf8'));
    for (let start = 0; start <= bytes.length; start++) {
      for (let end = start; end <= bytes.length; end++) assert.equal(decodeUtf8(bytes, start, end), bytes.toString('utf8', start, end), `${bytes.toString('hex')} [${start}, ${end})`);
    }
  }
});

test('the text lengths of a run of lines are the sum of each line\'s, for lines kept as bytes or as texts', () => {
  const indexer = new LineIndexer();
  indexer.push(Buffer.from('part of a '));
  // The first line is joined from two reads (a text); the others stay in this read's bytes.
  const split = indexer.push(Buffer.from('line\nsecond\n\u00e9t\u00e9\n\nlast one\n'));
  for (const batch of [LineBatch.split('stdout', 1, split), LineBatch.read('stderr', 1, ['a', 'bc', '', 'def']), LineBatch.of([{ stream: 'stdout', text: 'xy', at: 1 }, { stream: 'system', text: 'z', at: 2 }])]) {
    for (let from = 0; from <= batch.length; from++) {
      for (let to = from; to <= batch.length; to++) {
        let sum = 0;
        for (let i = from; i < to; i++) sum += batch.textLength(i);
        assert.equal(batch.textLengths(from, to), sum, `[${from}, ${to})`);
      }
    }
  }
});
