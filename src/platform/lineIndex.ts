import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import type { SplitLines } from './lineBatch';
import { LineSplitter, MAX_LINE_LENGTH } from './lineSplitter';

const NEWLINE = 0x0a;

/** Where the next line end is in a read, searched in its text when there is one. */
function nextNewline(chunk: Buffer, text: string | undefined, from: number): number {
  return text === undefined ? chunk.indexOf(NEWLINE, from) : text.indexOf('\n', from);
}

/**
 * Whether a read holds a byte that asks for the text splitter's cleaning: `\r`, ESC, BEL or
 * backspace. Each is one byte below 0x80, so it is never part of a longer UTF-8 character.
 */
function needsCleaning(chunk: Buffer): boolean {
  return chunk.indexOf(0x0d) !== -1 || chunk.indexOf(0x1b) !== -1 || chunk.indexOf(0x07) !== -1 || chunk.indexOf(0x08) !== -1;
}

/**
 * Splits a byte stream into lines as `LineSplitter` does (the same lines, texts and raw texts),
 * but keeps the plain lines of a read as the read's bytes and an index of where each line starts
 * and ends: a string per line is cut only when a reader asks for it, and most of a flood's lines
 * are never asked for. Whatever needs more than an index (escapes, `\r`, a line longer than the
 * cut) goes through a `LineSplitter`, which then takes every read until one ends at a newline, so
 * it never holds part of a line or of a character when the index takes over again.
 */
export class LineIndexer {
  private readonly text: LineSplitter;
  /** The text splitter holds part of a line (or of a character): reads go to it. */
  private inText = false;
  /** The start of a line not ended yet, as the reads it came in (while the index is in use). */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /** Where the lines of a read start and end, grown as needed and copied out per read. */
  private scratch: Int32Array = new Int32Array(2048);

  constructor(private readonly maxLineLength = MAX_LINE_LENGTH) {
    this.text = new LineSplitter(maxLineLength, undefined, true);
  }

  /** The start of a line not finished yet, as written (a prompt waiting for input). */
  get pending(): string {
    if (this.inText) return this.text.pending;
    // A character cut off at the end is left out, as a decoder holds it back.
    const decoder = new StringDecoder('utf8');
    return this.tail.map((part) => decoder.write(part)).join('');
  }

  /**
   * The lines this read finished. With `lent`, `chunk` is reused once this returns: the lines
   * handed on are copied out of it (or taken from `ascii`, the whole read's text when the caller
   * made it and it is ASCII), and nothing of it is kept.
   */
  push(chunk: Buffer, lent = false, ascii?: string): SplitLines {
    if (!this.inText && needsCleaning(chunk)) this.toText();
    if (this.inText) {
      const texts = this.text.push(chunk);
      if (chunk.length > 0) this.inText = chunk[chunk.length - 1] !== NEWLINE;
      return { count: texts.length, texts, raws: this.text.raws };
    }
    // A lent ASCII read (a flood's usual case) is kept as its text, a string on the heap: the young
    // generation's collections free it soon after its batch goes, where a buffer would wait for the
    // collector to count external memory. Its line ends are found in that text, without a call out
    // of the engine per line.
    const text = ascii ?? (lent && isAscii(chunk) ? chunk.toString('latin1') : undefined);
    const found = new Found(this.scratch);
    const max = this.maxLineLength;
    let start = 0;
    let newline = nextNewline(chunk, text, 0);
    if (newline !== -1 && this.tailBytes > 0) {
      // The line begun in an earlier read: its bytes joined, so a character cut between reads is whole.
      if (this.tailBytes + newline <= max) {
        this.tail.push(chunk.subarray(0, newline));
        found.text(Buffer.concat(this.tail).toString('utf8'));
        this.tail = [];
        this.tailBytes = 0;
      } else {
        this.toText();
        this.viaText(chunk.subarray(0, newline + 1), found);
      }
      start = newline + 1;
      newline = nextNewline(chunk, text, start);
    }
    while (newline !== -1) {
      // A line no longer in bytes than the cut is no longer in characters either.
      if (newline - start <= max) found.span(start, newline);
      else this.viaText(chunk.subarray(start, newline + 1), found);
      start = newline + 1;
      newline = nextNewline(chunk, text, start);
    }
    if (start < chunk.length) {
      // Copied: a read's last few bytes do not keep the whole read.
      this.tail.push(Buffer.from(chunk.subarray(start)));
      this.tailBytes += chunk.length - start;
      if (this.tailBytes > max) {
        // Too long for a line: the text splitter cuts it into pieces and keeps the rest.
        this.toText(found);
      }
    }
    this.scratch = found.scratch;
    return found.result(chunk, lent, text);
  }

