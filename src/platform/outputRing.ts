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

/** Lines are in read order, so their times never decrease: a binary search finds the first one at or after `since`. */
export function firstAtOrAfter(lines: readonly { at: number }[], since: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid].at < since) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What a line costs the ring: both its texts, as UTF-16. */
function sizeOf(line: OutputLine): number {
  return (line.text.length + (line.raw?.length ?? 0)) * 2;
}

export interface RingLimits {
  maxLines: number;
  /** Counted as UTF-16 characters times two (a line's raw text too), close enough to what the strings hold. */
  maxBytes: number;
}

export const DEFAULT_RING_LIMITS: RingLimits = { maxLines: 5000, maxBytes: 2 * 1024 * 1024 };

/**
 * Recent output of a run, bounded by line count and by size: output with no newlines would
 * otherwise fill memory with a few huge lines.
 */
export class OutputRing {
  /** Grows as lines arrive (most runs write little), then wraps around at maxLines. */
  private lines: (OutputLine | undefined)[] = [];
  private head = 0;
  private count = 0;
  private bytes = 0;
  /** Lines pushed out to keep within the limits. */
  dropped = 0;

  constructor(private readonly limits: RingLimits = DEFAULT_RING_LIMITS) {}

  push(line: OutputLine): void {
    if (this.count === this.limits.maxLines) this.evictOldest();
    const slot = (this.head + this.count) % this.limits.maxLines;
    if (slot === this.lines.length) this.lines.push(line);
    else this.lines[slot] = line;
    this.count++;
    this.bytes += sizeOf(line);
    while (this.bytes > this.limits.maxBytes && this.count > 1) this.evictOldest();
  }

  get size(): number {
    return this.count;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** The kept lines, oldest first; at most `last` of them when given. */
  toArray(last = this.count): OutputLine[] {
    const n = Math.min(last, this.count);
    const out: OutputLine[] = [];
    for (let i = this.count - n; i < this.count; i++) {
      out.push(this.lines[(this.head + i) % this.limits.maxLines]!);
    }
    return out;
  }

  private evictOldest(): void {
    const oldest = this.lines[this.head]!;
    this.lines[this.head] = undefined;
    this.head = (this.head + 1) % this.limits.maxLines;
    this.count--;
    this.bytes -= sizeOf(oldest);
    this.dropped++;
  }
}
