import type { Readable, Writable } from 'node:stream';
import type { Event } from '../../core/events';

export interface LaunchOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The complete environment; nothing else is inherited. */
  env: Record<string, string>;
  /** Run through `/bin/sh -c`. */
  shell: boolean;
  /**
   * Run on a pseudo-terminal of this size (stdout and stderr merged on stdout, stdin raw), where
   * one can be had; otherwise on pipes, and `LaunchedProcess.ttyUnavailable` says why.
   */
  tty?: TtySize;
}

/** A terminal's size in character cells. */
export interface TtySize {
  cols: number;
  rows: number;
}

/** A process the launcher started, in a process group of its own (pgid = pid). */
export interface LaunchedProcess {
  /**
   * Undefined when the OS refused to start it (`onError` then follows), and, for a launcher in
   * another process, until `onSpawn`. Read it again after `onSpawn`.
   */
  readonly pid: number | undefined;
  readonly stdin: Writable;
  /** Nothing is read from stdout and stderr before `onSpawn`'s listeners ran. */
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** It runs on a pseudo-terminal (known from `onSpawn` on). */
  readonly tty: boolean;
  /** A pty was asked for and the process runs on pipes instead: why (known from `onSpawn` on). */
  readonly ttyUnavailable?: string;
  /** Sets the pty's size; the program gets SIGWINCH. Does nothing for a process on pipes. */
  resize?(cols: number, rows: number): void;
  /** The OS confirmed the process. */
  onSpawn(listener: () => void): void;
  /**
   * The leader exited (its descendants may still run). Neither a code nor a signal means its exit
   * status is unknown: the launcher that was its parent died before it.
   */
  onExit(listener: (exitCode: number | null, signal: NodeJS.Signals | null) => void): void;
  /** It could not be started. */
  onError(listener: (err: Error) => void): void;
}

/** A launcher in another process died or stopped answering while processes were in its hands. */
export interface LauncherLoss {
  /** What happened to it, e.g. "killed by SIGKILL" or "did not answer for 3.0 s". */
  reason: string;
  /** Processes it had started that keep running; their exit status will be unknown. */
  running: number;
  /** Starts it had not confirmed, which failed. */
  failedStarts: number;
}

/** A run a previous window left to the launcher helper, as a reconnecting window finds it. */
export interface ReclaimedRun {
  /** The run id in its environment (`DEVPROC_RUN`), if it has one. */
  runId: string | undefined;
  pid: number;
  /** Its leader ended while no window was connected, with this status. */
  exit?: { exitCode: number | null; signal: NodeJS.Signals | null };
}

/** What a reconnect to a helper that outlived its window came to. */
export type ReconnectResult =
  | { status: 'welcome'; runs: ReclaimedRun[] }
  | { status: 'refused' | 'gone'; reason: string };

/** Starts processes; an interface so a helper process or a fake can stand in. */
export interface Launcher {
  /**
   * Starts a process. A launcher that took runs back from a previous window (`reclaims`) returns
   * the kept process instead, for a launch with that run's marker in its environment.
   */
  launch(opts: LaunchOptions): LaunchedProcess;
  /** A run of this id was taken back from a previous window and waits to be claimed. */
  reclaims?(runId: string): boolean;
  /** Fires when a launcher in another process was lost and replaced (in-process launchers cannot be). */
  readonly onDidLose?: Event<LauncherLoss>;
}
