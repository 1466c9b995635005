import type { Event } from '../../core/events';

/** One sample of a run's whole process tree (the leader and every descendant). */
export interface RunSample {
  runId: string;
  name: string;
  /** Epoch milliseconds of the sampling round. */
  at: number;
  /** CPU over the last interval; 100 means one full core. */
  cpuPercent: number;
  /** Resident memory of the whole tree, bytes. */
  rssBytes: number;
  /** Open file descriptors of the whole tree. */
  openFiles: number;
  /** Threads of the whole tree. */
  threads: number;
  /** Processes in the tree. */
  processes: number;
  /** Output lines per second over the last interval (stdout and stderr). */
  linesPerSecond: number;
  /** stderr lines per minute over the last minute. */
  stderrPerMinute: number;
  /** Milliseconds since the run last wrote a line. */
  idleMs: number;
  /** Health probe latency of the last probe, when probes exist; null otherwise. */
  responseMs: number | null;
}

/** A run's samples, oldest first, plus its job counters. */
export interface RunHistory {
  runId: string;
  name: string;
  samples: RunSample[];
}

/** Thresholds are part of a definition, so their type lives with it. */

export type AlertType = 'memory' | 'cpu' | 'idle' | 'errorRate' | 'down' | 'hung';
export type AlertSeverity = 'info' | 'warning' | 'critical' | 'emergency';

/** One alert; at most one active per run and type. */
export interface Alert {
  id: string;
  runId: string;
  name: string;
  type: AlertType;
  severity: AlertSeverity;
  message: string;
  /** Epoch ms when raised. */
  at: number;
  resolved: boolean;
  resolvedAt: number | null;
}

/** Finished runs of one job definition since the monitor started. */
export interface JobCounts {
  /** Runs that ended `completed`. */
  succeeded: number;
  /** Runs that ended `failed` (after their retries); runs stopped by the user count in neither. */
  failed: number;
}

/** What the editor needs from the monitor; subscribing returns a disposable. */
export interface MonitorApi {
  /** One event per sampling round, with every tracked run's new sample. */
  onDidSample: Event<RunSample[]>;
  /** An alert was raised, or resolved (then `resolved` is true). */
  onDidAlert: Event<Alert>;
  /** The newest sample of a run. */
  latest(runId: string): RunSample | undefined;
  /** Bounded histories (at least 10 minutes at 1 Hz) of tracked and recently ended runs. */
  history(): RunHistory[];
  /** Active and recent alerts, newest first. */
  alerts(): Alert[];
}
