import type { Disposable } from '../../core/events';
import { LinuxProcessSource, type ProcessReading, type ProcessSource } from './procSource';

/** What one round measured of one root's process tree (the root and every descendant). */
export interface TreeUsage {
  root: number;
  /** False when the root is gone or a zombie; the other figures are then 0. */
  alive: boolean;
  /** Live processes in the tree, the root included. */
  processes: number;
  /** Over the time since the previous round (over the tree's lifetime on its first round); 100 = one core. */
  cpuPercent: number;
  /** Summed over the tree: pages shared between processes count once per process. */
  rssBytes: number;
  openFiles: number;
  threads: number;
  pids: number[];
}

/** Anything that measures process trees in rounds: the monitor takes this, so tests can fake it. */
export interface TreeSamplerLike {
  sample(roots: readonly number[]): Map<number, TreeUsage> | Promise<Map<number, TreeUsage>>;
  /** Nothing is tracked any more: let go of what is kept per process. */
  release?(): void;
  dispose?(): void;
}

export interface TreeSamplerOptions {
  source?: ProcessSource;
  /**
   * Every Nth round reads every process on the machine again; between them only new pids and the
   * trees are read. Default 60: pids are handed out in increasing order, so one freed and reused
   * between two rounds (the case a full scan catches) takes a wrap-around of the pid space.
   */
  fullScanEvery?: number;
  /** Open files are counted every Nth round (and for processes seen for the first time): fds change slowly. */
  openFilesEvery?: number;
  /** Milliseconds on a monotonic clock. */
  monotonicMs?: () => number;
}

interface Seen {
  startTime: number;
  cpuTicks: number;
  openFiles: number;
}

/** The parent of a process that is a zombie or could not be read: it has no children to find. */
const NO_PARENT = -1;

/**
 * Measures process trees in rounds. Descendants come from the parent pid of every process on the
 * machine, kept between rounds: a pid's parent only changes when it is re-parented to init (out of
 * any tree), so a round reads only the trees and the pids that appeared since the last one, and
 * reads everything again every `fullScanEvery` rounds to catch a pid reused in between.
 */
export class TreeSampler implements TreeSamplerLike, Disposable {
  private readonly source: ProcessSource;
  private readonly fullScanEvery: number;
  private readonly openFilesEvery: number;
  private readonly monotonicMs: () => number;
  /** The parent of every process on the machine, as last read. */
  private readonly parentOf = new Map<number, number>();
  /** parentOf turned around, kept in step with it: a round allocates little while no process comes or goes. */
  private readonly children = new Map<number, number[]>();
  /** The readings of one round, and the last round's `seen` to fill next: kept, not made anew each round. */
  private readonly fresh = new Map<number, ProcessReading>();
  private spareSeen = new Map<number, Seen>();
  /** Parents the trees' own reads found this round, pid and parent in turn (see readMember). */
  private readonly movedParents: number[] = [];
  /** A tree's pids, filled again for each root (see treeOf). */
  private readonly treePids: number[] = [];
  private readonly treeVisited = new Set<number>();
  /** The processes of the trees of the last round. */
  private seen = new Map<number, Seen>();
  private lastRoots = new Set<number>();
  private lastRoundMs: number | undefined;
  private lastUptime: number | undefined;
  private round = 0;

  constructor(options: TreeSamplerOptions = {}) {
    this.source = options.source ?? new LinuxProcessSource();
    this.fullScanEvery = Math.max(1, options.fullScanEvery ?? 60);
    this.openFilesEvery = Math.max(1, options.openFilesEvery ?? 5);
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
  }

  /** One round for these roots. A process that vanishes mid-round is left out; nothing throws for it. */
  sample(roots: readonly number[]): Map<number, TreeUsage> {
    const nowMs = this.monotonicMs();
    const uptime = this.source.uptimeTicks();
    const fresh = this.fresh;
    fresh.clear();
    this.refreshParents(fresh);
    const children = this.children;
    const elapsedS = this.lastRoundMs === undefined ? 0 : (nowMs - this.lastRoundMs) / 1000;
    const countFiles = this.round % this.openFilesEvery === 0;
    const seenNow = this.spareSeen;
    seenNow.clear();
    const out = new Map<number, TreeUsage>();

    for (const root of roots) {
      const usage: TreeUsage = { root, alive: false, processes: 0, cpuPercent: 0, rssBytes: 0, openFiles: 0, threads: 0, pids: [] };
      out.set(root, usage);
      let ticks = 0;
      let lifetimeTicks = 0;
      let rootStart = 0;
      for (const pid of this.treeOf(root, children)) {
        const reading = this.readMember(pid, fresh);
        if (!reading || !isLive(reading)) {
          if (pid === root) break; // a zombie or vanished root: its tree is gone with it
          continue;
        }
        if (pid === root) rootStart = reading.startTime;
        const before = this.seen.get(pid);
        const same = before !== undefined && before.startTime === reading.startTime;
        const openFiles = countFiles || !same ? this.source.openFiles(pid) ?? (same ? before.openFiles : 0) : before.openFiles;
        ticks += this.ticksSince(reading, same ? before : undefined, uptime);
        // Unchanged (an idle process), the same object is kept; never changed in place, since a pid
        // in two trees is read twice in one round against the last round's figures.
        const unchanged = same && before.cpuTicks === reading.cpuTicks && before.openFiles === openFiles;
        seenNow.set(pid, unchanged ? before : { startTime: reading.startTime, cpuTicks: reading.cpuTicks, openFiles });
        lifetimeTicks += reading.cpuTicks;
        usage.alive = true;
        usage.processes++;
        usage.rssBytes += reading.rssBytes;
        usage.threads += reading.threads;
        usage.openFiles += openFiles;
        usage.pids.push(pid);
      }
      if (usage.alive) usage.cpuPercent = this.percent(root, ticks, elapsedS, lifetimeTicks, uptime === undefined ? 0 : uptime - rootStart);
    }

    for (const pid of this.seen.keys()) if (!seenNow.has(pid)) this.source.unwatch(pid);
    this.spareSeen = this.seen;
    this.seen = seenNow;
    fresh.clear();
    for (let i = 0; i < this.movedParents.length; i += 2) this.setParent(this.movedParents[i], this.movedParents[i + 1]);
    this.movedParents.length = 0;
    this.lastRoots.clear();
    for (const usage of out.values()) if (usage.alive) this.lastRoots.add(usage.root);
    this.lastRoundMs = nowMs;
    this.lastUptime = uptime;
    this.round++;
    return out;
  }

