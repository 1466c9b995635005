/** Comparisons a matcher makes at most: long runs of one repeated line cannot stall the host. */
const WORK_BUDGET = 20_000_000;

/** One stream's lines of the file's tail, and how far the replay's lines of that stream matched them. */
class StreamOverlap {
  /** Start positions in the tail whose lines the replay matched so far; undefined before its first line. */
  private alive: number[] | undefined;
  /** The longest overlap seen through to the tail's end. */
  best = 0;
  seen = 0;
  work = 0;

  constructor(private readonly tail: readonly string[]) {}

  get decided(): boolean {
    return this.tail.length === 0 || this.alive?.length === 0;
  }

  step(key: string): void {
    const n = this.tail.length;
    const m = this.seen++;
    const candidates = this.alive ?? this.tail.map((_, j) => j);
    this.work += candidates.length;
    const next: number[] = [];
    for (const j of candidates) {
      if (this.tail[j + m] !== key) continue;
      if (j + m + 1 === n) this.best = Math.max(this.best, n - j);
      else next.push(j);
    }
    this.alive = next;
  }
}

/**
 * Finds where a replay of a run's recent output (docs/sessions.md) goes on from what a log file
 * already holds: per stream, the longest run of the file's last lines that the replay begins
 * with, the lines the previous window wrote before it went. Streams are matched apart, since a
 * window may log two lines of different streams in the other order. Lines are fed as they come
 * and held until that is decided: `push` and `finish` give back, in order, what is left to write.
 * Lines without a stream (our own) never match and are kept.
 */
export class ReplayOverlap<T> {
  private readonly streams = new Map<string, StreamOverlap>();
  private held: { item: T; stream: StreamOverlap | undefined; index: number }[] = [];
  private decided = false;

  /** `tails`: the file's last lines per stream, oldest first. */
  constructor(tails: ReadonlyMap<string, readonly string[]>) {
    for (const [stream, tail] of tails) this.streams.set(stream, new StreamOverlap(tail));
    this.decided = this.allDecided();
  }

  get done(): boolean {
    return this.decided;
  }

  push(item: T, stream: string | undefined, text: string): T[] {
    if (this.decided) return [item];
    const overlap = stream === undefined ? undefined : this.streams.get(stream);
    this.held.push({ item, stream: overlap, index: overlap?.seen ?? 0 });
    if (!overlap || overlap.decided) return [];
    overlap.step(text);
    const work = [...this.streams.values()].reduce((sum, s) => sum + s.work, 0);
    return this.allDecided() || work > WORK_BUDGET ? this.finish() : [];
  }

  /** Decides with what is known: an overlap not seen through to the tail's end does not count. */
  finish(): T[] {
    this.decided = true;
    const left = this.held.filter((h) => !h.stream || h.index >= h.stream.best).map((h) => h.item);
    this.held = [];
    return left;
  }

  private allDecided(): boolean {
    return [...this.streams.values()].every((s) => s.decided);
  }
}
