import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineBatch, type SplitLines } from '../../../src/platform/lineBatch';
import { LineIndexer } from '../../../src/platform/lineIndex';
import { LineSplitter } from '../../../src/platform/lineSplitter';
import { formatLogBatch, formatLogLines } from '../../../src/platform/logLines';
import { OutputBuffer } from '../../../src/ui/outputBuffer';

interface Seen {
  texts: string[];
  raws: (string | undefined)[];
  /** Lines kept as bytes, over all reads. */
  asBytes: number;
  batches: LineBatch[];
}

/** The reads through a LineIndexer, every line's text and raw text read back from its batch. */
function indexed(reads: Buffer[], max?: number): Seen {
  const indexer = new LineIndexer(max);
  const seen: Seen = { texts: [], raws: [], asBytes: 0, batches: [] };
  const take = (split: SplitLines) => {
    if (split.count === 0) return;
    const batch = LineBatch.split('stdout', 1, split);
    seen.batches.push(batch);
    for (let i = 0; i < batch.length; i++) {
      seen.texts.push(batch.text(i));
      seen.raws.push(batch.raw(i));
      if (batch.plainRun(i) > i) seen.asBytes++;
    }
  };
  for (const read of reads) take(indexer.push(read));
  take(indexer.end());
  return seen;
}

/** The same reads through the text splitter, as the engine split them before the index. */
function split(reads: Buffer[], max?: number): Pick<Seen, 'texts' | 'raws'> {
  const splitter = new LineSplitter(max, undefined, true);
  const out: Pick<Seen, 'texts' | 'raws'> = { texts: [], raws: [] };
  const take = (texts: string[]) => texts.forEach((text, i) => (out.texts.push(text), out.raws.push(splitter.raws[i])));
  for (const read of reads) take(splitter.push(read));
  take(splitter.end());
  return out;
}

function cut(text: string | Buffer, ...at: number[]): Buffer[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const edges = [0, ...at, bytes.length];
  return edges.slice(1).map((end, i) => bytes.subarray(edges[i], end));
}

function same(reads: Buffer[], max?: number): Seen {
  const seen = indexed(reads, max);
  const expected = split(reads, max);
  assert.deepEqual(seen.texts, expected.texts);
  assert.deepEqual(seen.raws, expected.raws);
  return seen;
}

test('plain lines stay in the read they came in; a line split across reads is whole', () => {
  const seen = same(cut('first\nsec' + 'ond\nthird\nfourth', 9, 10));
  assert.deepEqual(seen.texts, ['first', 'second', 'third', 'fourth']);
  assert.equal(seen.asBytes, 2, 'first and third; second was joined across reads, fourth ended with the stream');
});

test('\\r\\n ends a line, also split across reads; a lone \\r shows the last state', () => {
  assert.deepEqual(same(cut('one\r\ntwo\r\n', 4, 9)).texts, ['one', 'two']);
  assert.deepEqual(same(cut('one\r', 4)).texts, ['one']);
  const seen = same(cut('bar 1\rbar 2\nplain\n', 3));
  assert.deepEqual(seen.texts, ['bar 2', 'plain']);
  assert.equal(seen.raws[0], 'bar 1\rbar 2');
  // After a read that ends at a newline the index takes over again.
  assert.equal(same([Buffer.from('a\rb\n'), Buffer.from('c\nd\n')]).asBytes, 2);
});

test('a character split across reads stays whole; invalid UTF-8 becomes U+FFFD as before', () => {
  const euro = Buffer.from('€');
  for (let edge = 1; edge < 3; edge++) {
    const text = Buffer.concat([Buffer.from('a'), euro, Buffer.from('\nb'), euro, Buffer.from('\n')]);
    assert.deepEqual(same(cut(text, edge, edge + 5)).texts, ['a€', 'b€']);
  }
  assert.deepEqual(same([Buffer.of(0x62, 0xe2, 0x82), Buffer.of(0x0a, 0x63, 0xff), Buffer.from('\n')]).texts, ['b\ufffd', 'c\ufffd']);
  // A read of plain lines with characters of several bytes: each line cut out of its own bytes.
  assert.deepEqual(same([Buffer.from('héllo\nwörld\n€\n')]).texts, ['héllo', 'wörld', '€']);
});

test('a huge line with no end is cut into pieces as it grows, the rest kept for the next read', () => {
  const max = 100;
  const seen = same(cut(`${'x'.repeat(250)}`, 60, 130, 200), max);
  assert.deepEqual(seen.texts.map((t) => t.length), [100, 100, 50]);
  const long = same(cut(`${'y'.repeat(150)}\nshort\n${'z'.repeat(120)}\nend\n`, 10), max);
  assert.deepEqual(long.texts.map((t) => t.length), [100, 50, 5, 100, 20, 3]);
  // A line of more bytes than the cut but fewer characters is not cut.
  assert.deepEqual(same([Buffer.from(`${'é'.repeat(80)}\n`)], max).texts, ['é'.repeat(80)]);
  assert.deepEqual(same(cut(`${'é'.repeat(80)}\n`, 33, 101), max).texts, ['é'.repeat(80)]);
});