  /** Releases every kept handle and forgets every baseline; the machine's parent pids stay known. */
  release(): void {
    for (const pid of this.seen.keys()) this.source.unwatch(pid);
    this.seen.clear();
    this.spareSeen.clear();
    this.lastRoots.clear();
  }

  dispose(): void {
    this.release();
    this.parentOf.clear();
    this.children.clear();
    this.source.dispose();
  }

  /** Reads the pids that are new since the last round (every pid on a full scan) and forgets the gone ones. */
  private refreshParents(fresh: Map<number, ProcessReading>): void {
    const pids = this.source.pids();
    if (pids.length !== this.parentOf.size || pids.some((pid) => !this.parentOf.has(pid))) {
      const present = new Set(pids);
      for (const pid of this.parentOf.keys()) if (!present.has(pid)) this.setParent(pid, undefined);
    }
    const full = this.round % this.fullScanEvery === 0;
    for (const pid of pids) {
      if (!full && this.parentOf.has(pid)) continue;
      const reading = this.source.read(pid, this.seen.has(pid));
      if (reading) fresh.set(pid, reading);
      this.setParent(pid, reading && isLive(reading) ? reading.ppid : NO_PARENT);
    }
  }

  /** Notes a pid's parent (undefined: the pid is gone), in parentOf and in children. */
  private setParent(pid: number, ppid: number | undefined): void {
    const before = this.parentOf.get(pid);
    if (before === ppid) return;
    if (before !== undefined && before !== NO_PARENT) {
      const siblings = this.children.get(before);
      const at = siblings?.indexOf(pid) ?? -1;
      if (at >= 0) siblings!.splice(at, 1);
      if (siblings?.length === 0) this.children.delete(before);
    }
    if (ppid === undefined) {
      this.parentOf.delete(pid);
      return;
    }
    this.parentOf.set(pid, ppid);
    if (ppid === NO_PARENT) return;
    const siblings = this.children.get(ppid);
    if (siblings) siblings.push(pid);
    else this.children.set(ppid, [pid]);
  }

  /** The root, then its descendants, depth first; the array is reused by the next call. */
  private treeOf(root: number, children: Map<number, number[]>): readonly number[] {
    const out = this.treePids;
    const visited = this.treeVisited;
    out.length = 0;
    visited.clear();
    const stack = [root];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      if (visited.has(pid)) continue;
      visited.add(pid);
      out.push(pid);
      const below = children.get(pid);
      if (below) for (const child of below) stack.push(child);
    }
    return out;
  }

  private readMember(pid: number, fresh: Map<number, ProcessReading>): ProcessReading | undefined {
    let reading = fresh.get(pid);
    if (!reading) {
      reading = this.source.read(pid, true);
      if (reading) fresh.set(pid, reading);
    }
    // Applied after the round: the trees of one round come from one view of the parents, so no process counts in two.
    if (reading) this.movedParents.push(pid, isLive(reading) ? reading.ppid : NO_PARENT);
    return reading;
  }

  /** CPU ticks a process used since the last round; a process born since then counts in full. */
  private ticksSince(reading: ProcessReading, before: Seen | undefined, uptime: number | undefined): number {
    if (before) return Math.max(0, reading.cpuTicks - before.cpuTicks);
    const bornSinceLastRound = this.lastUptime !== undefined && uptime !== undefined && reading.startTime >= this.lastUptime;
    return bornSinceLastRound ? reading.cpuTicks : 0;
  }

  private percent(root: number, ticks: number, elapsedS: number, lifetimeTicks: number, lifetime: number): number {
    if (this.lastRoots.has(root) && elapsedS > 0) return (ticks / this.source.ticksPerSecond / elapsedS) * 100;
    // First sight of this tree: the average over its lifetime (in ticks), as `ps` shows it.
    return lifetime > 0 ? (lifetimeTicks / lifetime) * 100 : 0;
  }
}

function isLive(reading: ProcessReading): boolean {
  return reading.state !== 'Z' && reading.state !== 'X';
}
