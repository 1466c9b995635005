import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import type { IngestCap } from '../../platform/ingestCap';
import { lendReads } from '../../platform/launcher/pipeHandoff';
import { LineIndexer } from '../../platform/lineIndex';
import { LineSplitter, MAX_LINE_LENGTH } from '../../platform/lineSplitter';
import { LineBatch, type SplitLines } from '../../platform/lineBatch';
import type { OutputStream } from '../../platform/outputRing';
import { redact } from '../../platform/redact';

/** How long to wait for the pipes to drain after the whole group is gone. */
const DRAIN_MS = 250;

/** Where a stream's output goes. */
export interface OutputSink {
  /** A chunk arrived, whole line or not. */
  chunk(): void;
  /** Lines read, as the splitter found them (secrets not masked yet). */
  lines(split: SplitLines): void;
  /** Who follows the text as written, live (a terminal view); undefined when nobody does. */
  live(): ((text: string) => void) | undefined;
}

/** A stream being read: resolves when it ends; `pending` is the unfinished last line as written. */
export interface PipedStream {
  closed: Promise<void>;
  pending(): string;
}

/**
 * Reads a process's stream as lines, with `secrets` masked, handing each batch to the sink, and
 * the text as written to a live follower when there is one.
 */
export function pipeLines(stream: NodeJS.ReadableStream, secrets: string[], cap: IngestCap | undefined, sink: OutputSink): PipedStream {
  if (secrets.length === 0) return pipeIndexed(stream, cap, sink);
  // Secrets are masked before a long line is cut: a cut through one would show both its halves.
  const splitter = new LineSplitter(MAX_LINE_LENGTH, { mask: (text) => redact(text, secrets), overlap: secrets[0].length }, true);
  const decoder = new StringDecoder('utf8');
  const live = new LiveMask(secrets);
  const lines = (texts: string[]) => sink.lines({ count: texts.length, texts, raws: splitter.raws });
  // The decoder copies what it holds back, and nothing else keeps a read.
  lendReads(stream);
  stream.on('data', (chunk: Buffer) => {
    sink.chunk();
    cap?.take(stream, chunk.length);
    const text = decoder.write(chunk);
    const follower = sink.live();
    if (follower && text !== '') live.push(text, follower);
    lines(splitter.pushText(text));
  });
  const closed = whenEnded(stream, () => {
    live.flush(sink.live());
    const rest = decoder.end();
    if (rest !== '') lines(splitter.pushText(rest));
    lines(splitter.end());
  });
  return { closed, pending: () => redact(splitter.pending, secrets) };
}

/**
 * With no secrets to mask, a read's plain lines stay in its bytes: the text is decoded only for
 * a live follower, and a line's string only when a reader asks for it. Nothing here keeps a read
 * past its call (the indexer copies the lines it hands on), so the stream may lend its reads.
 */
function pipeIndexed(stream: NodeJS.ReadableStream, cap: IngestCap | undefined, sink: OutputSink): PipedStream {
  const indexer = new LineIndexer(MAX_LINE_LENGTH);
  const decoder = new StringDecoder('utf8');
  const lent = lendReads(stream);
  // The last bytes the decoder has not seen: a follower that comes later needs the character they may end in.
  const unseen = new LastBytes(3);
  // The decoder holds no part of a character: the last byte it was given was ASCII.
  let clean = true;
  const feed = (bytes: Buffer) => {
    if (bytes.length > 0) clean = bytes[bytes.length - 1] < 0x80;
    return decoder.write(bytes);
  };
  stream.on('data', (chunk: Buffer) => {
    sink.chunk();
    cap?.take(stream, chunk.length);
    const follower = sink.live();
    // The read's text when it is ASCII: the follower's, and then a lent read's copy for its lines.
    let ascii: string | undefined;
    if (follower) {
      // The last bytes of a read are enough to put the decoder where the whole read would have.
      if (unseen.length > 0) feed(unseen.take());
      // ASCII after a clean decoder is the same text read as Latin-1, without the decoder's work.
      if (clean && isAscii(chunk)) ascii = chunk.toString('latin1');
      const text = ascii ?? feed(chunk);
      if (text !== '') follower(text);
    } else unseen.push(chunk);
    sink.lines(indexer.push(chunk, lent, ascii));
  });
  const closed = whenEnded(stream, () => sink.lines(indexer.end()));
  return { closed, pending: () => indexer.pending };
}