test('an empty read changes nothing', () => {
  assert.deepEqual(same([Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(0), Buffer.from('b\n'), Buffer.alloc(0)]).texts, ['ab']);
  const indexer = new LineIndexer();
  assert.equal(indexer.push(Buffer.alloc(0)).count, 0);
  assert.equal(indexer.end().count, 0);
});

test('the unfinished line is what the text splitter would say, a cut-off character left out', () => {
  for (const reads of [cut('done\nprompt: €', 13), [Buffer.from('\u001b[1m? name: ')], cut('a\nb', 2)]) {
    const indexer = new LineIndexer();
    const splitter = new LineSplitter(undefined, undefined, true);
    for (const read of reads) {
      indexer.push(read);
      splitter.push(read);
      assert.equal(indexer.pending, splitter.pending);
    }
  }
});

test('any bytes in any reads: the same lines and raw texts as the text splitter', () => {
  const pieces = ['plain line', '\n', '\r\n', '\r', 'é', '€', '😀', '\u001b[31m', '\u0007', '\b', 'x'.repeat(40)];
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 300; round++) {
    const parts: Buffer[] = [];
    for (let i = random(30); i >= 0; i--) parts.push(random(12) === 0 ? Buffer.of(0x80 + random(0x80)) : Buffer.from(pieces[random(pieces.length)]));
    const bytes = Buffer.concat(parts);
    const edges = Array.from({ length: random(6) }, () => random(bytes.length + 1)).sort((a, b) => a - b);
    same(cut(bytes, ...edges), 32 + random(64));
  }
});

test('lent reads, any bytes: the same lines, lengths and log text as the text splitter, though each read is overwritten', () => {
  const pieces = ['plain line', '\n', '\n', '\r\n', 'é', '€', '\u001b[31m', 'x'.repeat(40)];
  let seed = 11;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const reused = Buffer.alloc(4096);
  for (let round = 0; round < 300; round++) {
    const parts: Buffer[] = [];
    // Mostly plain ASCII, as a flood: the reads then go through their text.
    for (let i = random(30); i >= 0; i--) parts.push(Buffer.from(pieces[random(3) === 0 ? random(pieces.length) : random(3)]));
    const bytes = Buffer.concat(parts);
    const edges = Array.from({ length: random(6) }, () => random(bytes.length + 1)).sort((a, b) => a - b);
    const max = 32 + random(64);
    const indexer = new LineIndexer(max);
    const batches: LineBatch[] = [];
    const take = (split: SplitLines) => split.count > 0 && batches.push(LineBatch.split('stdout', 1, split));
    for (const read of cut(bytes, ...edges)) {
      read.copy(reused);
      take(indexer.push(reused.subarray(0, read.length), true));
      reused.fill(0x21);
    }
    take(indexer.end());
    const texts: string[] = [];
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i++) texts.push(batch.text(i));
      let chars = 0;
      for (let i = 0; i < batch.length; i++) chars += batch.chars(i);
      assert.equal(batch.charsIn(0, batch.length), chars);
      for (let from = 0; from <= batch.length; from++) {
        let sum = 0;
        for (let to = from; to <= batch.length; to++) {
          assert.equal(batch.textLengths(from, to), sum, `[${from}, ${to})`);
          if (to < batch.length) sum += batch.textLength(to);
        }
      }
      assert.equal(formatLogBatch(batch, '[#1] '), formatLogLines(batch.toArray(), '[#1] '));
    }
    assert.deepEqual(texts, split(cut(bytes, ...edges), max).texts);
  }
});

test('a batch of bytes: lengths without decoding, runs decoded at once, line objects as from texts', () => {
  const seen = indexed(cut('carry\nab\ncd\né\n', 3));
  const batch = seen.batches[0];
  assert.deepEqual(batch.allTexts(), ['carry', 'ab', 'cd', 'é']);
  assert.equal(batch.textLength(3), 2, 'the bytes of é');
  assert.equal(batch.plainRun(0), 0, 'the first line was joined across reads');
  assert.equal(batch.plainRun(1), 4);
  assert.equal(batch.joined(1, 4), 'ab\ncd\né');
  assert.deepEqual(batch.toArray(), LineBatch.read('stdout', 1, ['carry', 'ab', 'cd', 'é']).toArray());
  assert.equal(formatLogBatch(batch), formatLogLines(batch.toArray()));
});

test('an output channel is given the same text for a batch of bytes as for its texts', () => {
  const seen = indexed(cut('carry\nab\ncd\nx\u001b[1my\n', 3, 14));
  for (const prefix of ['', '[#2] ']) {
    const fromBytes = new OutputBuffer();
    const fromTexts = new OutputBuffer();
    for (const batch of seen.batches) {
      fromBytes.pushBatch(batch, prefix);
      fromTexts.pushBatch(LineBatch.read('stdout', 1, batch.allTexts()), prefix);
    }
    assert.equal(fromBytes.drain(), fromTexts.drain());
  }
});

test('a batch of bytes costs what its lines cost, counted by the splitter as chars counts them', () => {
  const seen = indexed(cut('carry\nab\ncd\né\nx\u001b[1my\n', 3, 14));
  for (const batch of seen.batches) {
    let sum = 0;
    for (let i = 0; i < batch.length; i++) sum += batch.chars(i);
    assert.equal(batch.totalChars, sum);
  }
});
