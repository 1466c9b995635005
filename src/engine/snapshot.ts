import type { ErrorCode } from './errors';
import type { HealthState } from './health/healthWatch';
import type { Priority, ProcessKind, RecoveryStrategy, RunState } from './types';

/** What the editor and the API see of a run. Times are epoch milliseconds; null means "not yet". */
export interface ProcessSnapshot {
  /** Opaque; stays the same across automatic retries and restarts. */
  id: string;
  /** The definition's name, or the command line for an ad-hoc run. */
  name: string;
  kind: ProcessKind;
  state: RunState;
  pid: number | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  startedAt: number | null;
  endedAt: number | null;
  /** Automatic restarts of a service within this run. */
  restarts: number;
  /** Attempts made so far, the first one included. */
  attempts: number;
  /** Why the run failed or ended, when it did not complete. */
  error: { code: ErrorCode; message: string } | null;
  /** The command line as it was started, for display. */
  commandLine: string;
  /** Started from a typed command line rather than a definition. */
  adhoc: boolean;
  priority: Priority;
  /** Replica index of a service (0, 1, ...); 0 for jobs. */
  instance: number;
  /** 1-based place in the start queue while queued; null otherwise. */
  queuePosition: number | null;
  /** When a run in backoff tries again; null otherwise. */
  nextAttemptAt: number | null;
  /** Running, and its readiness probe (if any) passed. */
  ready: boolean;
  /** Probe states while a process runs; null otherwise. */
  health: HealthState | null;
  /** The last thing recovery did for this run, and why. */
  lastRecovery: { strategy: RecoveryStrategy; reason: string; at: number } | null;
  /** Taken over from a previous window: no output is available for it. */
  adopted: boolean;
  /** The last attempt failed on "address already in use": who holds the port. */
  portConflict: PortConflict | null;
  /** The definition changed or was removed since this run started: restart to apply. */
  definitionStatus: 'current' | 'changed' | 'removed';
}

/** A port another process holds; `runId` is set when that process belongs to one of our runs. */
export interface PortConflict {
  port: number;
  pid: number;
  command: string;
  runId: string | null;
}
