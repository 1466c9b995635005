import { lsofFilesArgs, lsofListeningArgs, lsofPortArgs, parseLsof, type LsofProcess } from './lsofOutput';
import { runAsync, runSync } from './tools';

/** Whether lsof can be run here: without it the portable backend sees no ports and no open files. */
export function hasLsof(): boolean {
  return runSync('lsof', ['-v']) !== undefined;
}

/** The processes that listen on TCP `port`, with their command names; empty when none can be seen. */
export function lsofListeners(port: number): Map<number, string> {
  const listeners = new Map<number, string>();
  for (const proc of parseLsof(runSync('lsof', lsofPortArgs(port)) ?? '', true).values()) listeners.set(proc.pid, proc.command ?? '');
  return listeners;
}

/**
 * One lsof run over some processes: their listening TCP ports, and with `files` their numbered
 * descriptors too (a longer listing). Processes lsof could not read are missing from the map.
 */
export async function lsofProcesses(pids: readonly number[], files: boolean): Promise<Map<number, LsofProcess>> {
  if (pids.length === 0) return new Map();
  const text = await runAsync('lsof', files ? lsofFilesArgs(pids) : lsofListeningArgs(pids));
  return parseLsof(text ?? '', !files);
}

/** The sorted, unique ports of a tree, from what lsof said of each of its processes. */
export function treePorts(pids: readonly number[], listening: ReadonlyMap<number, readonly number[]>): number[] {
  return [...new Set(pids.flatMap((pid) => listening.get(pid) ?? []))].sort((a, b) => a - b);
}

/** The TCP ports process trees listen on, from one lsof run over their processes per round. */
export class LsofPortScanner {
  async scan(trees: readonly { key: string; pids: readonly number[] }[]): Promise<number[][]> {
    const procs = await lsofProcesses([...new Set(trees.flatMap((t) => t.pids))], false);
    const listening = new Map([...procs].map(([pid, proc]) => [pid, proc.listening]));
    return trees.map((tree) => treePorts(tree.pids, listening));
  }
}
