/**
 * CPU and memory of whole processes from /proc, for the idle bench: CPU as the time on a CPU of
 * every thread (/proc/PID/task/TID/schedstat, in nanoseconds: /proc/PID/stat counts 10 ms ticks,
 * too coarse for a process that is nearly idle), memory as the resident set (VmRSS).
 */
import * as fs from 'node:fs';
import { descendantsOf, linuxProcessTable } from '../../src/platform/procfs';
import { sleep } from './tree';

/** CPU time of every live thread of `pid`, in ms; NaN once it is gone. */
export function cpuMs(pid: number): number {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return Number.NaN;
  }
  let ns = 0;
  for (const tid of tasks) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return ns / 1e6;
}

/** The command line of a process, its arguments joined by spaces; '' once it is gone. */
export function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Resident memory in MB; NaN once the process is gone. */
export function rssMB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The live descendants of `root` whose command line matches `pattern`. */
export function descendantsMatching(root: number, pattern: RegExp): number[] {
  return descendantsOf(linuxProcessTable, root)
    .map((s) => s.pid)
    .filter((pid) => pattern.test(cmdline(pid)));
}

/** What one window measured of one process. */
export interface Usage {
  /** Share of one core over the window, in percent. */
  cpuPercent: number;
  /** Resident memory, the median of the samples taken during the window, in MB. */
  rssMB: number;
  windowS: number;
}

/** Watches several processes over the same window: CPU from the tick counts at both ends, RSS sampled each second. */
export async function measureWindow(pids: readonly number[], windowS: number): Promise<Usage[]> {
  const before = pids.map(cpuMs);
  const t0 = performance.now();
  const samples: number[][] = pids.map(() => []);
  while (performance.now() - t0 < windowS * 1000) {
    pids.forEach((pid, i) => samples[i].push(rssMB(pid)));
    await sleep(1000);
  }
  const seconds = (performance.now() - t0) / 1000;
  return pids.map((pid, i) => {
    const sorted = samples[i].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    return {
      cpuPercent: ((cpuMs(pid) - before[i]) / 1000 / seconds) * 100,
      rssMB: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
      windowS: seconds,
    };
  });
}
