import type { ProcessKind } from '../../core/types';
import type { Limits } from '../../core/types';
import type { AlertSeverity, RunSample } from './types';

/** The alert types a sample is checked against; `down` and `hung` come from run events instead. */
export type ThresholdType = 'memory' | 'cpu' | 'idle' | 'errorRate';

/**
 * One threshold. An alert is raised after `samplesToRaise` consecutive samples past the limit and
 * resolved after `samplesToResolve` consecutive samples below `resolveBelow` times the limit: the
 * gap between the two levels is the hysteresis that keeps a value hovering at the limit from flapping.
 */
export interface ThresholdRule {
  type: ThresholdType;
  /** The limit in the unit of `value`; undefined when none is set. */
  limit(limits: Limits): number | undefined;
  value(sample: RunSample): number;
  /** Past the limit: strictly above it, or (idle) at least it. */
  isPast(value: number, limit: number): boolean;
  resolveBelow: number;
  samplesToRaise: number;
  samplesToResolve: number;
  appliesTo(kind: ProcessKind): boolean;
  severity(value: number, limit: number): AlertSeverity;
  /** A sentence without the run's name: the editor shows the name beside it. */
  message(value: number, limit: number): string;
}

const MB = 1024 * 1024;
/** Memory this many times its limit is critical: the machine itself starts to suffer. */
export const MEMORY_CRITICAL_FACTOR = 1.5;
/** Below this fraction of the limit an alert resolves (memory, cpu, errorRate). */
export const RESOLVE_FRACTION = 0.9;
/** CPU must stay above its limit this many samples in a row before it alerts, and below it as long to resolve. */
export const CPU_SAMPLES = 3;

const above = (value: number, limit: number) => value > limit;
const everyKind = () => true;

export const THRESHOLD_RULES: readonly ThresholdRule[] = [
  {
    type: 'memory',
    limit: (l) => (l.maxMemoryMB === undefined ? undefined : l.maxMemoryMB * MB),
    value: (s) => s.rssBytes,
    isPast: above,
    resolveBelow: RESOLVE_FRACTION,
    samplesToRaise: 1,
    samplesToResolve: 1,
    appliesTo: everyKind,
    severity: (value, limit) => (value > limit * MEMORY_CRITICAL_FACTOR ? 'critical' : 'warning'),
    message: (value, limit) => `Uses ${megabytes(value)} of memory (whole process tree), over its limit of ${megabytes(limit)}.`,
  },
  {
    type: 'cpu',
    limit: (l) => l.maxCpuPercent,
    value: (s) => s.cpuPercent,
    isPast: above,
    resolveBelow: RESOLVE_FRACTION,
    samplesToRaise: CPU_SAMPLES,
    samplesToResolve: CPU_SAMPLES,
    appliesTo: everyKind,
    severity: () => 'warning',
    message: (value, limit) => `Uses ${Math.round(value)}% CPU (100% = one core), over its limit of ${limit}% for ${CPU_SAMPLES} samples in a row.`,
  },
  {
    type: 'idle',
    limit: (l) => l.maxIdleMs,
    value: (s) => s.idleMs,
    isPast: (value, limit) => value >= limit,
    // Any new line brings idleMs back near 0: resolving below the limit means "output resumed".
    resolveBelow: 1,
    samplesToRaise: 1,
    samplesToResolve: 1,
    // A job that prints nothing for a while is just working; a service that goes quiet may be stuck.
    appliesTo: (kind) => kind === 'service',
    severity: () => 'warning',
    message: (value, limit) => `No output for ${duration(value)} (limit ${duration(limit)}).`,
  },
  {
    type: 'errorRate',
    limit: (l) => l.maxErrorRate,
    value: (s) => s.stderrPerMinute,
    isPast: above,
    resolveBelow: RESOLVE_FRACTION,
    samplesToRaise: 1,
    samplesToResolve: 1,
    appliesTo: everyKind,
    severity: () => 'warning',
    message: (value, limit) => `Writes ${Math.round(value)} error lines (stderr) a minute, over its limit of ${limit}.`,
  },
];

/** Effective thresholds of a run: the definition's `limits` over the global `devProcesses.alerts`. */
export function mergeLimits(definition: Limits | undefined, global: Limits | undefined): Limits {
  const merged: Limits = { ...global };
  for (const [key, value] of Object.entries(definition ?? {})) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  return merged;
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / MB)} MiB`;
}

function duration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
