import type { LineBatch } from '../platform/lineBatch';
import type { OutputLine } from '../platform/outputRing';
import type { Launcher } from '../platform/launcher';
import type { ProcessTable } from '../platform/procfs';
import type { RecordStore } from '../platform/records';
import type { Priority } from '../core/types';
import type { RunExtras } from './run/runExtras';
import type { FileWatcherFactory, WatchTimings } from './watch/watchTypes';

export interface EngineOptions {
  launcher?: Launcher;
  table?: ProcessTable;
  /** Grace between SIGTERM and SIGKILL when stopping. */
  stopTimeoutMs?: number;
  /** Running job attempts at once; default the number of cores, at least 2. */
  maxConcurrent?: number;
  /** The environment runs inherit (less the editor's own variables), read once when the engine is made. */
  hostEnv?: Record<string, string | undefined>;
  now?: () => number;
  /** In [0, 1); spreads retry delays (jitter). */
  random?: () => number;
  /** Finished runs kept per definition (and for ad-hoc commands together). */
  historyPerDefinition?: number;
  /** Working directory of ad-hoc command lines. */
  defaultCwd?: string;
  /** Where running processes are written down, so a later window can adopt or stop them. */
  records?: RecordStore;
  /**
   * The longest a start waits for the previous process tree of its definition to be reaped (a
   * zombie still passes kill(pid, 0)); then it starts anyway and says so. 0 never waits.
   */
  reapWaitMs?: number;
  /** Gives the file watchers of services with `watch`; without it nothing is watched. */
  fileWatcher?: FileWatcherFactory;
  /** Loop detection and readiness bounds of watch restarts (see WatchTimings). */
  watchTimings?: Partial<WatchTimings>;
}

export interface OutputEvent {
  id: string;
  name: string;
  /** From a typed command line: `name` is the command line. */
  adhoc?: boolean;
  instance: number;
  lines: OutputLine[];
  /**
   * The same lines as one batch, when the engine emitted them: a listener that reads this instead
   * of `lines` costs no object per line. Absent in events made elsewhere.
   */
  batch?: LineBatch;
  /**
   * The lines were read back from a log file (an adopted run's earlier output), not from the
   * process now: they are shown, but not logged or counted again.
   */
  restored?: boolean;
}

/** Text as a process wrote it (colours and cursor movement kept), as it arrives: what a terminal view shows. */
export interface WriteEvent {
  id: string;
  name: string;
  adhoc?: boolean;
  instance: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface SpawnOptions {
  /** Overrides the definition's priority for this run. */
  priority?: Priority;
  /** Start no sooner than this many milliseconds from now. */
  delayMs?: number;
  /** Variables and arguments over the definition's, kept across the run's automatic restarts (a debug run). */
  extras?: RunExtras;
}

/** A run id, a definition name (its latest run) or anything with an `id`. */
export type RunTarget = string | { id: string };

