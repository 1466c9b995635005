import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { pipeLines, toLineBatch } from '../../../../src/engine/run/runOutput';
import type { LineBatch } from '../../../../src/platform/lineBatch';
import { OutputRing } from '../../../../src/platform/outputRing';

/** Pipes `chunks` as separate reads through pipeLines into batches, as a run does; resolves with the ring's lines. */
async function piped(chunks: Buffer[], secrets: string[] = []) {
  const stream = new PassThrough();
  const ring = new OutputRing({ maxLines: 1000, maxBytes: 1e9 });
  const batches: LineBatch[] = [];
  let live = '';
  const done = pipeLines(stream, secrets, undefined, {
    chunk: () => undefined,
    live: () => (text) => (live += text),
    lines: (split) => {
      if (split.count === 0) return;
      const batch = toLineBatch(split, 'stdout', secrets, 7);
      batches.push(batch);
      ring.pushBatch(batch);
    },
  });
  for (const chunk of chunks) {
    stream.write(chunk);
    // One read per chunk, as from a pipe.
    await new Promise((resolve) => setImmediate(resolve));
  }
  stream.end();
  await done.closed;
  return { lines: ring.toArray(), batches, live };
}

/** `text` as UTF-8, cut into reads at the given byte offsets. */
function cut(text: string | Buffer, ...at: number[]): Buffer[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const edges = [0, ...at, bytes.length];
  return edges.slice(1).map((end, i) => bytes.subarray(edges[i], end));
}

test('a line across reads is one line, in the batch of the read that ends it', async () => {
  const { lines, batches } = await piped(cut('first\nsec' + 'ond\nthird', 9, 10));
  assert.deepEqual(lines.map((l) => l.text), ['first', 'second', 'third']);
  assert.deepEqual(batches.map((b) => b.length), [1, 1, 1]);
  assert.ok(lines.every((l) => l.stream === 'stdout' && l.at === 7 && !('raw' in l)));
});

test('\\r\\n split across reads ends the line once, with no \\r left', async () => {
  const { lines } = await piped(cut('one\r\ntwo\r\n', 4, 9));
  assert.deepEqual(lines.map((l) => l.text), ['one', 'two']);
});

test('a character split across reads stays whole; invalid UTF-8 at a read\'s edge becomes U+FFFD', async () => {
  const euro = Buffer.from('€'); // three bytes
  const { lines } = await piped([Buffer.from('a'), euro.subarray(0, 1), euro.subarray(1), Buffer.from('\n'), Buffer.of(0x62, 0xe2, 0x82), Buffer.of(0x0a, 0x63, 0xff), Buffer.from('\n')]);
  assert.deepEqual(lines.map((l) => l.text), ['a€', 'b\ufffd', 'c\ufffd']);
});

test('a secret split across reads is masked in the lines and in the live text', async () => {
  const secret = 's3cr3t-token-value';
  const text = `key=${secret}\n\u001b[1m${secret}\u001b[0m!\n`;
  for (let edge = 1; edge < Buffer.byteLength(text); edge += 3) {
    const { lines, live } = await piped(cut(text, edge), [secret]);
    assert.equal(lines.length, 2, `cut at ${edge}`);
    for (const line of lines) {
      assert.ok(!line.text.includes(secret) && !(line.raw ?? '').includes(secret), `cut at ${edge}: ${JSON.stringify(line)}`);
      assert.ok(!line.text.includes('s3cr3t'), `cut at ${edge}: no piece of it either`);
    }
    assert.ok(lines[1].raw?.startsWith('\u001b[1m'), 'the raw text is kept, masked');
    assert.ok(!live.includes(secret) && !live.includes('s3cr3t'), `cut at ${edge}: live ${JSON.stringify(live)}`);
  }
});

test('a line longer than the cut is cut into pieces, none of them lost across reads', async () => {
  const long = 'y'.repeat(64 * 1024 * 2 + 10);
  const { lines } = await piped(cut(`${long}\nend\n`, 1000, 70_000, 131_000));
  assert.deepEqual(lines.map((l) => l.text.length), [64 * 1024, 64 * 1024, 10, 3]);
  assert.equal(lines.map((l) => l.text).join(''), `${long}end`);
});

test('a live follower that comes after a read cut in a character gets the character whole', async () => {
  const stream = new PassThrough();
  const euro = Buffer.from('€');
  let following = false;
  let live = '';
  const texts: string[] = [];
  const done = pipeLines(stream, [], undefined, {
    chunk: () => undefined,
    live: () => (following ? (text) => (live += text) : undefined),
    lines: (split) => texts.push(...toLineBatch(split, 'stdout', [], 0).allTexts()),
  });
  for (const read of [Buffer.from('a\nb'), euro.subarray(0, 1), euro.subarray(1, 2), euro.subarray(2), Buffer.from('c\n')]) {
    // The follower comes between the second and the third byte of the euro sign.
    if (read.length === 1 && read[0] === euro[2]) following = true;
    stream.write(read);
    await new Promise((resolve) => setImmediate(resolve));
  }
  stream.end();
  await done.closed;
  assert.equal(live, '€c\n');
  assert.deepEqual(texts, ['a', 'b€c']);
});

test('the live text is the reads decoded as one, through ASCII reads, characters cut between reads and invalid bytes', async () => {
  const text = Buffer.concat([Buffer.from('plain ascii\nmore\n'), Buffer.from('caf\u00e9 \u20ac\u{1f600}\n'), Buffer.of(0xe2, 0x82, 0x61, 0xff, 0x0a), Buffer.from('ascii again\n\u00e9')]);
  for (let a = 1; a < text.length - 1; a += 2) {
    for (let b = a + 1; b < text.length; b += 3) {
      const { live } = await piped(cut(text, a, b));
      assert.equal(live, text.toString('utf8'), `cut at ${a} and ${b}`);
    }
  }
});
