import { isAscii } from 'node:buffer';

export type OutputStream = 'stdout' | 'stderr' | 'system';

/**
 * `bytes[start..end)` as UTF-8 text. Bytes that are all ASCII (a flood's usual case) are the
 * same text read as Latin-1, which skips the UTF-8 decoder's work and gives the later slices
 * and joins a flat one-byte string. ASCII bytes kept as their text are a string already.
 */
export function decodeUtf8(bytes: Buffer | string, start = 0, end = bytes.length): string {
  if (typeof bytes === 'string') return bytes.slice(start, end);
  const part = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
  return isAscii(part) ? part.toString('latin1') : part.toString('utf8');
}

export interface OutputLine {
  stream: OutputStream;
  text: string;
  /** Epoch milliseconds when the line was read. */
  at: number;
  /**
   * The line as the program wrote it (colours, cursor movement, `\r` progress), for a terminal's
   * replay; absent when it equals `text`.
   */
  raw?: string;
}

/**
 * Lines as a splitter found them, before they are given a stream and a time. Plain lines of one
 * read are kept as where they are in its bytes (no string per line until one is asked for); the
 * others (a line begun in an earlier read, one cleaned of escapes or `\r`, a piece of a long one)
 * as texts.
 */
export interface SplitLines {
  readonly count: number;
  /** Line i's text where it is kept as a text: every line's when there are no `bytes`. */
  readonly texts: readonly (string | undefined)[];
  /** Line i as written where cleaning changed it; unset where it did not. */
  readonly raws: readonly (string | undefined)[];
  /**
   * The read the plain lines are in: line i is `bytes[spans[2i]..spans[2i+1])`, or a text where
   * `spans[2i]` is -1. A string when they are ASCII kept as their text (one character a byte).
   */
  readonly bytes?: Buffer | string;
  readonly spans?: Int32Array;
  /** What the lines cost as `LineBatch.chars` counts them, when the splitter counted it. */
  readonly chars?: number;
}

/**
 * Lines handed on together: those of one read of one stream share their stream and time, so they
 * are kept as texts, or as the read's bytes and where each line is in them, and no object (nor,
 * for bytes, a string) is made per line until a reader asks for one (`text`, `line`, `toArray`).
 * Lines from elsewhere (read back from a log file, in tests) may differ in stream and time: they
 * are kept as the objects they came as.
 */
export class LineBatch {
  private built: OutputLine[] | undefined;
  private total: number | undefined;
  /** The plain lines' bytes decoded at once, made when a line's text is first asked for. */
  private decoded: Decoded | undefined;

  private constructor(
    /** The stream of every line; undefined when they differ (see `streamOf`). */
    readonly stream: OutputStream | undefined,
    /** The read time of every line; NaN when they differ (see `atOf`). */
    readonly at: number,
    /** Every line's text; or, with `bytes`, the text of the lines not kept as bytes (sparse). */
    private readonly texts: readonly (string | undefined)[] | undefined,
    /** `raws[i]`: line i as written where cleaning changed it; unset where it did not. */
    private readonly raws: readonly (string | undefined)[] | undefined,
    lines: OutputLine[] | undefined,
    private readonly bytes?: Buffer | string,
    private readonly spans?: Int32Array,
    private readonly count = texts?.length ?? lines!.length,
  ) {
    this.built = lines;
  }

  /** Lines of one read of `stream` at `at`; `raws` as the splitter gave them (sparse). */
  static read(stream: OutputStream, at: number, texts: readonly string[], raws?: readonly (string | undefined)[]): LineBatch {
    return new LineBatch(stream, at, texts, raws !== undefined && raws.length > 0 ? raws : undefined, undefined);
  }

  /** Lines of one read of `stream` at `at` as a splitter found them. */
  static split(stream: OutputStream, at: number, split: SplitLines): LineBatch {
    const raws = split.raws.length > 0 ? split.raws : undefined;
    if (!split.bytes) return new LineBatch(stream, at, split.texts, raws, undefined);
    const batch = new LineBatch(stream, at, split.texts, raws, undefined, split.bytes, split.spans, split.count);
    batch.total = split.chars;
    return batch;
  }

  /** Lines that are objects already; they are handed out as they are. */
  static of(lines: OutputLine[]): LineBatch {
    const first = lines[0];
    const same = first !== undefined && lines.every((l) => l.stream === first.stream && l.at === first.at);
    return new LineBatch(same ? first.stream : undefined, same ? first.at : NaN, undefined, undefined, lines);
  }

  get length(): number {
    return this.count;
  }

  /** Whether the lines share one stream and time and are kept as texts or bytes, so `allTexts` makes no objects. */
  get uniform(): boolean {
    return this.texts !== undefined;
  }

  text(i: number): string {
    if (this.spans !== undefined && this.spans[2 * i] >= 0) return this.cut(i);
    return this.texts ? this.texts[i]! : this.built![i].text;
  }

  /** The length of line i's text, or for a line kept as bytes the count of its bytes (never less than its text's length). */
  textLength(i: number): number {
    const spans = this.spans;
    if (spans !== undefined && spans[2 * i] >= 0) return spans[2 * i + 1] - spans[2 * i];
    return this.texts ? this.texts[i]!.length : this.built![i].text.length;
  }

