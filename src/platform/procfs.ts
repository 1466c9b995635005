import * as fs from 'node:fs';
import { EnvironCensus } from './environCensus';

/** The fields of /proc/PID/stat the engine needs. */
export interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  /** One letter: R, S, D, Z (zombie), T, ... */
  state: string;
  /** Start time in clock ticks since boot: with the pid, it identifies a process across pid reuse. */
  startTime: number;
  /** CPU time used so far (user + system), in clock ticks. */
  cpuTicks: number;
}

/**
 * What the engine reads about the machine's processes. Linux reads /proc (below); elsewhere
 * platform/posix runs ps (see platform/processes for the choice).
 */
export interface ProcessTable {
  stat(pid: number): ProcStat | undefined;
  all(): ProcStat[];
  /**
   * What `startTime` counts from when it is not /proc's clock ticks since boot ('epoch': ps).
   * Start times written by a table of another clock cannot be compared with this one's.
   */
  readonly startTimeClock?: 'epoch';
  /**
   * For a table whose reads block (ps): reads these pids without blocking, so that a `stat` of
   * them right after the promise resolves answers from memory. /proc needs no such step.
   */
  prefetch?(pids: readonly number[]): Promise<void>;
}

/** Parses one /proc/PID/stat line; the command name may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  // Fields after the name: state(3) ppid(4) pgrp(5) ... starttime(22), numbered from 1.
  const rest = text.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  const pgid = Number(rest[2]);
  const startTime = Number(rest[19]);
  const cpuTicks = Number(rest[11]) + Number(rest[12]);
  if (!Number.isFinite(pid) || !Number.isFinite(ppid)) return undefined;
  return { pid, ppid, pgid, state: rest[0], startTime, cpuTicks };
}

/** One buffer for the small /proc files read synchronously (a file that fills it is read in more). */
let small = Buffer.alloc(4096);

/**
 * A small /proc file as text; undefined when it cannot be read. /proc reports no size, so
 * readFileSync would allocate a large buffer for every file, which is most of the cost of a
 * whole-table read.
 */
export function readSmallFile(path: string, encoding: 'latin1' | 'utf8' = 'latin1'): string | undefined {
  return readSmall(path)?.toString(encoding);
}

/** A small file's bytes, in the shared buffer: valid until the next read. */
export function readSmall(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, 'r');
    let length = 0;
    for (;;) {
      if (length === small.length) small = Buffer.concat([small, Buffer.alloc(small.length)]);
      const n = fs.readSync(fd, small, length, small.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return small.subarray(0, length);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export const linuxProcessTable: ProcessTable = {
  stat(pid) {
    const text = readSmallFile(`/proc/${pid}/stat`);
    return text === undefined ? undefined : parseStat(text);
  },
  all() {
    const out: ProcStat[] = [];
    for (const pid of procPids()) {
      const stat = this.stat(pid);
      if (stat) out.push(stat);
    }
    return out;
  },
};

/** The pids /proc (or a directory laid out like it) lists now. */
export function procPids(root = '/proc'): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) pids.push(Number(name));
  }
  return pids;
}

/**
 * Gone means no /proc entry or a zombie: kill(pid, 0) succeeds on a zombie, and a slow init
 * may leave one around long after the process ended.
 */
export function isGone(table: ProcessTable, pid: number): boolean {
  const stat = table.stat(pid);
  return stat === undefined || stat.state === 'Z' || stat.state === 'X';
}

/** Every live descendant of `root` (not root itself), from one read of the whole table. */
export function descendantsOf(table: ProcessTable, root: number, all = table.all()): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) {
    const list = children.get(stat.ppid);
    if (list) list.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const out: ProcStat[] = [];
  const stack = [root];
  const seen = new Set<number>([root]);
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      out.push(child);
      stack.push(child.pid);
    }
  }
  return out.filter((s) => s.state !== 'Z' && s.state !== 'X');
}

/** Live members of a process group, whoever their parent is now. */
export function groupMembers(table: ProcessTable, pgid: number, all = table.all()): ProcStat[] {
  return all.filter((s) => s.pgid === pgid && s.state !== 'Z' && s.state !== 'X');
}

/** A test for one exact entry (NAME=value) of an environ block, which is NUL-separated. */
export function entryMatcher(marker: string): (environ: Buffer) => boolean {
  const entry = Buffer.from(`${marker}\0`);
  const inner = Buffer.concat([Buffer.from([0]), entry]);
  return (environ) => environ.subarray(0, entry.length).equals(entry) || environ.includes(inner);
}

/** A small text file of /proc/PID (cmdline, comm); undefined when the process is gone. */
export function readProcText(pid: number, file: 'cmdline' | 'comm'): string | undefined {
  return readSmallFile(`/proc/${pid}/${file}`, 'utf8');
}

/** Valid until the next read of a small file (undefined: gone, or not ours to read). */
function readEnviron(pid: number): Buffer | undefined {
  return readSmall(`/proc/${pid}/environ`);
}

/** Whether the process's environment (/proc/PID/environ) holds the entry `marker` (NAME=value). */
export function environHas(pid: number, marker: string | ((environ: Buffer) => boolean)): boolean {
  const environ = readEnviron(pid);
  const matches = typeof marker === 'string' ? entryMatcher(marker) : marker;
  return environ !== undefined && matches(environ);
}

/** The process's real uid, or undefined when gone; a process whose real and effective uids differ counts as neither. */
export function processUid(pid: number): number | undefined {
  const status = readSmallFile(`/proc/${pid}/status`);
  if (status === undefined) return undefined;
  const ids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  if (!ids || ids[1] !== ids[2]) return undefined;
  return Number(ids[1]);
}

/** PF_KTHREAD in the flags of /proc/PID/stat (include/linux/sched.h). */
const KERNEL_THREAD_FLAG = 0x00200000;

/** A kernel thread or a zombie: a process with no user memory, so no environment, now or later. */
export function hasNoUserSpace(pid: number): boolean {
  const text = readSmallFile(`/proc/${pid}/stat`);
  if (text === undefined) return false;
  // Fields after the name: state(3) ... flags(9), numbered from 1.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return rest[0] === 'Z' || rest[0] === 'X' || (Number(rest[6]) & KERNEL_THREAD_FLAG) !== 0;
}

/** Made on first use, kept for the life of this process: what it remembers is what makes a sweep cheap. */
let census: EnvironCensus | undefined;

/**
 * Processes whose environment holds `marker` (NAME=value): every descendant inherits it, so this
 * finds a daemon that double-forked away from both our process group and our tree.
 */
export function processesWithEnv(marker: string): number[] {
  // Synchronous on purpose: each read is tiny, and a round trip through the thread pool per
  // process delays the moment a stop can say the tree is gone.
  census ??= new EnvironCensus({ root: '/proc', listPids: procPids, read: readSmall, emptyForGood: hasNoUserSpace });
  // A zombie keeps its /proc entry, so the census may still remember it: it has no environment any more.
  return census.find(marker).filter((pid) => !isGone(linuxProcessTable, pid));
}
