import { formatDuration } from '../../core/duration';
import { ProcessError } from '../../core/errors';
import type { ProcessSpec } from '../../core/types';
import { killTree, type KillTreeOptions, type KillTreeResult } from '../../platform/killTree';
import type { LaunchedProcess } from '../../platform/launcher';
import { isGone, type ProcessTable, type ProcStat } from '../../platform/procfs';
import { stillRunning, type ProcessRecord } from '../../platform/records';

/** How long a stop waits for the launcher's exit report once every process is gone: a stuck launcher may never send it. */
const EXIT_REPORT_MS = 1000;

/** What taking down a run's process tree needs from the run. */
export interface RunTree {
  pid(): number | null;
  adoptedFrom: ProcessRecord | undefined;
  table: ProcessTable;
  /** What killTree needs to know the run's tree, and to tell it from a stranger's. */
  treeOf(pid: number): Omit<KillTreeOptions, 'graceMs'>;
  remember(procs: ProcStat[]): void;
  system(text: string): void;
  leaderExited(): void;
}

/**
 * The signalling part of a stop: resolves with whether SIGKILL was needed and the timer that
 * stands in for the launcher's exit report (to clear once the leader is gone).
 */
export async function killForStop(run: RunTree, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ forced: boolean; reportWait: NodeJS.Timeout | undefined }> {
  let forced = false;
  let reportWait: NodeJS.Timeout | undefined;
  if (run.adoptedFrom && !stillRunning(run.table, run.adoptedFrom)) {
    // Gone already, or its pid now belongs to someone else: never signal it.
    run.leaderExited();
  } else if (run.pid() !== null) {
    const result = await killTree({ ...run.treeOf(run.pid()!), graceMs, signal });
    run.remember(result.tree);
    forced = result.forced;
    if (result.survivors.length > 0) {
      run.system(`Could not confirm these processes gone: ${result.survivors.join(', ')}.`);
    } else if (isGone(run.table, run.pid()!)) {
      // Every process is gone: the exit report adds only the status, and a stuck launcher never sends it.
      reportWait = setTimeout(() => run.leaderExited(), EXIT_REPORT_MS);
    }
  }
  // An adopted process is not our child: no exit event comes, killTree's wait is the proof.
  if (run.adoptedFrom) run.leaderExited();
  return { forced, reportWait };
}

/** The leader ended by itself: waits for a kill we started, then takes down what it left in its group. */
export async function sweepAfterLeader(run: RunTree, forcedKill: Promise<KillTreeResult> | undefined, isService: boolean): Promise<void> {
  const forcedTree = (await forcedKill)?.tree ?? [];
  if (run.pid() !== null) {
    // Services are where daemons hide; a job's exit stays cheap unless its group lingers.
    const swept = await killTree({ ...run.treeOf(run.pid()!), graceMs: 1000, leaderExited: true, sweep: isService });
    run.remember([...forcedTree, ...swept.tree]);
  }
}

/** Polls for the end of an adopted process (no exit event comes for it); `onGone` runs once. */
export function whenGone(table: ProcessTable, record: ProcessRecord, onGone: () => void): NodeJS.Timeout {
  const poll = setInterval(() => {
    if (stillRunning(table, record)) return;
    clearInterval(poll);
    onGone();
  }, 500);
  poll.unref();
  return poll;
}

/** Resolves once the launcher confirmed or refused the spawn. */
export function spawnSettled(child: LaunchedProcess): Promise<void> {
  return new Promise((resolve) => {
    child.onSpawn(resolve);
    child.onError(() => resolve());
  });
}

/** A start confirmed after its attempt was given up: the process is taken down at once. */
export function killWhenConfirmed(child: LaunchedProcess, table: ProcessTable, system: (text: string) => void): void {
  child.onSpawn(() => {
    if (child.pid === undefined) return;
    system(`A start confirmed after the attempt ended (pid ${child.pid}); stopping it.`);
    void killTree({ pid: child.pid, graceMs: 0, table });
  });
}

/**
 * The timer of a definition's `timeoutMs`, undefined when it has none. It counts from the start
 * request: a launcher that never confirms the start cannot stop it.
 */
export function attemptTimeout(spec: Pick<ProcessSpec, 'name' | 'timeoutMs'>, onTimeout: (error: ProcessError) => void): NodeJS.Timeout | undefined {
  if (spec.timeoutMs === undefined) return undefined;
  const ms = spec.timeoutMs;
  return setTimeout(() => onTimeout(new ProcessError('timeout', `"${spec.name}" timed out after ${formatDuration(ms)}.`)), ms);
}
