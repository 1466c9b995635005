// A handed-off pipe is read into one buffer reused for every read, and its reader is given views
// of it (pipeHandoff.ts). Whatever keeps a read's lines (a batch, the ring, the channels' buffer,
// the replay tail) must own them: the next read overwrites the buffer.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { pipeLines, toLineBatch } from '../../../../src/engine/run/runOutput';
import { FRAME_TAIL_STDOUT } from '../../../../src/platform/launcher/dataFrames';
import { LinkOutput } from '../../../../src/platform/launcher/launchStreams';
import type { LineBatch } from '../../../../src/platform/lineBatch';
import { formatLogBatch } from '../../../../src/platform/logLines';
import { OutputRing } from '../../../../src/platform/outputRing';
import { OutputBuffer } from '../../../../src/ui/outputBuffer';

/** A stream that lends its reads, as LinkOutput does: every chunk is a view of one buffer, overwritten by the next. */
class Lender extends Readable {
  lent = false;
  private readonly buffer = Buffer.alloc(256);

  lendReads(): void {
    this.lent = true;
  }

  override _read(): void {}

  /** One read: `bytes` copied into the reused buffer and handed on as a view of it. */
  read1(bytes: Buffer): void {
    this.buffer.fill(0x23);
    bytes.copy(this.buffer);
    this.emit('data', this.buffer.subarray(0, bytes.length));
  }
}

/** Reads `stream` as a run does, into a ring, the channels' buffer and kept batches; a log file's text as each batch comes. */
function reader(stream: NodeJS.ReadableStream, follow = true, secrets: string[] = []) {
  const ring = new OutputRing({ maxLines: 1000, maxBytes: 1e9 });
  const channel = new OutputBuffer(1000, 1e9);
  const batches: LineBatch[] = [];
  let log = '';
  let live = '';
  const piped = pipeLines(stream, secrets, undefined, {
    chunk: () => undefined,
    live: () => (follow ? (text) => (live += text) : undefined),
    lines: (split) => {
      if (split.count === 0) return;
      const batch = toLineBatch(split, 'stdout', secrets, 0);
      batches.push(batch);
      ring.pushBatch(batch);
      channel.pushBatch(batch);
      log += formatLogBatch(batch);
    },
  });
  return {
    piped,
    /** Every line as each holder has it now. */
    held: () => ({
      ring: ring.toArray().map((l) => l.text),
      batches: batches.flatMap((b) => [...b.allTexts()]),
      joined: batches.flatMap((b) => (b.plainRun(0) > 1 ? b.joined(0, b.plainRun(0)).split('\n') : [])),
      channel: channel.drain().split('\n').slice(0, -1).filter((l) => !l.startsWith('[... ')),
      log: log.split('\n').slice(0, -1).map((l) => l.slice(l.indexOf(' ', l.indexOf(' ') + 1) + 1)),
      live,
    }),
  };
}

/** Lent reads, each overwriting the one before, then what every holder has of their lines. */
async function lentLines(follow: boolean, secrets: string[] = []): Promise<void> {
  const stream = new Lender();
  const r = reader(stream, follow, secrets);
  const reads = ['alpha one\nalpha two\nalpha thr', 'ee\ncafé au lait\nbeta one\nbe', 'ta two\n', 'gamma one\ngamma two\n'];
  for (const read of reads) stream.read1(Buffer.from(read));
  // The last read is a line's start: it is kept (copied) until its end comes.
  stream.read1(Buffer.from('delta'));
  stream.read1(Buffer.from(' one\n'));
  stream.push(null);
  await r.piped.closed;
  const lines = ['alpha one', 'alpha two', 'alpha three', 'café au lait', 'beta one', 'beta two', 'gamma one', 'gamma two', 'delta one'];
  const held = r.held();
  assert.deepEqual(held.ring, lines);
  assert.deepEqual(held.batches, lines);
  assert.deepEqual(held.channel, lines);
  assert.deepEqual(held.log, lines);
  assert.equal(held.live, follow ? `${lines.join('\n')}\n` : '');
  for (const line of held.joined) assert.ok(lines.includes(line), `a joined run of lines: ${line}`);
  assert.ok(stream.lent, 'the reader takes lent reads');
}

test('lines of a lent read stay intact in every holder once the buffer is overwritten by the next read', () => lentLines(false));

test('the same with a live follower, whose text of an ASCII read is the copy the lines keep', () => lentLines(true));

test('the same for a run with secrets to mask, whose lines are split as text', () => lentLines(true, ['not-in-the-output']));

test('a real pipe handed over is read into one reused buffer: every line intact, in order, and the replay tail is the last bytes', { timeout: 30_000 }, async () => {
  // Blocks of distinct lines, a pause between them, so later reads overwrite the buffer earlier ones were in.
  const script = `const fs = require('fs'); const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (let b = 0; b < 6; b++) { let t = ''; for (let i = 0; i < 2000; i++) t += 'block ' + b + ' line ' + String(i).padStart(5, '0') + (b % 2 ? ' é' : '') + '\\n'; fs.writeSync(1, t); sleep(30); }`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const output = new LinkOutput(1);
  const frames: [number, Buffer][] = [];
  output.bind((kind, data) => frames.push([kind, data ?? Buffer.alloc(0)]));
  const r = reader(output);
  output.direct(4096);
  output.passed(child.stdout as Socket);
  const ended = new Promise<void>((resolve) => output.once('end', resolve));
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The pipe's end: the host lets go of it, with its tail for the helper; then the stream ends.
  await new Promise<void>((resolve) => setTimeout(resolve, 50));
  output.finish();
  await ended;
  await r.piped.closed;
  assert.equal(output.handoffs, 1);
  const lines: string[] = [];
  for (let b = 0; b < 6; b++) for (let i = 0; i < 2000; i++) lines.push(`block ${b} line ${String(i).padStart(5, '0')}${b % 2 ? ' é' : ''}`);
  const held = r.held();
  assert.deepEqual(held.ring, lines.slice(-1000));
  assert.deepEqual(held.batches, lines);
  assert.deepEqual(held.log, lines);
  assert.deepEqual(held.channel, lines.slice(-1000));
  assert.equal(held.live, `${lines.join('\n')}\n`);
  const tail = Buffer.concat(frames.filter(([kind]) => kind === FRAME_TAIL_STDOUT).map(([, data]) => data)).toString('utf8');
  const all = `${lines.join('\n')}\n`;
  assert.equal(Buffer.byteLength(tail), 4096);
  assert.ok(all.endsWith(tail.slice(2)), 'the tail is the stream\'s last bytes');
});
