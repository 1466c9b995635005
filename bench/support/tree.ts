/**
 * Processes as the stop, start and recovery benches see them: from /proc, the same for every tool,
 * whichever process started them. A process is its pid and start time (a reused pid is someone
 * else); it is gone once /proc has no entry for it or it is a zombie, as the engine counts it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { descendantsOf, linuxProcessTable, processesWithEnv, procPids } from '../../src/platform/procfs';
import { median } from '../types';

export interface Proc {
  pid: number;
  startTime: number;
}

/** The three-level tree of bench/fixtures/tree.sh: a leader, its children, their children. */
export const TREE = { depth: 3, width: 3 };
/** 1 + 3 + 9. */
export const TREE_SIZE = 1 + TREE.width + TREE.width * TREE.width;
const TREE_LEAVES = TREE.width * TREE.width;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A fixture script's path: bench/fixtures, found from the bundle in out/bench as from the source. */
export function fixture(name: string): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'bench', 'fixtures', name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`bench: no fixture ${name} in a bench/fixtures folder above ${__dirname}`);
}

/** An absolute path for a command, so that every tool runs the same file whatever its PATH lookup. */
export function which(command: string): string {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  throw new Error(`bench: ${command} is not on the PATH`);
}

/** The arguments of /bin/sh for the tree; with `stubborn`, the first child's branch ignores SIGTERM. */
export function treeArgs(stubborn: boolean): string[] {
  return [fixture('tree.sh'), String(TREE.depth), String(TREE.width), stubborn ? '1' : '0'];
}

export function procOf(pid: number): Proc | undefined {
  const stat = linuxProcessTable.stat(pid);
  return stat && stat.state !== 'Z' && stat.state !== 'X' ? { pid, startTime: stat.startTime } : undefined;
}

export function alive(proc: Proc): boolean {
  const stat = linuxProcessTable.stat(proc.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X' && stat.startTime === proc.startTime;
}

/** The command name (/proc/PID/comm) of a process, which the kernel sets at exec. */
export function comm(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'latin1').trimEnd();
  } catch {
    return undefined;
  }
}

/** A kernel built without CONFIG_PROC_CHILDREN has no children files: then scan every stat. */
const HAS_CHILDREN_FILE = fs.existsSync(`/proc/self/task/${process.pid}/children`);

/**
 * The children of `pid` from /proc/PID/task/TID/children: one small read per thread, cheap enough
 * to poll every millisecond, where finding them by ppid would read every process's stat.
 */
export function childrenOf(pid: number): number[] {
  if (!HAS_CHILDREN_FILE) return linuxProcessTable.all().filter((s) => s.ppid === pid).map((s) => s.pid);
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const tid of tasks) {
    try {
      for (const child of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').split(' ')) {
        if (child !== '' && child !== '\n') children.push(Number(child));
      }
    } catch {
      // The thread ended.
    }
  }
  return children;
}

/** Live children of `parent` whose command name is `name`. */
export function childrenNamed(parent: number, name: string): Proc[] {
  return childrenOf(parent)
    .filter((pid) => comm(pid) === name)
    .flatMap((pid) => procOf(pid) ?? []);
}

/** Polls `check` every `everyMs` until it returns a value; undefined once `timeoutMs` passed. */
export async function pollFor<T>(check: () => T | undefined, timeoutMs: number, everyMs = 1): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

/**
 * The whole tree under `leader` once it is complete: every process started and every leaf exec'd
 * into `sleep`, so a signal meets each process in the same state whichever tool started it.
 */
export async function waitForTree(leader: number, timeoutMs = 10_000): Promise<Proc[]> {
  let seen = 0;
  const tree = await pollFor(
    () => {
      const root = procOf(leader);
      if (!root) throw new Error(`bench: the tree's leader ${leader} ended before the tree was complete`);
      const below = descendantsOf(linuxProcessTable, leader);
      seen = below.length + 1;
      const leaves = below.filter((s) => comm(s.pid) === 'sleep').length;
      if (seen !== TREE_SIZE || leaves !== TREE_LEAVES) return undefined;
      return [root, ...below.map((s) => ({ pid: s.pid, startTime: s.startTime }))];
    },
    timeoutMs,
    5,
  );
  if (!tree) throw new Error(`bench: the tree under ${leader} had ${seen} of ${TREE_SIZE} processes after ${timeoutMs} ms`);
  return tree;
}

/** SIGKILL to each process still alive: cleanup after a measurement, whatever happened in it. */
export function killHard(procs: readonly Proc[]): void {
  for (const proc of procs) {
    if (!alive(proc)) continue;
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}

/** Every live process of the tree under `leader` (leader included), for cleanup. */
export function treeUnder(leader: Proc): Proc[] {
  if (!alive(leader)) return [];
  return [leader, ...descendantsOf(linuxProcessTable, leader.pid).map((s) => ({ pid: s.pid, startTime: s.startTime }))];
}

/**
 * What reading /proc costs on this machine now: one read of every process's stat (the engine's
 * process table) and one of every process's environment (its search for a run marker), medians
 * of a few reads. The engine does both when it stops a tree, and on every exit of a service.
 */
export function procReadCost(reads = 7): { processes: number; tableMs: number; environMs: number } {
  const table: number[] = [];
  const environ: number[] = [];
  for (let i = 0; i < reads; i++) {
    const t0 = performance.now();
    linuxProcessTable.all();
    const t1 = performance.now();
    processesWithEnv('DEVPROC_BENCH_NO_SUCH_MARKER=1');
    table.push(t1 - t0);
    environ.push(performance.now() - t1);
  }
  return { processes: procPids().length, tableMs: median(table), environMs: median(environ) };
}
