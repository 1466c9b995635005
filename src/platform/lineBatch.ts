export type OutputStream = 'stdout' | 'stderr' | 'system';

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
 * Lines handed on together: those of one read of one stream share their stream and time, so they
 * are kept as texts and no object is made per line until a reader asks for line objects
 * (`line`, `toArray`). Lines from elsewhere (read back from a log file, in tests) may differ in
 * stream and time: they are kept as the objects they came as.
 */
export class LineBatch {
  private built: OutputLine[] | undefined;
  private total: number | undefined;

  private constructor(
    /** The stream of every line; undefined when they differ (see `streamOf`). */
    readonly stream: OutputStream | undefined,
    /** The read time of every line; NaN when they differ (see `atOf`). */
    readonly at: number,
    private readonly texts: readonly string[] | undefined,
    /** `raws[i]`: line i as written where cleaning changed it; unset where it did not. */
    private readonly raws: readonly (string | undefined)[] | undefined,
    lines: OutputLine[] | undefined,
  ) {
    this.built = lines;
  }

  /** Lines of one read of `stream` at `at`; `raws` as the splitter gave them (sparse). */
  static read(stream: OutputStream, at: number, texts: readonly string[], raws?: readonly (string | undefined)[]): LineBatch {
    return new LineBatch(stream, at, texts, raws !== undefined && raws.length > 0 ? raws : undefined, undefined);
  }

  /** Lines that are objects already; they are handed out as they are. */
  static of(lines: OutputLine[]): LineBatch {
    const first = lines[0];
    const same = first !== undefined && lines.every((l) => l.stream === first.stream && l.at === first.at);
    return new LineBatch(same ? first.stream : undefined, same ? first.at : NaN, undefined, undefined, lines);
  }

  get length(): number {
    return this.texts ? this.texts.length : this.built!.length;
  }

  /** Whether the lines are kept as texts, so `texts` costs nothing. */
  get uniform(): boolean {
    return this.texts !== undefined;
  }

  text(i: number): string {
    return this.texts ? this.texts[i] : this.built![i].text;
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

  /** What line i costs a store counting UTF-16 characters: its text and its raw text. */
  chars(i: number): number {
    if (this.texts) return this.texts[i].length + (this.raws?.[i]?.length ?? 0);
    const line = this.built![i];
    return line.text.length + (line.raw?.length ?? 0);
  }

  /** What all the lines cost, as `chars` counts them. */
  get totalChars(): number {
    if (this.total === undefined) {
      let sum = 0;
      for (let i = 0; i < this.length; i++) sum += this.chars(i);
      this.total = sum;
    }
    return this.total;
  }

  /** The texts of every line; no copy when they are kept as texts. */
  allTexts(): readonly string[] {
    return this.texts ?? this.built!.map((l) => l.text);
  }

  line(i: number): OutputLine {
    return this.toArray()[i];
  }

  /** Every line as an object, made once and shared by every reader: do not change them. */
  toArray(): OutputLine[] {
    if (this.built) return this.built;
    const texts = this.texts!;
    const stream = this.stream!;
    const at = this.at;
    const out: OutputLine[] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      const raw = this.raws?.[i];
      out[i] = raw === undefined ? { stream, text: texts[i], at } : { stream, text: texts[i], at, raw };
    }
    this.built = out;
    return out;
  }
}
