import { LineBatch, type OutputLine } from './lineBatch';

export type { OutputLine, OutputStream } from './lineBatch';

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

export interface RingLimits {
  maxLines: number;
  /** Counted as UTF-16 characters times two (a line's raw text too; a line kept as the bytes it was read in, its bytes), close enough to what they hold. */
  maxBytes: number;
}

export const DEFAULT_RING_LIMITS: RingLimits = { maxLines: 5000, maxBytes: 2 * 1024 * 1024 };

/** A batch and where its kept lines begin: the lines before `from` were pushed out. */
interface Entry {
  batch: LineBatch;
  from: number;
  /** What its kept lines cost. */
  bytes: number;
}

/**
 * Recent output of a run, bounded by line count and by size: output with no newlines would
 * otherwise fill memory with a few huge lines. Lines are kept in the batches they came in, so a
 * flood costs no object per line; line objects are made when the lines are asked for.
 */
export class OutputRing {
  /** Oldest first from `head`; compacted once the dropped part is the larger. */
  private entries: (Entry | undefined)[] = [];
  private head = 0;
  private count = 0;
  private bytes = 0;
  /** Lines pushed out to keep within the limits. */
  dropped = 0;

  constructor(private readonly limits: RingLimits = DEFAULT_RING_LIMITS) {}

  push(line: OutputLine): void {
    this.pushBatch(LineBatch.of([line]));
  }

  /**
   * Adds the batch's lines after the kept ones: the same lines are kept as if they were pushed
   * one by one (the newest that fit both limits, and always the newest line).
   */
  pushBatch(batch: LineBatch): void {
    const n = batch.length;
    if (n === 0) return;
    this.entries.push({ batch, from: 0, bytes: batch.totalChars * 2 });
    this.count += n;
    this.bytes += batch.totalChars * 2;
    // Past the line bound, the oldest lines go in one step per batch: the same ones as one by one.
    for (let excess = this.count - this.limits.maxLines; excess > 0; ) {
      const oldest = this.entries[this.head]!;
      const kept = oldest.batch.length - oldest.from;
      const drop = Math.min(excess, kept);
      let bytes = oldest.bytes;
      if (drop < kept) bytes = oldest.batch.charsIn(oldest.from, oldest.from + drop) * 2;
      this.count -= drop;
      this.bytes -= bytes;
      this.dropped += drop;
      excess -= drop;
      oldest.bytes -= bytes;
      oldest.from += drop;
      if (oldest.from === oldest.batch.length) this.entries[this.head++] = undefined;
    }
    while (this.over(0, 0)) {
      // A flood pushes out whole batches: one step each, when even its last line would have to go.
      const oldest = this.entries[this.head]!;
      const rest = oldest.batch.length - oldest.from - 1;
      if (rest > 0 && this.over(rest, oldest.bytes - oldest.batch.chars(oldest.batch.length - 1) * 2)) {
        this.count -= rest + 1;
        this.bytes -= oldest.bytes;
        this.dropped += rest + 1;
        this.entries[this.head++] = undefined;
      } else this.evictOldest();
    }
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.count;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** The kept lines, oldest first; at most `last` of them when given. */
  toArray(last = this.count): OutputLine[] {
    let skip = this.count - Math.min(last, this.count);
    const out: OutputLine[] = [];
    for (let e = this.head; e < this.entries.length; e++) {
      const { batch, from } = this.entries[e]!;
      const kept = batch.length - from;
      if (skip >= kept) {
        skip -= kept;
        continue;
      }
      const lines = batch.toArray();
      for (let i = from + skip; i < lines.length; i++) out.push(lines[i]);
      skip = 0;
    }
    return out;
  }

  /** Whether the ring would be over its limits with `lines` fewer lines, `bytes` fewer bytes. */
  private over(lines: number, bytes: number): boolean {
    const count = this.count - lines;
    return count > this.limits.maxLines || (this.bytes - bytes > this.limits.maxBytes && count > 1);
  }

  private evictOldest(): void {
    const entry = this.entries[this.head]!;
    const bytes = entry.batch.chars(entry.from) * 2;
    entry.bytes -= bytes;
    this.bytes -= bytes;
    this.count--;
    this.dropped++;
    if (++entry.from === entry.batch.length) this.entries[this.head++] = undefined;
  }
}
