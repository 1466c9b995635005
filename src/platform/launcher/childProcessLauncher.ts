import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { bridgePty, defaultPtyModules, isProgramError, loadPty, resizePty, spawnPty } from './pty';
import type { LaunchedProcess, LaunchOptions, Launcher } from './types';

export interface ChildProcessLauncherOptions {
  /** Where node-pty is looked for, in order (`defaultPtyModules()` by default). */
  ptyModules?: string[];
}

/**
 * Spawns in-process with `child_process.spawn`: detached (own group), pipes; with node-pty for a
 * `tty` launch. The fallback when the launcher helper is missing; it blocks the caller for each
 * fork (see bench/hostBlocking.ts).
 */
export function createChildProcessLauncher(options: ChildProcessLauncherOptions = {}): Launcher {
  const ptyModules = options.ptyModules ?? defaultPtyModules();
  return {
    launch(opts) {
      if (!opts.tty) return launchOnPipes(opts);
      const pty = loadPty(ptyModules);
      if (!pty.module) return launchOnPipes(opts, pty.error);
      try {
        return fromPty(spawnPty(pty.module, opts, opts.tty));
      } catch (err) {
        if (isProgramError(err)) return failedLaunch(err as Error);
        return launchOnPipes(opts, `the pseudo-terminal could not be opened (${(err as Error).message})`);
      }
    },
  };
}

export const childProcessLauncher: Launcher = createChildProcessLauncher();

function launchOnPipes(opts: LaunchOptions, ttyUnavailable?: string): LaunchedProcess {
  let child;
  try {
    child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      // Node joins command and args with spaces and runs `/bin/sh -c`.
      shell: opts.shell ? '/bin/sh' : false,
      detached: true,
      stdio: 'pipe',
      windowsHide: true,
    });
  } catch (err) {
    // Invalid arguments (a NUL byte in env) throw; the engine expects onError instead.
    return failedLaunch(err as Error);
  }
  return { ...fromChildProcess(child), ttyUnavailable };
}

/** The engine's view of a Node child process with piped stdio. */
export function fromChildProcess(child: ChildProcessWithoutNullStreams): LaunchedProcess {
  // Writing to a process that closed its stdin must not throw in the caller.
  child.stdin.on('error', () => undefined);
  return {
    pid: child.pid,
    tty: false,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    onSpawn: (listener) => void child.once('spawn', listener),
    onExit: (listener) => void child.once('exit', listener),
    onError: (listener) => void child.once('error', listener),
  };
}

/** A process on a pty in this process: its output on stdout, stderr ends empty. */
function fromPty(term: ReturnType<typeof spawnPty>): LaunchedProcess {
  const events = new EventEmitter();
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  bridgePty(term, stdin, stdout, (exitCode, signal) => events.emit('exit', exitCode, signal));
  // Listeners are attached after launch() returns; the pty's first bytes come later still.
  queueMicrotask(() => events.emit('spawn'));
  return {
    pid: term.pid,
    tty: true,
    stdin,
    stdout,
    stderr: new PassThrough().end(),
    resize: (cols, rows) => resizePty(term, cols, rows),
    onSpawn: (listener) => void events.once('spawn', listener),
    onExit: (listener) => void events.once('exit', listener),
    onError: () => undefined,
  };
}

function failedLaunch(err: Error): LaunchedProcess {
  const ended = () => new PassThrough().end();
  return {
    pid: undefined,
    tty: false,
    stdin: new PassThrough(),
    stdout: ended(),
    stderr: ended(),
    onSpawn: () => undefined,
    onExit: () => undefined,
    onError: (listener) => void queueMicrotask(() => listener(err)),
  };
}
