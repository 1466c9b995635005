import * as fs from 'node:fs';
import { procPids } from '../../platform/procfs';

/** What one read of a process gives the sampler. */
export interface ProcessReading {
  pid: number;
  ppid: number;
  /** One letter: R, S, D, Z (zombie), T, ... */
  state: string;
  /** Clock ticks since boot: with the pid, it identifies a process across pid reuse. */
  startTime: number;
  /** CPU used so far (user + system), in clock ticks. */
  cpuTicks: number;
  rssBytes: number;
  threads: number;
}

/**
 * Where the sampler reads processes from. Linux reads /proc (below); macOS would implement it
 * with one `ps -A -o pid,ppid,...` per round in `pids()`, served to `read()` from memory.
 */
export interface ProcessSource {
  /** Pids of every process on the machine; cheap (no per-process read). */
  pids(): number[];
  /** One process; undefined once it is gone. `watched`: it will be read every round, so a handle may be kept. */
  read(pid: number, watched: boolean): ProcessReading | undefined;
  /** Open file descriptors of a watched process; undefined when they cannot be counted (gone, permission). */
  openFiles(pid: number): number | undefined;
  /** Releases what was kept for a pid that is no longer watched. */
  unwatch(pid: number): void;
  /** Clock ticks since boot, on the clock of `startTime`; undefined when unknown. */
  uptimeTicks(): number | undefined;
  /** Clock ticks per second of `cpuTicks` and `startTime`. */
  readonly ticksPerSecond: number;
  dispose(): void;
}

/**
 * USER_HZ: /proc reports times in it whatever the kernel's HZ, and it is 100 on every mainstream
 * Linux build (`getconf CLK_TCK`); asking getconf would cost a process spawn.
 */
export const LINUX_TICKS_PER_SECOND = 100;

/** More kept handles than this and extra processes are read by path instead (two fds per process). */
const MAX_KEPT_PROCESSES = 1000;

/**
 * Rounds the list of pids may be taken from the last one while no process was created. A
 * periodic listing also tells whether the newest-pid field can be trusted (a container's
 * /proc may not keep it current).
 */
const LIST_AGAIN_EVERY = 10;

interface Kept {
  stat?: number;
  fdDir?: number;
  /**
   * The last bytes read, and what they parsed to: a process that did nothing reads the same, and
   * is then compared without a string made of it.
   */
  bytes?: Buffer;
  reading?: ProcessReading;
}

/**
 * Reads /proc. Watched processes keep their /proc/PID/stat and /proc/PID/fd open, so a round costs
 * one pread and one fstat per process instead of a path lookup each: a kept handle fails with
 * ESRCH or ENOENT once its process is gone, so pid reuse cannot mislead it.
 */
export class LinuxProcessSource implements ProcessSource {
  readonly ticksPerSecond = LINUX_TICKS_PER_SECOND;
  private readonly kept = new Map<number, Kept>();
  private readonly buffer = Buffer.alloc(4096);
  private pageSize: number | undefined;
  /** Linux 6.2+ reports the number of open fds as the size of /proc/PID/fd; older ones say 0. */
  private readonly fdDirHasSize = statSize('/proc/self/fd') > 0;
  private listed: { newest: string; pids: number[]; reused: number } | undefined;
  private readonly systemFiles = new Map<string, number>();

  /** `newestPidFile`: /proc/loadavg, whose last field is the newest pid (a stand-in in tests). */
  constructor(private readonly newestPidFile = '/proc/loadavg') {}
  /** Off once a listing found a process the newest-pid field had not announced. */
  private newestPidTrusted = true;

  /**
   * Listing /proc costs a walk of the kernel's task list. The newest pid the kernel handed out
   * (the last field of /proc/loadavg) tells whether any process was created since the last
   * listing; a process that ended meanwhile is one whose read fails.
   */
  pids(): number[] {
    const loadavg = this.newestPidTrusted ? this.readSystemFile(this.newestPidFile) : undefined;
    const newest = loadavg?.slice(loadavg.lastIndexOf(' ') + 1);
    const listed = this.listed;
    if (newest !== undefined && listed?.newest === newest && listed.reused < LIST_AGAIN_EVERY) {
      listed.reused++;
      return listed.pids;
    }
    const pids = procPids();
    if (listed && listed.newest === newest) {
      const before = new Set(listed.pids);
      if (pids.some((pid) => !before.has(pid))) this.newestPidTrusted = false;
    }
    this.listed = newest === undefined || !this.newestPidTrusted ? undefined : { newest, pids, reused: 0 };
    return pids;
  }

  read(pid: number, watched: boolean): ProcessReading | undefined {
    if (!(watched && this.canKeep(pid))) {
      const text = this.readByPath(`/proc/${pid}/stat`);
      return text === undefined ? undefined : parseStatLine(text, this.pageBytes());
    }
    const kept = this.keptFor(pid);
    const length = this.readKept(kept, pid);
    if (length === undefined) return undefined;
    if (kept.bytes === undefined || kept.bytes.length !== length || this.buffer.compare(kept.bytes, 0, length, 0, length) !== 0) {
      kept.bytes = Buffer.from(this.buffer.subarray(0, length));
      kept.reading = parseStatLine(this.buffer.toString('latin1', 0, length), this.pageBytes());
    }
    return kept.reading;
  }

