import type { ErrorCode } from '../../core/errors';
import type { HealthState } from '../health/healthWatch';
import { specForInstance } from '../pool/replicas';
import type { Run } from './run';
import { portsOf } from './runPorts';
import type { WatchState } from '../watch/watchState';
import type { DependencyCondition, PortConflict, Priority, ProcessKind, ProcessSpec, RecoveryStrategy, RunState } from '../../core/types';

/** Why a queued run has not started yet. */
export type WaitReason =
  /** Its start was delayed (`delayMs`) until this time. */
  | { kind: 'delay'; until: number }
  /** Dependencies that have not reached their condition yet, in `dependsOn` order. */
  | { kind: 'dependency'; dependencies: { name: string; condition: DependencyCondition }[] }
  /** Every job slot is taken: its place in the queue and how many jobs hold a slot. */
  | { kind: 'slot'; position: number; running: number };

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
  /** Why a queued run waits; null when it is not queued (or is about to start). */
  waitingFor: WaitReason | null;
  /** When the last attempt's process exited; null while it runs or when none ran. */
  exitedAt: number | null;
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
  /** The last attempt failed on "address already in use", or its declared `port` was taken before the start: who holds the port. */
  portConflict: PortConflict | null;
  /** TCP ports (IPv4 and IPv6) its process tree listens on, sorted, as the monitor last read them; [] when none or not running. */
  ports: number[];
  /** The file the command resolved to on the run's PATH (e.g. /usr/bin/node); null when not found or not started. */
  executable: string | null;
  /** Something to know about a run that did not fail, e.g. a service that exited 0 at once. */
  hint: string | null;
  /** The current (or last) attempt runs on a pseudo-terminal (`tty: true`, and a pty could be had). */
  tty: boolean;
  /** The definition changed or was removed since this run started: restart to apply. */
  definitionStatus: 'current' | 'changed' | 'removed';
  /** Its definition's `watch`: what the last change did; null without `watch`. */
  watch: WatchState | null;
}

const keys = new WeakMap<ProcessSpec, string>();

/**
 * What makes two specs run alike, memoised per spec object (snapshots are taken on every change).
 * Limits apply live (the monitor reads them each round), and so does `watch`: neither needs a
 * restart; priority is compared on its own, so no key is built per snapshot.
 */
function specKey(spec: ProcessSpec): string {
  let key = keys.get(spec);
  if (key === undefined) keys.set(spec, (key = JSON.stringify({ ...spec, priority: undefined, limits: undefined, watch: undefined })));
  return key;
}

function runsAlike(current: ProcessSpec, running: ProcessSpec): boolean {
  return current === running || specKey(current) === specKey(running);
}

/**
 * What the editor and the API see of a run. `current` is its definition as the settings say now
 * (undefined when removed, or for an ad-hoc run), to tell whether the run is out of date.
 */
export function snapshotOf(run: Run, current: ProcessSpec | undefined, queuePosition: number | null, waitingFor: WaitReason | null = null, watch: WatchState | null = null): ProcessSnapshot {
  let definitionStatus: ProcessSnapshot['definitionStatus'] = 'current';
  if (!run.adhoc) {
    if (!current) definitionStatus = 'removed';
    else if (!runsAlike(specForInstance(current, run.instance), run.spec)) definitionStatus = 'changed';
  }
  return {
    id: run.id,
    name: run.spec.name,
    kind: run.spec.kind,
    state: run.state,
    pid: run.pid,
    exitCode: run.exitCode,
    signal: run.signal,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    restarts: run.restarts,
    attempts: run.attempts,
    error: run.error && { code: run.error.code, message: run.redact(run.error.message) },
    commandLine: run.commandLine,
    adhoc: run.adhoc,
    priority: run.spec.priority,
    instance: run.instance,
    queuePosition,
    waitingFor,
    exitedAt: run.exitedAt ?? null,
    nextAttemptAt: run.nextAttemptAt,
    ready: run.ready,
    health: run.healthState ? { ...run.healthState } : null,
    lastRecovery: run.lastRecovery,
    portConflict: run.portConflict,
    ports: portsOf(run),
    adopted: run.adoptedFrom !== undefined,
    executable: run.executable,
    hint: run.hint,
    tty: run.tty.active,
    definitionStatus,
    watch,
  };
}
