import { psCommand, PsProcessTable, psEnvironHas, psProcessesWithEnv, psProcessUid } from './posix/psTable';
import * as procfs from './procfs';
import type { ProcessTable } from './procfs';

/** `procfs` reads /proc (Linux); `posix` runs ps and lsof (macOS, and Linux when forced). */
export type ProcessBackendName = 'procfs' | 'posix';

/** The variable that forces the portable backend on Linux (tests run it there too). */
export const PROCESS_BACKEND_VARIABLE = 'DEVPROC_PROCESS_BACKEND';

/** Linux reads /proc unless DEVPROC_PROCESS_BACKEND=posix; every other platform has no /proc. */
export function chooseProcessBackend(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): ProcessBackendName {
  return platform === 'linux' && env[PROCESS_BACKEND_VARIABLE] !== 'posix' ? 'procfs' : 'posix';
}

/** Chosen once, at load: the host and its helper process inherit the same environment. */
export const processBackend: ProcessBackendName = chooseProcessBackend();
export const usesPosixBackend = processBackend === 'posix';

/** The machine's process table through the chosen backend. */
export const processTable: ProcessTable = usesPosixBackend ? new PsProcessTable() : procfs.linuxProcessTable;

/** Whether the process's environment holds the entry `marker` (NAME=value). */
export function environHas(pid: number, marker: string | ((environ: Buffer) => boolean)): boolean {
  return usesPosixBackend ? psEnvironHas(pid, marker) : procfs.environHas(pid, marker);
}

/** Processes whose environment holds `marker` (NAME=value), wherever they are on the machine. */
export function processesWithEnv(marker: string): number[] {
  return usesPosixBackend ? psProcessesWithEnv(marker) : procfs.processesWithEnv(marker);
}

/** The process's real uid; undefined when gone or when its real and effective uids differ. */
export function processUid(pid: number): number | undefined {
  return usesPosixBackend ? psProcessUid(pid) : procfs.processUid(pid);
}

/** The process's command line, arguments joined by spaces; undefined when gone. */
export function commandLineOf(pid: number): string | undefined {
  if (usesPosixBackend) return psCommand(pid);
  return procfs.readProcText(pid, 'cmdline')?.split('\0').filter(Boolean).join(' ');
}

/** The process's name (the program's base name); undefined when gone. */
export function processName(pid: number): string | undefined {
  if (usesPosixBackend) return psCommand(pid, 'comm');
  return procfs.readProcText(pid, 'comm')?.trim() || undefined;
}