  openFiles(pid: number): number | undefined {
    if (!this.fdDirHasSize) return countEntries(`/proc/${pid}/fd`);
    if (!this.canKeep(pid)) return nonZero(statSize(`/proc/${pid}/fd`));
    const kept = this.keptFor(pid);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        kept.fdDir ??= fs.openSync(`/proc/${pid}/fd`, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
        return fs.fstatSync(kept.fdDir).size;
      } catch {
        // A handle of a process that is gone; the pid may be a new process: open it afresh once.
        closeQuietly(kept.fdDir);
        kept.fdDir = undefined;
      }
    }
    return undefined;
  }

  unwatch(pid: number): void {
    const kept = this.kept.get(pid);
    if (!kept) return;
    closeQuietly(kept.stat);
    closeQuietly(kept.fdDir);
    this.kept.delete(pid);
  }

  uptimeTicks(): number | undefined {
    const text = this.readSystemFile('/proc/uptime');
    const seconds = text === undefined ? NaN : Number.parseFloat(text);
    return Number.isFinite(seconds) ? Math.round(seconds * this.ticksPerSecond) : undefined;
  }

  dispose(): void {
    for (const pid of [...this.kept.keys()]) this.unwatch(pid);
    for (const fd of this.systemFiles.values()) closeQuietly(fd);
    this.systemFiles.clear();
  }

  private canKeep(pid: number): boolean {
    return this.kept.has(pid) || this.kept.size < MAX_KEPT_PROCESSES;
  }

  private keptFor(pid: number): Kept {
    let kept = this.kept.get(pid);
    if (!kept) this.kept.set(pid, (kept = {}));
    return kept;
  }

  /** Reads the process's stat into the shared buffer: its length, or undefined when the process is gone. */
  private readKept(kept: Kept, pid: number): number | undefined {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        kept.stat ??= fs.openSync(`/proc/${pid}/stat`, 'r');
        return fs.readSync(kept.stat, this.buffer, 0, this.buffer.length, 0);
      } catch {
        closeQuietly(kept.stat);
        kept.stat = undefined;
      }
    }
    return undefined;
  }

  /** A file read every round, kept open: a read from its start makes the kernel write it anew. */
  private readSystemFile(path: string): string | undefined {
    let fd = this.systemFiles.get(path);
    try {
      if (fd === undefined) this.systemFiles.set(path, (fd = fs.openSync(path, 'r')));
      return this.buffer.toString('latin1', 0, fs.readSync(fd, this.buffer, 0, this.buffer.length, 0));
    } catch {
      return this.readByPath(path);
    }
  }

  private readByPath(path: string): string | undefined {
    let fd: number | undefined;
    try {
      fd = fs.openSync(path, 'r');
      return this.buffer.toString('latin1', 0, fs.readSync(fd, this.buffer, 0, this.buffer.length, 0));
    } catch {
      return undefined;
    } finally {
      closeQuietly(fd);
    }
  }

  /** The kernel's page size, found once by comparing our own rss in pages with Node's figure in bytes. */
  private pageBytes(): number {
    if (this.pageSize !== undefined) return this.pageSize;
    const pages = Number(this.readByPath('/proc/self/statm')?.split(' ')[1]);
    const guess = pages > 0 ? process.memoryUsage.rss() / pages : 4096;
    this.pageSize = [4096, 16384, 65536].reduce((best, size) => (Math.abs(size - guess) < Math.abs(best - guess) ? size : best));
    return this.pageSize;
  }
}

/** Parses /proc/PID/stat; the command name may hold spaces and parentheses. */
export function parseStatLine(text: string, pageSize: number): ProcessReading | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  // Fields after the name, numbered from 1 in proc(5): state(3) ppid(4) utime(14) stime(15)
  // num_threads(20) starttime(22) rss(24).
  const f = text.slice(close + 2).split(' ');
  const reading: ProcessReading = {
    pid,
    ppid: Number(f[1]),
    state: f[0],
    startTime: Number(f[19]),
    cpuTicks: Number(f[11]) + Number(f[12]),
    rssBytes: Number(f[21]) * pageSize,
    threads: Number(f[17]),
  };
  return Number.isFinite(pid) && Number.isFinite(reading.ppid) && Number.isFinite(reading.cpuTicks) ? reading : undefined;
}

function statSize(path: string): number {
  try {
    return fs.statSync(path).size;
  } catch {
    return 0;
  }
}

function nonZero(n: number): number | undefined {
  return n > 0 ? n : undefined;
}

function countEntries(path: string): number | undefined {
  try {
    return fs.readdirSync(path).length;
  } catch {
    return undefined; // EACCES for another user's process, ENOENT once it is gone
  }
}

function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    fs.closeSync(fd);
  } catch {
    // already closed
  }
}