  /** The sum of `textLength(i)` over lines `from` to `to` (not included), without a call per line. */
  textLengths(from: number, to: number): number {
    const spans = this.spans;
    // Every line kept as bytes: they lie one after another, each ended by one newline.
    if (spans !== undefined && this.texts!.length === 0) return to > from ? spans[2 * to - 1] - spans[2 * from] - (to - from - 1) : 0;
    let sum = 0;
    if (spans === undefined) {
      for (let i = from; i < to; i++) sum += this.textLength(i);
      return sum;
    }
    for (let i = from; i < to; i++) {
      const start = spans[2 * i];
      sum += start >= 0 ? spans[2 * i + 1] - start : this.texts![i]!.length;
    }
    return sum;
  }

  raw(i: number): string | undefined {
    return this.texts ? this.raws?.[i] : this.built![i].raw;
  }

  streamOf(i: number): OutputStream {
    return this.stream ?? this.built![i].stream;
  }

  atOf(i: number): number {
    return this.texts ? this.at : this.built![i].at;
  }

  /** What line i costs a store counting UTF-16 characters: its text and its raw text (bytes for a line kept as bytes). */
  chars(i: number): number {
    if (this.texts) return this.textLength(i) + (this.raws?.[i]?.length ?? 0);
    const line = this.built![i];
    return line.text.length + (line.raw?.length ?? 0);
  }

  /** The sum of `chars(i)` over lines `from` to `to` (not included). */
  charsIn(from: number, to: number): number {
    if (this.texts && this.raws === undefined) return this.textLengths(from, to);
    let sum = 0;
    for (let i = from; i < to; i++) sum += this.chars(i);
    return sum;
  }

  /** What all the lines cost, as `chars` counts them. */
  get totalChars(): number {
    if (this.total === undefined) {
      let sum = 0;
      for (let i = 0; i < this.count; i++) sum += this.chars(i);
      this.total = sum;
    }
    return this.total;
  }

  /**
   * Where the run of lines from `i` on that lie one after another in the read's bytes ends (so
   * `joined(i, end)` is one decode); `i` when line i is not kept as bytes.
   */
  plainRun(i: number): number {
    const spans = this.spans;
    if (spans === undefined || spans[2 * i] < 0) return i;
    // Every line kept as bytes: they all lie one after another.
    if (this.texts!.length === 0) return this.count;
    let end = i + 1;
    while (end < this.count && spans[2 * end] === spans[2 * end - 1] + 1) end++;
    return end;
  }

  /** The texts of lines `from` to `to` (a `plainRun`) joined by newlines, decoded at once. */
  joined(from: number, to: number): string {
    return decodeUtf8(this.bytes!, this.spans![2 * from], this.spans![2 * to - 1]);
  }

  /** The texts of every line; no copy when they are kept as texts. */
  allTexts(): readonly string[] {
    const spans = this.spans;
    if (spans === undefined) return (this.texts as readonly string[] | undefined) ?? this.built!.map((l) => l.text);
    // Decoded at once and not kept: whoever wants them all (a log file) takes them now.
    const { decoded, base, oneByteChars } = this.decoded ?? this.decode();
    const texts = this.texts!;
    const out: string[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const start = spans[2 * i];
      if (start < 0) out[i] = texts[i]!;
      else out[i] = oneByteChars ? decoded.slice(start - base, spans[2 * i + 1] - base) : decodeUtf8(this.bytes!, start, spans[2 * i + 1]);
    }
    return out;
  }

  line(i: number): OutputLine {
    return this.toArray()[i];
  }

  /** Every line as an object, made once and shared by every reader: do not change them. */
  toArray(): OutputLine[] {
    if (this.built) return this.built;
    const stream = this.stream!;
    const at = this.at;
    const out: OutputLine[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const raw = this.raws?.[i];
      const text = this.text(i);
      out[i] = raw === undefined ? { stream, text, at } : { stream, text, at, raw };
    }
    this.built = out;
    return out;
  }

  /** Line i's text out of the read's bytes: a slice of them decoded at once where each byte is a character. */
  private cut(i: number): string {
    const spans = this.spans!;
    const { decoded, base, oneByteChars } = (this.decoded ??= this.decode());
    if (oneByteChars) return decoded.slice(spans[2 * i] - base, spans[2 * i + 1] - base);
    return decodeUtf8(this.bytes!, spans[2 * i], spans[2 * i + 1]);
  }

  /** The plain lines' bytes decoded at once, from the first plain line's start to the last one's end. */
  private decode(): Decoded {
    const spans = this.spans!;
    let first = 0;
    while (spans[2 * first] < 0) first++;
    let last = this.count - 1;
    while (spans[2 * last] < 0) last--;
    const base = spans[2 * first];
    const decoded = decodeUtf8(this.bytes!, base, spans[2 * last + 1]);
    // A character of more bytes than one, or an invalid sequence of more than one, makes the text shorter.
    return { decoded, base, oneByteChars: decoded.length === spans[2 * last + 1] - base };
  }
}

/** A batch's plain lines decoded at once; `oneByteChars`: every byte is one character, so a line's text is a slice. */
interface Decoded {
  decoded: string;
  base: number;
  oneByteChars: boolean;
}
