import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { PassThrough } from 'node:stream';
import type { LaunchedProcess, Launcher } from './types';

/**
 * Spawns in-process with `child_process.spawn`: detached (own group), pipes. The fallback when the
 * launcher helper is missing; it blocks the caller for each fork (see bench/hostBlocking.ts).
 */
export const childProcessLauncher: Launcher = {
  launch(opts) {
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
    return fromChildProcess(child);
  },
};

/** The engine's view of a Node child process with piped stdio. */
export function fromChildProcess(child: ChildProcessWithoutNullStreams): LaunchedProcess {
  // Writing to a process that closed its stdin must not throw in the caller.
  child.stdin.on('error', () => undefined);
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    onSpawn: (listener) => void child.once('spawn', listener),
    onExit: (listener) => void child.once('exit', listener),
    onError: (listener) => void child.once('error', listener),
  };
}

function failedLaunch(err: Error): LaunchedProcess {
  const ended = () => new PassThrough().end();
  return {
    pid: undefined,
    stdin: new PassThrough(),
    stdout: ended(),
    stderr: ended(),
    onSpawn: () => undefined,
    onExit: () => undefined,
    onError: (listener) => void queueMicrotask(() => listener(err)),
  };
}
