import { entryMatcher, type ProcessTable, type ProcStat } from '../procfs';
import { environBlock, parsePidLines, parsePsTable, PS_TABLE_ARGS, psEnvironmentFlag, toProcStat } from './psOutput';
import { runAsync, runSync } from './tools';

/**
 * How long one synchronous `ps` answers for. A stop asks about its targets many times per poll:
 * they share one run of ps; a pid that is truly gone is told by kill(pid, 0) without it.
 */
const SNAPSHOT_MS = 20;

/** Whether any process, a zombie included, has this pid (kill(pid, 0); EPERM: someone else's). */
function pidExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `ps` for some pids only: procps and BSD ps both take a comma-separated `-p` list. */
function pidArgs(pids: readonly number[]): string[] {
  return ['-p', pids.join(','), ...PS_TABLE_ARGS.slice(1)];
}

/**
 * The process table from `ps`, for platforms without /proc: one listing of every process answers
 * for SNAPSHOT_MS; `prefetch` reads a few pids ahead without blocking.
 */
export class PsProcessTable implements ProcessTable {
  readonly startTimeClock = 'epoch';
  private rows = new Map<number, ProcStat>();
  private takenAt = -Infinity;
  /** Single pids read since the last full listing, each with when. */
  private singles = new Map<number, { stat: ProcStat; at: number }>();

  constructor(
    private readonly readTable: (args: readonly string[]) => string | undefined = (args) => runSync('ps', args),
    private readonly clock: () => number = () => performance.now(),
    private readonly readLater: (args: readonly string[]) => Promise<string | undefined> = (args) => runAsync('ps', args),
  ) {}

  stat(pid: number): ProcStat | undefined {
    if (!pidExists(pid)) return undefined;
    const now = this.clock();
    const single = this.singles.get(pid);
    if (single && now - single.at <= SNAPSHOT_MS) return single.stat;
    // A pid missing from a fresh listing was born after it. The whole table, not this pid alone:
    // a caller asks about every process of a tree in a row, and they share this one run of ps.
    if (now - this.takenAt > SNAPSHOT_MS || !this.rows.has(pid)) this.refresh();
    return this.rows.get(pid);
  }

  async prefetch(pids: readonly number[]): Promise<void> {
    if (pids.length > 0) this.remember(await this.readLater(pidArgs(pids)));
  }

  all(): ProcStat[] {
    if (this.clock() - this.takenAt > SNAPSHOT_MS) this.refresh();
    return [...this.rows.values()];
  }

  private refresh(): void {
    this.rows = new Map(parsePsTable(this.readTable(PS_TABLE_ARGS) ?? '').map((row) => [row.pid, toProcStat(row)]));
    this.takenAt = this.clock();
    this.singles.clear();
  }

  private remember(text: string | undefined): void {
    const at = this.clock();
    for (const [pid, single] of this.singles) if (at - single.at > SNAPSHOT_MS) this.singles.delete(pid);
    for (const row of parsePsTable(text ?? '')) this.singles.set(row.pid, { stat: toProcStat(row), at });
  }
}

/** `ps` arguments that list command and environment, for one pid or all; undefined where ps cannot. */
function environmentArgs(pid: number | undefined, platform = process.platform): string[] | undefined {
  const flag = psEnvironmentFlag(platform);
  if (flag === undefined) return undefined;
  return [pid === undefined ? '-A' : '-p', ...(pid === undefined ? [] : [String(pid)]), '-ww', flag, '-o', 'pid=', '-o', 'command='];
}

function environments(pid?: number): { pid: number; environ: Buffer }[] {
  const args = environmentArgs(pid);
  const text = args && runSync('ps', args);
  return text === undefined ? [] : parsePidLines(text).map((line) => ({ pid: line.pid, environ: environBlock(line.text) }));
}

/**
 * Whether the process's environment, as ps shows it, holds `marker` (NAME=value). ps shows the
 * environment of our own processes only (macOS hides it for other users' and protected ones).
 */
export function psEnvironHas(pid: number, marker: string | ((environ: Buffer) => boolean)): boolean {
  const matches = typeof marker === 'string' ? entryMatcher(marker) : marker;
  return environments(pid).some((e) => e.pid === pid && matches(e.environ));
}

/** Processes whose environment, as ps shows it, holds `marker`. */
export function psProcessesWithEnv(marker: string): number[] {
  const matches = entryMatcher(marker);
  return environments().filter((e) => matches(e.environ)).map((e) => e.pid);
}

/** The real uid of a process, undefined when gone or when its real and effective uids differ. */
export function psProcessUid(pid: number): number | undefined {
  if (!pidExists(pid)) return undefined;
  const ids = /^\s*(\d+)\s+(\d+)\s*$/.exec(runSync('ps', ['-p', String(pid), '-o', 'ruid=', '-o', 'uid=']) ?? '');
  if (!ids || ids[1] !== ids[2]) return undefined;
  return Number(ids[1]);
}

/** A process's command line, or its name (`comm`), from ps; undefined when gone. */
export function psCommand(pid: number, column: 'command' | 'comm' = 'command'): string | undefined {
  if (!pidExists(pid)) return undefined;
  const text = runSync('ps', ['-p', String(pid), '-ww', '-o', `${column}=`])?.trim();
  if (!text) return undefined;
  // macOS prints the full path as comm; /proc's comm is the base name.
  return column === 'comm' ? text.slice(text.lastIndexOf('/') + 1) : text;
}