  /** Whatever is left when the stream ends (a last line without a newline). */
  end(): SplitLines {
    this.toText();
    this.inText = false;
    const texts = this.text.end();
    return { count: texts.length, texts, raws: this.text.raws };
  }

  /**
   * Hands the unfinished line to the text splitter; no line ends in it, so only the pieces of a
   * line longer than the cut come back (into `found`; there are none unless it is that long).
   */
  private toText(found?: Found): void {
    for (const part of this.tail) {
      const pieces = this.text.push(part);
      for (let i = 0; i < pieces.length; i++) found!.text(pieces[i], this.text.raws[i]);
    }
    this.tail = [];
    this.tailBytes = 0;
    this.inText = true;
  }

  /** Lines through the text splitter: `bytes` ends with a newline, so the splitter holds nothing after it. */
  private viaText(bytes: Buffer, found: Found): void {
    const texts = this.text.push(bytes);
    const raws = this.text.raws;
    for (let i = 0; i < texts.length; i++) found.text(texts[i], raws[i]);
    this.inText = false;
  }
}

/** The lines of one read as they are found: spans into the read, and texts where a line is not one. */
class Found {
  count = 0;
  private texts: (string | undefined)[] | undefined;
  private raws: string[] | undefined;
  private spans = 0;
  /** What the lines cost, as `LineBatch.chars` counts them. */
  private chars = 0;

  constructor(public scratch: Int32Array) {}

  span(start: number, end: number): void {
    this.room();
    this.scratch[2 * this.count] = start;
    this.scratch[2 * this.count + 1] = end;
    this.count++;
    this.spans++;
    this.chars += end - start;
  }

  text(text: string, raw?: string): void {
    this.room();
    this.scratch[2 * this.count] = -1;
    this.scratch[2 * this.count + 1] = -1;
    (this.texts ??= [])[this.count] = text;
    if (raw !== undefined) (this.raws ??= [])[this.count] = raw;
    this.count++;
    this.chars += text.length + (raw?.length ?? 0);
  }

  result(chunk: Buffer, lent: boolean, ascii: string | undefined): SplitLines {
    const texts = this.texts ?? [];
    const raws = this.raws ?? [];
    // No line kept as bytes: the texts are every line, and the read is not kept.
    if (this.spans === 0) return { count: this.count, texts, raws };
    const spans = keepSpans(this.scratch, 2 * this.count);
    const bytes = lent ? (ascii ?? ownCopy(chunk, spans)) : chunk;
    return { count: this.count, texts, raws, bytes, spans, chars: this.chars };
  }

  private room(): void {
    if (2 * this.count + 2 <= this.scratch.length) return;
    const grown = new Int32Array(this.scratch.length * 2);
    grown.set(this.scratch);
    this.scratch = grown;
  }
}

/**
 * The spans of a read of many lines (a flood's) are a view of one shared array: one allocation
 * for the collector per many reads, not one per read. A read of a few lines gets an array of its
 * own, so a quiet run's kept lines never hold a shared array that a flood filled.
 */
const SPAN_SLAB_INTS = 16 * 1024;
const SPAN_SLAB_MIN = 64;
let spanSlab = new Int32Array(SPAN_SLAB_INTS);
let spanSlabAt = 0;

/** The first `n` entries of `scratch`, copied to storage of their own. */
function keepSpans(scratch: Int32Array, n: number): Int32Array {
  if (n < SPAN_SLAB_MIN || n > SPAN_SLAB_INTS / 8) return scratch.slice(0, n);
  if (spanSlabAt + n > SPAN_SLAB_INTS) {
    spanSlab = new Int32Array(SPAN_SLAB_INTS);
    spanSlabAt = 0;
  }
  spanSlab.set(n === scratch.length ? scratch : scratch.subarray(0, n), spanSlabAt);
  const kept = spanSlab.subarray(spanSlabAt, spanSlabAt + n);
  spanSlabAt += n;
  return kept;
}

/**
 * The bytes of a lent read that is not ASCII that its plain lines lie in, as a buffer of their
 * own, with `spans` moved to match. (An ASCII read is kept as its text, which the indexer made.)
 */
function ownCopy(chunk: Buffer, spans: Int32Array): Buffer {
  let first = 0;
  while (spans[first] < 0) first += 2;
  let last = spans.length - 2;
  while (spans[last] < 0) last -= 2;
  const base = spans[first];
  const part = chunk.subarray(base, spans[last + 1]);
  if (base > 0) {
    for (let i = first; i <= last; i += 2) {
      if (spans[i] < 0) continue;
      spans[i] -= base;
      spans[i + 1] -= base;
    }
  }
  return Buffer.from(part);
}
