import type { Readable, Writable } from 'node:stream';
import { execa } from 'execa';

export interface LaunchOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The complete environment; nothing else is inherited. */
  env: Record<string, string>;
  /** Run through `/bin/sh -c`. */
  shell: boolean;
}

/** A process the launcher started, in a process group of its own (pgid = pid). */
export interface LaunchedProcess {
  /**
   * Undefined when the OS refused to start it (`onError` then follows), and, for a launcher in
   * another process, until `onSpawn`. Read it again after `onSpawn`.
   */
  readonly pid: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** The OS confirmed the process. */
  onSpawn(listener: () => void): void;
  /** The leader exited (its descendants may still run). */
  onExit(listener: (exitCode: number | null, signal: NodeJS.Signals | null) => void): void;
  /** It could not be started. */
  onError(listener: (err: Error) => void): void;
}

/** Starts processes; an interface so a helper process or a fake can stand in. */
export interface Launcher {
  launch(opts: LaunchOptions): LaunchedProcess;
}

/** Spawns in-process with execa: detached (own group), pipes, no buffering, never rejects. */
export const execaLauncher: Launcher = {
  launch(opts) {
    const child = execa(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      extendEnv: false,
      shell: opts.shell ? '/bin/sh' : false,
      detached: true,
      cleanup: false,
      buffer: false,
      reject: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      stripFinalNewline: false,
      windowsHide: true,
    });
    // The result promise settles when the streams close, which a grandchild can delay; the
    // engine listens to the process events instead and only keeps the promise from rejecting.
    child.catch(() => undefined);
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
  },
};