/** The last bytes of a stream, copied byte by byte (a lent read is not kept; no buffer per read). */
class LastBytes {
  private readonly kept: Buffer;
  length = 0;

  constructor(size: number) {
    this.kept = Buffer.alloc(size);
  }

  push(chunk: Buffer): void {
    const size = this.kept.length;
    const fromBefore = Math.min(this.length, Math.max(0, size - chunk.length));
    for (let i = 0; i < fromBefore; i++) this.kept[i] = this.kept[this.length - fromBefore + i];
    const fromChunk = Math.min(chunk.length, size);
    for (let i = 0; i < fromChunk; i++) this.kept[fromBefore + i] = chunk[chunk.length - fromChunk + i];
    this.length = fromBefore + fromChunk;
  }

  /** The bytes kept, as a copy; none are kept after. */
  take(): Buffer {
    const bytes = Buffer.from(this.kept.subarray(0, this.length));
    this.length = 0;
    return bytes;
  }
}

function whenEnded(stream: NodeJS.ReadableStream, end: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    let ended = false;
    const once = () => {
      if (ended) return;
      ended = true;
      end();
      resolve();
    };
    stream.once('end', once);
    stream.once('close', once);
    stream.once('error', once);
  });
}

/**
 * Masks secrets in text shown live as it arrives: a chunk that ends with the start of a secret
 * keeps that start back until the next chunk shows whether the secret follows, so a secret split
 * across reads is still masked however long the pause between them.
 */
class LiveMask {
  private held = '';

  constructor(private readonly secrets: string[]) {}

  push(text: string, follower: (text: string) => void): void {
    const masked = redact(this.held + text, this.secrets);
    const cut = this.secretStart(masked);
    this.held = masked.slice(cut);
    if (cut > 0) follower(masked.slice(0, cut));
  }

  /** The stream ended: what was held back cannot become a secret any more. */
  flush(follower: ((text: string) => void) | undefined): void {
    if (this.held !== '' && follower) follower(this.held);
    this.held = '';
  }

  /** Where a proper prefix of some secret begins at the end of `text`, or text's length. */
  private secretStart(text: string): number {
    let start = text.length;
    for (const secret of this.secrets) {
      for (let i = Math.max(0, text.length - secret.length + 1); i < start; i++) {
        if (secret.startsWith(text.slice(i))) start = i;
      }
    }
    return start;
  }
}

/** A line of our own (start, exit, why), stamped `at`. */
export function systemBatch(text: string, at: number): LineBatch {
  return LineBatch.read('system', at, [text]);
}

/** Lines of one read of a stream, stamped `at`, with `secrets` masked. */
export function toLineBatch(split: SplitLines, kind: OutputStream, secrets: string[], at: number): LineBatch {
  if (secrets.length === 0) return LineBatch.split(kind, at, split);
  // With secrets the splitter gives texts only.
  const texts = split.texts as readonly string[];
  const masked: string[] = new Array(texts.length);
  for (let i = 0; i < texts.length; i++) masked[i] = redact(texts[i], secrets);
  const maskedRaws: string[] = [];
  split.raws.forEach((raw, i) => raw !== undefined && (maskedRaws[i] = redact(raw, secrets)));
  return LineBatch.read(kind, at, masked, maskedRaws);
}

/**
 * Waits for the output to end, but not for a stranger that kept the pipe open: gives up once
 * no data came for DRAIN_MS. A capped run may still be reading a backlog after the exit.
 */
export async function drain(streamsClosed: Promise<void>[], lastChunkAt: () => number): Promise<void> {
  let closed = false;
  const all = Promise.all(streamsClosed).then(() => (closed = true));
  do {
    await Promise.race([all, new Promise((r) => setTimeout(r, DRAIN_MS))]);
  } while (!closed && performance.now() - lastChunkAt() < DRAIN_MS);
}
