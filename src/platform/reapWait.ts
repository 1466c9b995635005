import { formatDuration } from '../core/duration';
import { groupExists } from './killTree';
import type { ProcessTable, ProcStat } from './procfs';

/** What is left of a process tree that ended: the processes we knew and its group. */
export interface EndedTree {
  /** The group the run's leader made (its pid). */
  pgid: number;
  /** Processes of the tree as they were recorded before they were signalled. */
  procs: readonly ProcStat[];
}

/** How one wait before a start went. */
export interface ReapWaitResult {
  /** Milliseconds spent waiting; 0 when nothing was left. */
  waitedMs: number;
  /** Pids still in the process table when the bound was reached (empty when all were reaped). */
  left: number[];
  /** Pids that were still there when the wait began. */
  seen: number[];
}

/**
 * Entries of an ended tree still in the process table: zombies nobody has reaped yet (a stop
 * counts them as gone). A recorded pid that now has another start time is someone else's.
 */
export function unreaped(table: ProcessTable, tree: EndedTree): number[] {
  const left = new Set<number>();
  for (const proc of tree.procs) {
    if (table.stat(proc.pid)?.startTime === proc.startTime) left.add(proc.pid);
  }
  // Members that died before we recorded them are found through their group, as zombies keep it
  // (only zombies: live members of a group are a later group that reuses the number).
  if (groupExists(tree.pgid)) {
    for (const stat of table.all()) if (stat.pgid === tree.pgid && stat.state === 'Z') left.add(stat.pid);
  }
  return [...left];
}

/**
 * Holds back the next start of a definition until its previous process tree has left the process
 * table. A tool that guards against a second copy of itself (a pid file checked with kill(pid, 0))
 * sees a zombie as alive and refuses to start; an init that reaps orphans late leaves zombies for
 * a while after a stop. The wait is bounded: past it the start goes ahead anyway.
 */
export class ReapGate {
  private readonly ended = new Map<string, EndedTree[]>();
  private readonly waits = new Map<string, Promise<ReapWaitResult>>();

  constructor(
    private readonly table: ProcessTable,
    /** The bound on one wait; 0 turns waiting off. */
    readonly timeoutMs: number,
    private readonly pollMs = 10,
  ) {}

  /** Notes a tree of `key` that ended; the next start of `key` waits for it. */
  remember(key: string, tree: EndedTree): void {
    if (this.timeoutMs <= 0) return;
    const list = this.ended.get(key);
    if (list) list.push(tree);
    else this.ended.set(key, [tree]);
  }

  /**
   * Looks at what the ended trees of `key` left, at once: undefined when they are all reaped (the
   * start goes ahead), else a wait for them that every start of `key` shares.
   */
  check(key: string): Promise<ReapWaitResult> | undefined {
    const trees = this.ended.get(key);
    if (!trees) return undefined;
    const inFlight = this.waits.get(key);
    if (inFlight) return inFlight;
    const leftOf = () => trees.flatMap((tree) => unreaped(this.table, tree));
    const seen = leftOf();
    if (seen.length === 0) {
      this.ended.delete(key);
      return undefined;
    }
    const wait = this.waitFor(leftOf, seen).finally(() => {
      this.ended.delete(key);
      this.waits.delete(key);
    });
    this.waits.set(key, wait);
    return wait;
  }

  private async waitFor(leftOf: () => number[], seen: number[]): Promise<ReapWaitResult> {
    const started = performance.now();
    let left = seen;
    while (left.length > 0 && performance.now() - started < this.timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, this.pollMs).unref());
      left = leftOf();
    }
    return { waitedMs: Math.round(performance.now() - started), left, seen };
  }
}

/** The output line about a wait before a start. */
export function describeReapWait(name: string, result: ReapWaitResult): string {
  const pids = (list: number[]) => `pid${list.length > 1 ? 's' : ''} ${list.join(', ')}`;
  if (result.left.length === 0) {
    return `Waited ${formatDuration(result.waitedMs)} for the previous processes of "${name}" to be reaped (${pids(result.seen)}) before starting.`;
  }
  return `Starting anyway: the previous processes of "${name}" were not reaped within ${formatDuration(result.waitedMs)} (${pids(result.left)} still listed, e.g. as zombies); a tool that checks for a running copy of itself may refuse to start.`;
}
