import { LsofPortScanner, lsofProcesses, treePorts } from '../../platform/posix/lsofPorts';
import { PortScanner } from '../../platform/ports';
import { usesPosixBackend } from '../../platform/processes';
import { parsePsTable, POSIX_TICKS_PER_SECOND, PS_TABLE_ARGS, type PsRow } from '../../platform/posix/psOutput';
import { runAsync } from '../../platform/posix/tools';
import type { LsofProcess } from '../../platform/posix/lsofOutput';
import type { ProcessReading, ProcessSource } from './procSource';
import { TreeSampler, type TreeSamplerLike, type TreeUsage } from './sampler';

/**
 * One `ps` listing served from memory. Threads: BSD ps has no per-process thread count, so each
 * process counts as one; open files come from lsof (see PosixTreeSampler), not from here.
 */
export class PsProcessSource implements ProcessSource {
  readonly ticksPerSecond = POSIX_TICKS_PER_SECOND;
  private rows = new Map<number, ProcessReading>();

  load(rows: readonly PsRow[]): void {
    this.rows = new Map(rows.map((row) => [row.pid, {
      pid: row.pid, ppid: row.ppid, state: row.state, startTime: row.startedAtS * POSIX_TICKS_PER_SECOND,
      cpuTicks: Math.round(row.cpuSeconds * POSIX_TICKS_PER_SECOND), rssBytes: row.rssKb * 1024, threads: 1,
    }]));
  }

  pids(): number[] {
    return [...this.rows.keys()];
  }

  read(pid: number): ProcessReading | undefined {
    return this.rows.get(pid);
  }

  openFiles(): number | undefined {
    return undefined;
  }

  unwatch(): void {}

  /** Start times are epoch based here, so "since boot" becomes "since the epoch". */
  uptimeTicks(): number {
    return Math.round((Date.now() / 1000) * POSIX_TICKS_PER_SECOND);
  }

  dispose(): void {}
}

export interface PosixTreeSamplerOptions {
  /** The ps listing (PS_TABLE_ARGS); default: runs ps. */
  readTable?: () => Promise<string | undefined>;
  /** lsof over the trees' processes; default: runs lsof. */
  readFiles?: (pids: readonly number[], files: boolean) => Promise<Map<number, LsofProcess>>;
  /** lsof runs every Nth round, and in a round where a tree has a new process; default 5. */
  lsofEvery?: number;
}

/**
 * Measures process trees where there is no /proc: one ps per round for the table, and one lsof
 * over the trees' processes for their open files and listening ports every `lsofEvery` rounds or
 * when a tree has a new process (lsof costs several times what ps does). `ports` hands the monitor
 * what the last lsof saw, so it runs none of its own.
 */
export class PosixTreeSampler implements TreeSamplerLike {
  private readonly source = new PsProcessSource();
  private readonly inner = new TreeSampler({ source: this.source, fullScanEvery: 1 });
  private readonly readTable: () => Promise<string | undefined>;
  private readonly readFiles: (pids: readonly number[], files: boolean) => Promise<Map<number, LsofProcess>>;
  private readonly lsofEvery: number;
  private fds = new Map<number, number>();
  private listening = new Map<number, number[]>();
  private round = 0;

  readonly ports = {
    scan: (trees: readonly { key: string; pids: readonly number[] }[]): number[][] => trees.map((tree) => treePorts(tree.pids, this.listening)),
  };

  constructor(options: PosixTreeSamplerOptions = {}) {
    this.readTable = options.readTable ?? (() => runAsync('ps', PS_TABLE_ARGS));
    this.readFiles = options.readFiles ?? lsofProcesses;
    this.lsofEvery = Math.max(1, options.lsofEvery ?? 5);
  }

  async sample(roots: readonly number[]): Promise<Map<number, TreeUsage>> {
    this.source.load(parsePsTable((await this.readTable()) ?? ''));
    const usage = this.inner.sample(roots);
    const pids = [...new Set([...usage.values()].flatMap((u) => u.pids))];
    if (this.round++ % this.lsofEvery === 0 || pids.some((pid) => !this.fds.has(pid))) {
      const procs = await this.readFiles(pids, true);
      this.listening = new Map([...procs].map(([pid, proc]) => [pid, proc.listening]));
      this.fds = new Map(pids.map((pid) => [pid, procs.get(pid)?.fds ?? 0]));
    }
    for (const tree of usage.values()) tree.openFiles = tree.pids.reduce((sum, pid) => sum + (this.fds.get(pid) ?? 0), 0);
    return usage;
  }

  release(): void {
    this.inner.release();
    this.fds.clear();
    this.listening.clear();
  }

  dispose(): void {
    this.release();
    this.inner.dispose();
  }
}

/** Reads the TCP ports process trees listen on, given each tree as its key and its pids, leader first. */
export interface TreePortReader {
  scan(trees: readonly { key: string; pids: readonly number[] }[]): number[][] | Promise<number[][]>;
}

/** The sampler of the chosen process backend (see platform/processes). */
export function defaultTreeSampler(): TreeSamplerLike {
  return usesPosixBackend ? new PosixTreeSampler() : new TreeSampler();
}

/** Where the monitor reads ports: from the portable sampler's own lsof run, else its backend's reader. */
export function defaultPortReader(sampler: TreeSamplerLike): TreePortReader {
  if (sampler instanceof PosixTreeSampler) return sampler.ports;
  return usesPosixBackend ? new LsofPortScanner() : new PortScanner();
}
