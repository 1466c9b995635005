/** What the scheduler and pool report: counts since the engine started, and now. */
export interface EngineMetrics {
  /** Runs that ended completed. */
  completed: number;
  /** Runs that ended failed (timed-out runs included). */
  failed: number;
  /** Attempts that were killed for running past their timeout. */
  timedOut: number;
  /** Automatic retries started. */
  retried: number;
  /** Over the last finished runs, from the start of their last attempt to their end. */
  avgDurationMs: number | null;
  p95DurationMs: number | null;
  /** Processes spawned (one per attempt). */
  created: number;
  /** Processes that ended. */
  destroyed: number;
  /** Runs with a live process now. */
  active: number;
  /** Runs waiting in the queue now. */
  queued: number;
  maxConcurrent: number;
  /** The next time a delayed or backing-off run is due; null when none is. */
  nextStartAt: number | null;
}

/** Keeps the last durations for the average and the 95th percentile. */
export class DurationStats {
  private readonly values: number[] = [];

  constructor(private readonly keep = 1000) {}

  add(ms: number): void {
    this.values.push(ms);
    if (this.values.length > this.keep) this.values.shift();
  }

  average(): number | null {
    if (this.values.length === 0) return null;
    return Math.round(this.values.reduce((a, b) => a + b, 0) / this.values.length);
  }

  p95(): number | null {
    if (this.values.length === 0) return null;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
  }
}
