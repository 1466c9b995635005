import { descendantsOf, entryMatcher, groupMembers, isGone, type ProcessTable, type ProcStat } from './procfs';
import { environHas, processesWithEnv } from './processes';

export interface KillTreeOptions {
  /** The group leader: the process we spawned. */
  pid: number;
  /** Milliseconds between the first signal and SIGKILL. */
  graceMs: number;
  /** The first signal to the group and the tree (the program's own way to stop); default SIGTERM. */
  signal?: NodeJS.Signals;
  table: ProcessTable;
  /** How often to look whether everything is gone. */
  pollMs?: number;
  /** Only sweep what is left of the group and its descendants (the leader already exited). */
  leaderExited?: boolean;
  /**
   * NAME=value every process of the run inherits: proves the group is still ours once its leader
   * is gone, and (unless `sweep` is false) finds double-forked daemons anywhere on the machine.
   */
  envMarker?: string;
  /** Look for processes with `envMarker` outside the group and tree too; default true. */
  sweep?: boolean;
  /** The leader's start time as recorded: a leader pid with another start time is a stranger. */
  startTime?: number;
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
function collect(table: ProcessTable, roots: ProcStat[], group: GroupOwner, into: Map<number, ProcStat>): void {
  // Read once, and only when needed: after a leader's own exit there is often nothing to look at.
  let all: ProcStat[] | undefined;
  const everyone = () => (all ??= table.all());
  if (group.ours(everyone)) for (const stat of groupMembers(table, group.pgid, everyone())) into.set(stat.pid, stat);
  for (const root of [...roots, ...into.values()]) {
    if (goneOrReused(table, root)) continue;
    for (const child of descendantsOf(table, root.pid, everyone())) into.set(child.pid, child);
  }
}

/**
 * Tells whether a process group is still the one we made: its pgid is free for reuse once the
 * group empties, and a stranger's new group may then carry it. Ours while the leader with its
 * recorded start time exists (a zombie leader still holds the pgid), or while a member carries
 * the run's marker.
 */
class GroupOwner {
  private readonly matches: ((environ: Buffer) => boolean) | undefined;

  constructor(
    private readonly table: ProcessTable,
    readonly pgid: number,
    private readonly leaderStart: number | undefined,
    marker: string | undefined,
  ) {
    this.matches = marker === undefined ? undefined : entryMatcher(marker);
  }

  ours(all: () => ProcStat[] = () => this.table.all()): boolean {
    // Cheap first: an empty group has no one to signal, ours or not.
    if (!groupExists(this.pgid)) return false;
    if (this.leaderStart !== undefined && this.table.stat(this.pgid)?.startTime === this.leaderStart) return true;
    const matches = this.matches;
    if (!matches) return false;
    return groupMembers(this.table, this.pgid, all()).some((m) => environHas(m.pid, matches));
  }
}

/**
 * Sends one signal to a process group, only while it is provably the one we made (see GroupOwner);
 * true when it was sent.
 */
export function signalGroup(opts: Pick<KillTreeOptions, 'pid' | 'table' | 'startTime' | 'envMarker'>, sig: NodeJS.Signals): boolean {
  const owner = new GroupOwner(opts.table, opts.pid, opts.startTime ?? opts.table.stat(opts.pid)?.startTime, opts.envMarker);
  if (!owner.ours()) return false;
  signal(-opts.pid, sig);
  return true;
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
 * Takes a whole process tree down: SIGTERM (or `signal`) to the group and to every descendant
 * recorded before the first signal, SIGKILL to whatever is left after the grace period, and resolves once every
 * one of them is gone (zombies count as gone).
 */
export async function killTree(opts: KillTreeOptions): Promise<KillTreeResult> {
  const { pid, table } = opts;
  const pollMs = opts.pollMs ?? 10;
  const sweep = opts.envMarker !== undefined && opts.sweep !== false;
  // The common case after a natural exit: the group is already empty, so skip reading /proc.
  if (opts.leaderExited && !groupExists(pid) && !sweep) return { forced: false, survivors: [], tree: [] };
  const targets = new Map<number, ProcStat>();
  const leader = table.stat(pid);
  const leaderStart = opts.startTime ?? (opts.leaderExited ? undefined : leader?.startTime);
  // A leader pid with another start time was reused: that process and its children are not ours.
  const ownLeader = leader && !opts.leaderExited && leader.startTime === leaderStart ? leader : undefined;
  if (ownLeader) targets.set(pid, ownLeader);
  const roots = ownLeader ? [ownLeader] : [];
  const group = new GroupOwner(table, pid, leaderStart, opts.envMarker);
  collect(table, roots, group, targets);

  const alive = () => [...targets.values()].filter((s) => !goneOrReused(table, s));
  const send = (sig: NodeJS.Signals) => {
    // Checked before every signal to the group: it may have emptied and its pgid been reused.
    if (group.ours()) signal(-pid, sig);
    for (const stat of alive()) signal(stat.pid, sig);
  };

  send(opts.signal ?? 'SIGTERM');
  // After the group's first signal, so the common case does not wait for this slower scan.
  if (sweep) signalTagged(opts.envMarker!, table, targets);
  const deadline = Date.now() + opts.graceMs;
  let collectedAt = Date.now();
  // Most trees go within milliseconds of SIGTERM: look again soon (cheaply: the known pids), then
  // every pollMs; the whole table is read at most every pollMs, and once more to confirm.
  // (Not kill(-pgid, 0): a zombie nobody has reaped yet still counts as a member of its group.)
  for (let wait = 1; Date.now() < deadline; wait = Math.min(wait * 2, pollMs)) {
    if (Date.now() - collectedAt >= pollMs) {
      // Children forked between polls are recorded too, so a fork loop cannot outrun us.
      collect(table, roots, group, targets);
      collectedAt = Date.now();
    }
    if (alive().length === 0) {
      // A last full look, for anything that left the group since the previous one.
      collect(table, roots, group, targets);
      if (alive().length === 0) return { forced: false, survivors: [], tree: [...targets.values()] };
    }
    await sleep(Math.min(wait, Math.max(1, deadline - Date.now())));
  }

  for (let round = 0; round < 50; round++) {
    collect(table, roots, group, targets);
    const left = alive();
    if (left.length === 0) return { forced: true, survivors: [], tree: [...targets.values()] };
    if (group.ours()) signal(-pid, 'SIGKILL');
    for (const stat of left) signal(stat.pid, 'SIGKILL');
    await sleep(pollMs);
  }
  return { forced: true, survivors: alive().map((s) => s.pid), tree: [...targets.values()] };
}
