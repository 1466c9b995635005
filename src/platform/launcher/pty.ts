import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { IPty } from 'node-pty';
import { resolveExecutable } from '../executable';
import type { LaunchOptions, TtySize } from './types';

/** The part of node-pty we use; the editor's own copy has the same shape. */
export interface PtyModule {
  spawn: typeof import('node-pty').spawn;
}

/** A terminal's size until a view says otherwise. */
export const DEFAULT_TTY_SIZE: Readonly<TtySize> = { cols: 120, rows: 30 };

/**
 * Where node-pty is looked for by default: the copy the build puts beside the bundle (dist/node-pty,
 * shipped in the .vsix), then the package's own dependency (node_modules, in development and tests).
 */
export function defaultPtyModules(from = __dirname): string[] {
  return [path.join(from, 'node-pty'), 'node-pty'];
}

/**
 * The editor's own node-pty (VS Code and code-server ship one), a fallback to ours. Older desktop
 * builds keep native modules unpacked beside an asar archive.
 */
export function editorPtyModules(appRoot: string): string[] {
  return [path.join(appRoot, 'node_modules', 'node-pty'), path.join(appRoot, 'node_modules.asar.unpacked', 'node-pty')];
}

/** The result of looking for a pty module: the module, or why none could be loaded. */
export type PtyLoad = { module: PtyModule; from: string; error?: undefined } | { module?: undefined; error: string };

const loads = new Map<string, PtyLoad>();

/** Loads the first candidate that works, once per list: a module that failed does not get cheaper to retry. */
export function loadPty(candidates: readonly string[]): PtyLoad {
  const key = candidates.join('\0');
  let load = loads.get(key);
  if (!load) loads.set(key, (load = tryCandidates(candidates)));
  return load;
}

function tryCandidates(candidates: readonly string[]): PtyLoad {
  const failures: string[] = [];
  for (const candidate of candidates) {
    // A path that does not exist is not worth a require (and its long message).
    if (path.isAbsolute(candidate) && !fs.existsSync(candidate)) {
      failures.push(`${candidate} does not exist`);
      continue;
    }
    try {
      // Resolved at run time from this bundle's place, never bundled: the module is native.
      const module = createRequire(__filename)(candidate) as Partial<PtyModule>;
      if (typeof module.spawn === 'function') return { module: module as PtyModule, from: candidate };
      failures.push(`${candidate} has no spawn()`);
    } catch (err) {
      failures.push(`${candidate}: ${firstLine(err)}`);
    }
  }
  return { error: failures.length === 0 ? 'no pty module is configured' : `node-pty could not be loaded (${failures.join('; ')})` };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/** An error shaped like the one `child_process.spawn` gives, so that it is classified alike. */
function spawnError(code: 'ENOENT' | 'EACCES', file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`spawn ${file} ${code}`), { code, errno: code === 'ENOENT' ? -2 : -13, syscall: `spawn ${file}`, path: file });
}

/** Thrown by `spawnPty` for a reason the program has (not found, not executable): not a pty failure. */
export function isProgramError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'EACCES';
}

/**
 * Starts a process on a new pseudo-terminal: it is the session leader of the terminal, so its
 * group id is its pid, as with a detached spawn. The pty merges stdout and stderr.
 */
export function spawnPty(pty: PtyModule, opts: LaunchOptions, size: TtySize): IPty {
  const [file, args] = opts.shell ? ['/bin/sh', ['-c', [opts.command, ...opts.args].join(' ')]] : [opts.command, opts.args];
  // The pty's child reports a program it cannot run as its own exit 1; a spawn reports ENOENT.
  if (!isDirectory(opts.cwd)) throw spawnError('ENOENT', file);
  const program = resolveExecutable(file, opts.env.PATH, opts.cwd);
  if (!program) throw spawnError(fs.existsSync(path.resolve(opts.cwd, file)) && file.includes('/') ? 'EACCES' : 'ENOENT', file);
  return pty.spawn(program, args, {
    name: opts.env.TERM || 'xterm-256color',
    cols: size.cols,
    rows: size.rows,
    cwd: opts.cwd,
    env: opts.env,
    // Bytes as they come: the engine splits lines and decodes, and a view replays them raw.
    encoding: null,
  });
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** A valid terminal size, or undefined: the kernel takes 1 to 65535 of each. */
export function checkedSize(cols: number, rows: number): TtySize | undefined {
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= 0xffff;
  return ok(cols) && ok(rows) ? { cols, rows } : undefined;
}

/** Sets a pty's size; a pty whose process just ended is closed, and there is nothing left to resize. */
export function resizePty(term: IPty, cols: number, rows: number): void {
  try {
    term.resize(cols, rows);
  } catch {
    // Closed (EBADF): the exit report is on its way.
  }
}

/**
 * Joins a pty to byte streams: its output to `output` (the pty is paused while `output` is full,
 * so a slow reader slows the program as a slow terminal would), `input`'s bytes to the pty as
 * typed (a Ctrl+C byte becomes SIGINT in the terminal's line discipline). `onExit` gets the
 * status after the last output was written.
 */
export function bridgePty(term: IPty, input: Readable, output: Writable, onExit: (exitCode: number | null, signal: NodeJS.Signals | null) => void): void {
  term.onData((data: string | Buffer) => {
    if (output.write(data)) return;
    term.pause();
    output.once('drain', () => term.resume());
  });
  input.on('data', (chunk: Buffer) => term.write(chunk));
  input.on('error', () => undefined);
  // A socket arrives paused; a 'data' listener alone does not undo that.
  input.resume();
  term.onExit(({ exitCode, signal }) => {
    output.end();
    input.destroy();
    const name = signal ? signalName(signal) : null;
    onExit(name ? null : exitCode, name);
  });
}

function signalName(signal: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, n]) => n === signal);
  return (entry?.[0] as NodeJS.Signals | undefined) ?? null;
}
