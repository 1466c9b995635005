import { EventEmitter } from 'node:events';
import { isGone, type ProcessTable } from '../procfs';
import { LaunchStreams } from './launchStreams';
import type { LaunchedProcess } from './types';

/** How often a child whose helper died is looked for in the process table. */
const FOLLOW_MS = 100;

/** A child the launcher helper starts, as the host sees it: events come from the helper's reports. */
export class RemoteProcess implements LaunchedProcess {
  pid: number | undefined = undefined;
  tty = false;
  ttyUnavailable: string | undefined;
  /** Sends a resize to the helper; set by the launcher. */
  resizer: ((cols: number, rows: number) => void) | undefined;
  readonly streams = new LaunchStreams();
  readonly stdin = this.streams.stdin;
  readonly stdout = this.streams.stdout;
  readonly stderr = this.streams.stderr;
  private phase: 'starting' | 'running' | 'ended' = 'starting';
  private readonly events = new EventEmitter();
  private follow: NodeJS.Timeout | undefined;

  onSpawn(listener: () => void): void {
    this.events.once('spawn', listener);
  }

  onExit(listener: (exitCode: number | null, signal: NodeJS.Signals | null) => void): void {
    this.events.once('exit', listener);
  }

  onError(listener: (err: Error) => void): void {
    // Not 'error': EventEmitter throws an 'error' nobody listens to.
    this.events.once('failed', listener);
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  resize(cols: number, rows: number): void {
    if (this.tty && this.running) this.resizer?.(cols, rows);
  }

  spawned(pid: number, tty = false, ttyUnavailable?: string): void {
    if (this.phase !== 'starting') return;
    this.phase = 'running';
    this.pid = pid;
    this.tty = tty;
    this.ttyUnavailable = ttyUnavailable;
    this.events.emit('spawn');
    // Only now: whatever the child wrote comes after what the spawn's listeners say.
    this.streams.release();
  }

  exited(exitCode: number | null, signal: NodeJS.Signals | null): void {
    if (this.phase !== 'running') return;
    this.phase = 'ended';
    clearInterval(this.follow);
    this.events.emit('exit', exitCode, signal);
  }

  failed(err: Error): void {
    if (this.phase !== 'starting') return;
    this.phase = 'ended';
    this.streams.abandon();
    this.events.emit('failed', err);
  }

  /**
   * The helper died while this child runs: the child lives on (its own group, its stdio on the
   * host's sockets), but no exit report will come. Watches the process table instead and reports
   * the exit, without a code, once the process is gone (a zombie counts as gone) or its pid was reused.
   */
  followWithoutHelper(table: ProcessTable): void {
    if (this.phase !== 'running' || this.follow || this.pid === undefined) return;
    const pid = this.pid;
    const startTime = table.stat(pid)?.startTime;
    const check = () => {
      if (startTime === undefined || isGone(table, pid) || table.stat(pid)?.startTime !== startTime) this.exited(null, null);
    };
    // Ends with the child. Unref'd: while the child runs, its stdio sockets keep the host alive.
    this.follow = setInterval(check, FOLLOW_MS).unref();
    check();
  }
}
