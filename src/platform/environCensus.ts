import * as fs from 'node:fs';

/** What is known of one process's environment, for as long as its /proc entry is the same inode. */
interface Known {
  ino: number;
  ctimeMs: number;
  /** Per variable name asked about: the values of its entries (none when the environment has no such entry). */
  values: Map<string, string[]>;
}

/** How the census reads the machine: procfs's functions, or a directory laid out like /proc in tests. */
export interface CensusSource {
  root: string;
  /** The pids `root` lists now. */
  listPids(root: string): number[];
  /** A file's bytes, valid until the next call; undefined when it cannot be read. */
  read(path: string): Buffer | undefined;
  /**
   * Whether this process has no environment for good: a kernel thread, or a zombie. Any other
   * process whose environment cannot be read, or reads empty, may be in the middle of an exec
   * (empty for a moment) or run a program we may not read (set-uid) that may exec one we may.
   */
  emptyForGood(pid: number): boolean;
}

/**
 * Finds the processes whose environment holds an entry NAME=value, reading each process's
 * /proc/PID/environ once and remembering the answer for as long as the process lives.
 *
 * What lets it remember: an environment block changes only at an exec, and a process that lacks
 * the entry cannot gain it there unless it came from the run that carries it (which a fresh
 * process's first read sees); and /proc/PID is a new inode (a new inode number and creation
 * time) for every process that gets the pid, so one stat of it tells a remembered process from a
 * new one with the same pid. That stat costs a fraction of the environment's read, which checks
 * the reader's right to the process and walks its memory. An environment that cannot be read or
 * reads empty is remembered only when it is so for good (see `emptyForGood`): most of a machine's
 * entries are kernel threads, which have none.
 */
export class EnvironCensus {
  private known = new Map<number, Known>();

  constructor(private readonly source: CensusSource) {}

  /** The pids whose environment holds `marker` (NAME=value), in the order /proc lists them. */
  find(marker: string): number[] {
    const eq = marker.indexOf('=');
    if (eq <= 0) return [];
    const name = marker.slice(0, eq);
    const value = marker.slice(eq + 1);
    const found: number[] = [];
    const next = new Map<number, Known>();
    for (const pid of this.source.listPids(this.source.root)) {
      const entry = this.entry(pid);
      if (!entry) continue;
      // Kept even when this read fails: what it knows of other names still holds.
      next.set(pid, entry);
      let held = entry.values.get(name);
      if (held === undefined) {
        const environ = this.source.read(`${this.source.root}/${pid}/environ`);
        // Nothing to read (a kernel thread's cannot even be opened): for good, or only for now.
        if ((environ === undefined || environ.length === 0) && !this.source.emptyForGood(pid)) continue;
        held = environ === undefined ? [] : valuesOf(environ, name);
        entry.values.set(name, held);
      }
      if (held.includes(value)) found.push(pid);
    }
    // Only what /proc lists now: the census never grows past the machine's processes.
    this.known = next;
    return found;
  }

  /** How many processes the census holds an entry for (for tests). */
  get size(): number {
    return this.known.size;
  }

  /** The remembered entry of this pid when its /proc inode is unchanged, else a fresh one; undefined when it is gone. */
  private entry(pid: number): Known | undefined {
    const stat = fs.statSync(`${this.source.root}/${pid}`, { throwIfNoEntry: false });
    if (!stat) return undefined;
    const known = this.known.get(pid);
    if (known && known.ino === stat.ino && known.ctimeMs === stat.ctimeMs) return known;
    return { ino: stat.ino, ctimeMs: stat.ctimeMs, values: new Map() };
  }
}

/** The values of every entry `name` in a NUL-separated environment block (usually none or one). */
export function valuesOf(environ: Buffer, name: string): string[] {
  const entry = Buffer.from(`\0${name}=`);
  const values: string[] = [];
  // The first entry has no NUL before it: look for the name at the start too.
  let at = environ.subarray(0, entry.length - 1).equals(entry.subarray(1)) ? 0 : environ.indexOf(entry);
  while (at >= 0) {
    const start = at === 0 && environ[0] !== 0 ? entry.length - 1 : at + entry.length;
    let end = environ.indexOf(0, start);
    if (end < 0) end = environ.length;
    values.push(environ.toString('utf8', start, end));
    at = environ.indexOf(entry, end);
  }
  return values;
}
