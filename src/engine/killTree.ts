import { descendantsOf, groupMembers, isGone, processesWithEnv, type ProcessTable, type ProcStat } from './procfs';

export interface KillTreeOptions {
  /** The group leader: the process we spawned. */
  pid: number;
  /** Milliseconds between SIGTERM and SIGKILL. */
  graceMs: number;
  table: ProcessTable;
  /** How often to look whether everything is gone. */
  pollMs?: number;
  /** Only sweep what is left of the group and its descendants (the leader already exited). */
  leaderExited?: boolean;
  /** NAME=value every process of the run inherits: finds double-forked daemons too. */
  envMarker?: string;
}

export interface KillTreeResult {
  /** True when SIGTERM was not enough. */
  forced: boolean;
  /** Pids still present after SIGKILL and the final wait (should be empty). */
  survivors: number[];
  /** Every process that was taken down, as recorded before its signal. */
  tree: ProcStat[];
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone, or not ours any more: nothing to do.
  }
}

/**
 * Processes to take down: the group, plus descendants that left it (setsid, a new group).
 * Descendants are only followed from processes whose start time still matches, so a reused pid
 * never leads us to a stranger's children.
 */
function collect(table: ProcessTable, roots: ProcStat[], pgid: number, into: Map<number, ProcStat>): void {
  const all = table.all();
  for (const stat of groupMembers(table, pgid, all)) into.set(stat.pid, stat);
  for (const root of [...roots, ...into.values()]) {
    if (goneOrReused(table, root)) continue;
    for (const child of descendantsOf(table, root.pid, all)) into.set(child.pid, child);
  }
}

/** Some process, a zombie included, is still in the group. */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A pid we recorded is gone, or now belongs to a different process (reused pid). */
function goneOrReused(table: ProcessTable, stat: ProcStat): boolean {
  if (isGone(table, stat.pid)) return true;
  return table.stat(stat.pid)?.startTime !== stat.startTime;
}

/** Adds and signals (SIGTERM) every process that carries the run's marker and is not a target yet. */
function signalTagged(marker: string, table: ProcessTable, targets: Map<number, ProcStat>): void {
  for (const tagged of processesWithEnv(marker)) {
    const stat = table.stat(tagged);
    if (!stat || targets.has(tagged)) continue;
    targets.set(tagged, stat);
    signal(tagged, 'SIGTERM');
  }
}

// Not unref'd: a stop in progress is bounded work that must finish even in a process with nothing else to do.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes a whole process tree down: SIGTERM to the group and to every descendant recorded before
 * the first signal, SIGKILL to whatever is left after the grace period, and resolves once every
 * one of them is gone (zombies count as gone).
 */
export async function killTree(opts: KillTreeOptions): Promise<KillTreeResult> {
  const { pid, table } = opts;
  const pollMs = opts.pollMs ?? 10;
  // The common case after a natural exit: the group is already empty, so skip reading /proc.
  if (opts.leaderExited && !groupExists(pid) && !opts.envMarker) return { forced: false, survivors: [], tree: [] };
  const targets = new Map<number, ProcStat>();
  const leader = table.stat(pid);
  if (leader && !opts.leaderExited) targets.set(pid, leader);
  const roots = leader && !opts.leaderExited ? [leader] : [];
  collect(table, roots, pid, targets);

  const alive = () => [...targets.values()].filter((s) => !goneOrReused(table, s));
  const send = (sig: NodeJS.Signals) => {
    signal(-pid, sig);
    for (const stat of alive()) signal(stat.pid, sig);
  };

  send('SIGTERM');
  // After the group's SIGTERM, so the common case does not wait for this slower scan.
  if (opts.envMarker !== undefined) signalTagged(opts.envMarker, table, targets);
  const deadline = Date.now() + opts.graceMs;
  let collectedAt = Date.now();
  // Most trees go within milliseconds of SIGTERM: look again soon (cheaply: the known pids), then
  // every pollMs; the whole table is read at most every pollMs, and once more to confirm.
  // (Not kill(-pgid, 0): a zombie nobody has reaped yet still counts as a member of its group.)
  for (let wait = 1; Date.now() < deadline; wait = Math.min(wait * 2, pollMs)) {
    if (Date.now() - collectedAt >= pollMs) {
      // Children forked between polls are recorded too, so a fork loop cannot outrun us.
      collect(table, roots, pid, targets);
      collectedAt = Date.now();
    }
    if (alive().length === 0) {
      // A last full look, for anything that left the group since the previous one.
      collect(table, roots, pid, targets);
      if (alive().length === 0) return { forced: false, survivors: [], tree: [...targets.values()] };
    }
    await sleep(Math.min(wait, Math.max(1, deadline - Date.now())));
  }

  for (let round = 0; round < 50; round++) {
    collect(table, roots, pid, targets);
    const left = alive();
    if (left.length === 0) return { forced: true, survivors: [], tree: [...targets.values()] };
    signal(-pid, 'SIGKILL');
    for (const stat of left) signal(stat.pid, 'SIGKILL');
    await sleep(pollMs);
  }
  return { forced: true, survivors: alive().map((s) => s.pid), tree: [...targets.values()] };
}
