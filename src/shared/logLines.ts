// The lines of the "All Processes" log view, merged in time order and bounded: the same store
// runs in the extension host (what a reloaded webview is sent) and in the webview (what it shows),
// so both hold the same lines in the same order. No imports: bundled into the webview too.

/** A line's stream as a small number, so the store holds plain number arrays. */
export const STREAMS = ['stdout', 'stderr', 'system'] as const;
export type StreamName = (typeof STREAMS)[number];
export const STDOUT = 0;
export const STDERR = 1;
export const SYSTEM = 2;

/** One line on its way into a store. */
export interface LogLine {
  /** Epoch milliseconds when the line was read: the merge order. */
  at: number;
  /** The key of the run it came from (see LogSource). */
  src: number;
  /** STDOUT, STDERR or SYSTEM. */
  stream: number;
  text: string;
  /** The formatted timestamp shown before the line ('' for none). */
  ts?: string;
}

export interface LogLimits {
  /** Lines kept; the oldest go first. */
  maxLines: number;
  /** Characters kept over all lines (a few huge lines must not hold the memory of many). */
  maxChars: number;
}

/** 100,000 lines, or 32 million characters, whichever is reached first. */
export const DEFAULT_LOG_LIMITS: LogLimits = { maxLines: 100_000, maxChars: 32 * 1024 * 1024 };

/** What an insert changed, in absolute positions (see LogLines.first). */
export interface LogChange {
  /** The absolute position of the first line that is new or moved; lines before it are unchanged. */
  from: number;
  /** Oldest lines dropped to stay within the limits. */
  evicted: number;
}

/** Stable: lines of equal time keep the order in which they arrived. */
export function sortByTime(lines: LogLine[]): LogLine[] {
  // Mostly already in order (one run's read, a snapshot): no copy then.
  let sorted = true;
  for (let i = 1; i < lines.length && sorted; i++) sorted = lines[i - 1].at <= lines[i].at;
  if (sorted) return lines;
  return lines.map((line, i) => ({ line, i })).sort((a, b) => a.line.at - b.line.at || a.i - b.i).map((x) => x.line);
}

/**
 * Lines in time order, as parallel arrays (compact at 100,000 lines). A line's absolute position
 * (`first` ... `end - 1`) only grows: dropping the oldest lines moves `first` on, so a reader can
 * keep positions across inserts. Lines of equal time stay in arrival order.
 */
export class LogLines {
  readonly at: number[] = [];
  readonly src: number[] = [];
  readonly stream: number[] = [];
  readonly text: string[] = [];
  readonly ts: string[] = [];
  /** Index in the arrays of the oldest kept line; the part before it waits to be compacted. */
  private head = 0;
  private base = 0;
  private chars = 0;
  /** Lines dropped since the store was made or cleared. */
  dropped = 0;

  constructor(readonly limits: LogLimits = DEFAULT_LOG_LIMITS) {}

  /** The absolute position of the oldest kept line. */
  get first(): number {
    return this.base;
  }

  /** One past the absolute position of the newest line. */
  get end(): number {
    return this.base + this.size;
  }

  get size(): number {
    return this.at.length - this.head;
  }

  get charCount(): number {
    return this.chars;
  }

  /** Array index of an absolute position (the arrays are public for fast reading). */
  index(position: number): number {
    return this.head + position - this.base;
  }

  clear(): void {
    for (const column of this.columns()) column.length = 0;
    this.head = 0;
    this.base = 0;
    this.chars = 0;
    this.dropped = 0;
  }

  /** Adds lines (in any order) at their place in time; then drops the oldest beyond the limits. */
  insert(lines: LogLine[]): LogChange {
    if (lines.length === 0) return { from: this.end, evicted: 0 };
    const batch = sortByTime(lines);
    const at = batch[0].at;
    // New lines are almost always the newest: search back from the end.
    let i = this.at.length;
    if (i > this.head && this.at[i - 1] > at) i = this.upperBound(at);
    const from = this.base + i - this.head;
    if (i === this.at.length) for (const line of batch) this.push(line);
    else this.mergeAt(i, batch);
    for (const line of batch) this.chars += line.text.length;
    return { from, evicted: this.evict() };
  }

  /** The first array index whose time is later than `at`. */
  private upperBound(at: number): number {
    let lo = this.head;
    let hi = this.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at[mid] <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private push(line: LogLine): void {
    this.at.push(line.at);
    this.src.push(line.src);
    this.stream.push(line.stream);
    this.text.push(line.text);
    this.ts.push(line.ts ?? '');
  }

  /** Merges a sorted batch with the lines from array index i on (kept lines first on equal times). */
  private mergeAt(i: number, batch: LogLine[]): void {
    const tail: LogLine[] = [];
    for (let j = i; j < this.at.length; j++) tail.push({ at: this.at[j], src: this.src[j], stream: this.stream[j], text: this.text[j], ts: this.ts[j] });
    for (const column of this.columns()) column.length = i;
    let a = 0;
    let b = 0;
    while (a < tail.length || b < batch.length) {
      if (b >= batch.length || (a < tail.length && tail[a].at <= batch[b].at)) this.push(tail[a++]);
      else this.push(batch[b++]);
    }
  }

  private evict(): number {
    const { maxLines, maxChars } = this.limits;
    let n = 0;
    while (this.size > maxLines || (this.chars > maxChars && this.size > 1)) {
      this.chars -= this.text[this.head].length;
      this.text[this.head] = '';
      this.ts[this.head] = '';
      this.head++;
      n++;
    }
    this.base += n;
    this.dropped += n;
    // Compact once the dropped part outweighs the kept one: amortised constant per line.
    if (this.head > 1024 && this.head * 2 > this.at.length) {
      for (const column of this.columns()) column.splice(0, this.head);
      this.head = 0;
    }
    return n;
  }

  private columns(): unknown[][] {
    return [this.at, this.src, this.stream, this.text, this.ts];
  }

  /** The line at an absolute position. */
  line(position: number): LogLine {
    const i = this.index(position);
    return { at: this.at[i], src: this.src[i], stream: this.stream[i], text: this.text[i], ts: this.ts[i] };
  }

  /** Every kept line, oldest first. */
  toArray(): LogLine[] {
    const out: LogLine[] = [];
    for (let p = this.first; p < this.end; p++) out.push(this.line(p));
    return out;
  }
}
