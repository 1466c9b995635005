// No `vscode` import: unit-tested in plain Node with a fake clock.

/** The timer functions a Coalescer uses; tests pass fakes. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending redraw must not keep the extension host (or a test) alive.
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

/**
 * Turns a burst of pokes into one call of `flush`: the first poke schedules it `delayMs` later
 * (gathering what follows), and two flushes are never closer than `minIntervalMs`. So a source
 * firing 100 times a second costs at most 1000 / minIntervalMs flushes a second.
 */
export class Coalescer {
  private handle: unknown;
  private scheduled = false;
  private lastFlush = -Infinity;
  private disposed = false;

  constructor(
    private readonly flush: () => void,
    private readonly delayMs: number,
    private readonly minIntervalMs = 0,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Something changed: flush soon, unless a flush is already due. */
  poke(): void {
    if (this.scheduled || this.disposed) return;
    const now = this.timers.now();
    const at = Math.max(now + this.delayMs, this.lastFlush + this.minIntervalMs);
    this.scheduled = true;
    this.handle = this.timers.setTimeout(() => this.run(), at - now);
  }

  /** True while a flush is scheduled. */
  get pending(): boolean {
    return this.scheduled;
  }

  /** Drops a scheduled flush (e.g. nobody is looking any more). */
  cancel(): void {
    if (!this.scheduled) return;
    this.timers.clearTimeout(this.handle);
    this.scheduled = false;
  }

  dispose(): void {
    this.cancel();
    this.disposed = true;
  }

  private run(): void {
    this.scheduled = false;
    if (this.disposed) return;
    this.lastFlush = this.timers.now();
    this.flush();
  }
}
