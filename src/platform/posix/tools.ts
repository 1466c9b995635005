import { execFile, execFileSync } from 'node:child_process';

/** Bounds a tool that hangs (lsof can stall on an unreachable network mount). */
const TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 64 * 1024 * 1024;

function options() {
  // C locale: English month names in `lstart`, and a dot as the decimal point of BSD's cpu time.
  return { env: { ...process.env, LC_ALL: 'C' }, encoding: 'utf8' as const, maxBuffer: MAX_OUTPUT, timeout: TIMEOUT_MS, windowsHide: true };
}

/** What a failed run still printed: ps and lsof exit 1 when nothing matched. Undefined when the tool could not run. */
function outputOf(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException & { stdout?: string; status?: number | null };
  if (e.code === 'ENOENT' || e.code === 'EACCES' || typeof e.stdout !== 'string') return undefined;
  return e.stdout;
}

/** Runs ps or lsof and waits for it: for paths that read the process table synchronously (stops, adoption). */
export function runSync(file: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(file, args, { ...options(), stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    return outputOf(err);
  }
}

/** Runs ps or lsof without blocking the thread: for the monitor's rounds. */
export function runAsync(file: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = execFile(file, args, options(), (err, stdout) => resolve(err ? outputOf(Object.assign(err, { stdout })) : stdout));
    child.stdin?.end();
  });
}
