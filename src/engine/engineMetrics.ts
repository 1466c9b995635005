import type { DurationStats, EngineMetrics } from './durationStats';
import type { Run } from './run/run';
import { isActive } from './run/stateMachine';

export interface MetricsInputs {
  runs: Iterable<Run>;
  counts: { completed: number; failed: number; timedOut: number; retried: number; created: number; destroyed: number };
  durations: DurationStats;
  queued: number;
  maxConcurrent: number;
  /** When the scheduler's next delayed run is due, if any. */
  nextDelayedStart: number | undefined;
}

/** The engine's counts since it started, and what runs and waits now. */
export function engineMetrics(inputs: MetricsInputs): EngineMetrics {
  const all = [...inputs.runs];
  const backoffs = all.filter((r) => r.state === 'backoff' && r.nextAttemptAt !== null).map((r) => r.nextAttemptAt!);
  const delayed = inputs.nextDelayedStart;
  const next = [...backoffs, ...(delayed === undefined ? [] : [delayed])];
  return {
    ...inputs.counts,
    avgDurationMs: inputs.durations.average(),
    p95DurationMs: inputs.durations.p95(),
    active: all.filter((r) => isActive(r.state)).length,
    queued: inputs.queued,
    maxConcurrent: inputs.maxConcurrent,
    nextStartAt: next.length > 0 ? Math.min(...next) : null,
  };
}
