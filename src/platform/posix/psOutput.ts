import type { ProcStat } from '../procfs';

/** One process as `ps` lists it, in the same shape on Linux (procps) and BSD/macOS. */
export interface PsRow {
  pid: number;
  ppid: number;
  pgid: number;
  /** The first letter of `stat`: R, S, D, Z (zombie), T, I, U (macOS), ... */
  state: string;
  /** Resident set size in KiB (both ps flavours report `rss` in KiB). */
  rssKb: number;
  /** CPU time used so far (user + system); procps gives whole seconds, BSD ps hundredths. */
  cpuSeconds: number;
  /** Start time, in seconds since the epoch (from `lstart`, which both print to the second). */
  startedAtS: number;
  command: string;
}

/**
 * Ticks per second of the start and CPU times the portable backend reports: epoch seconds and CPU
 * seconds scaled by this, so they share the units the /proc backend uses (USER_HZ).
 */
export const POSIX_TICKS_PER_SECOND = 100;

/**
 * Every process, one line each, no header. One `-o` per column: BSD ps takes everything after
 * `=` as the header, commas included. `-ww`: neither flavour cuts the command at a width then.
 */
export const PS_TABLE_ARGS = ['-A', '-ww', '-o', 'pid=', '-o', 'ppid=', '-o', 'pgid=', '-o', 'stat=', '-o', 'rss=', '-o', 'time=', '-o', 'lstart=', '-o', 'command='];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ROW = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(\S+)\s+\w{3}\s+(\w{3})\s+(\d+)\s+(\d+):(\d+):(\d+)\s+(\d{4})\s?(.*)$/;

/**
 * CPU time as either ps prints it: procps `[DD-]HH:MM:SS`, BSD `MM:SS.ss` (minutes may exceed 59)
 * or `[DD-][HH:]MM:SS.ss`; NaN for anything else.
 */
export function parseCpuTime(text: string): number {
  const dash = text.indexOf('-');
  const days = dash > 0 ? Number(text.slice(0, dash)) : 0;
  const parts = text.slice(dash + 1).split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) return NaN;
  return days * 86400 + parts.reduce((sum, part) => sum * 60 + Number(part), 0);
}

/** Parses `ps` output made with PS_TABLE_ARGS (under LC_ALL=C); lines that do not fit are skipped. */
export function parsePsTable(text: string): PsRow[] {
  const rows: PsRow[] = [];
  for (const line of text.split('\n')) {
    const m = ROW.exec(line);
    if (!m) continue;
    const month = MONTHS.indexOf(m[7]);
    const cpuSeconds = parseCpuTime(m[6]);
    if (month < 0 || Number.isNaN(cpuSeconds)) continue;
    // lstart is local time on both flavours.
    const started = new Date(Number(m[12]), month, Number(m[8]), Number(m[9]), Number(m[10]), Number(m[11]));
    rows.push({
      pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), state: m[4][0], rssKb: Number(m[5]),
      cpuSeconds, startedAtS: Math.floor(started.getTime() / 1000), command: m[13],
    });
  }
  return rows;
}

/** The fields the engine's process table keeps, in its tick units. */
export function toProcStat(row: PsRow): ProcStat {
  return {
    pid: row.pid, ppid: row.ppid, pgid: row.pgid, state: row.state,
    startTime: row.startedAtS * POSIX_TICKS_PER_SECOND, cpuTicks: Math.round(row.cpuSeconds * POSIX_TICKS_PER_SECOND),
  };
}

/**
 * How this platform's ps appends each process's environment to its command: procps takes the BSD
 * `e` modifier, macOS `-E`, the other BSDs `-e`. Undefined where we know of none.
 */
export function psEnvironmentFlag(platform: NodeJS.Platform): string | undefined {
  if (platform === 'linux') return 'e';
  if (platform === 'darwin') return '-E';
  if (platform === 'freebsd' || platform === 'openbsd' || platform === 'netbsd') return '-e';
  return undefined;
}

/**
 * The command-and-environment text of a process as a NUL-separated block, the shape
 * /proc/PID/environ has, so one matcher serves both backends. Words are split at spaces, so a
 * command argument that is exactly NAME=value counts too, and a value with a space is cut there.
 */
export function environBlock(commandAndEnvironment: string): Buffer {
  return Buffer.from(`${commandAndEnvironment.trim().split(/ +/).join('\0')}\0`);
}

/** Parses `ps -o pid= -o command=` lines into pid and text. */
export function parsePidLines(text: string): { pid: number; text: string }[] {
  const out: { pid: number; text: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s(.*)$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), text: m[2] });
  }
  return out;
}
