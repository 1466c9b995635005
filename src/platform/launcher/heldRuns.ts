import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { killTree } from '../killTree';
import type { ProcessTable } from '../procfs';
import { processTable } from '../processes';
import { RUN_MARKER } from '../records';
import { ReplayBuffer } from './replayBuffer';
import { InputRelay, OutputRelay } from './streamRelay';

/** One run the helper started: its process, its output kept for a reconnecting window, its end. */
export class HeldRun {
  readonly replay: ReplayBuffer;
  pid: number | undefined;
  /** Set once the leader exited. */
  exit: { exitCode: number | null; signal: NodeJS.Signals | null } | undefined;
  private input: InputRelay | undefined;
  private outputs: OutputRelay[] = [];

  constructor(
    readonly id: number,
    /** `DEVPROC_RUN=<id>` from its environment: finds what left its group when it is stopped. */
    readonly marker: string | undefined,
    replayBytes: number,
  ) {
    this.replay = new ReplayBuffer(replayBytes);
  }

  /** Relays a child on pipes through the host's sockets (stdin, stdout, stderr). */
  relay(child: ChildProcess, [stdin, stdout, stderr]: Socket[]): void {
    this.input = new InputRelay(child.stdin!);
    this.outputs = [new OutputRelay(child.stdout!, 1, this.replay), new OutputRelay(child.stderr!, 2, this.replay)];
    this.input.attach(stdin);
    this.outputs[0].attach(stdout);
    this.outputs[1].attach(stderr);
  }

  ended(exitCode: number | null, signal: NodeJS.Signals | null): void {
    this.exit = { exitCode, signal };
    this.input?.childGone();
  }
}

export interface HeldRunsOptions {
  /** How long the processes are kept for a window that reconnects, once the host is gone. */
  graceMs: number;
  /** Between SIGTERM and SIGKILL when they are stopped after that. */
  stopGraceMs: number;
  replayBytes: number;
  table?: ProcessTable;
  /** Called once everything is stopped (or ended) after the host went away for good. */
  onDone: () => void;
}

/**
 * The helper's runs. While a host is connected they are the host's; once it is gone they are
 * kept for `graceMs`, then every tree is stopped (SIGTERM, SIGKILL after `stopGraceMs`) and
 * `onDone` is called: a window that was really closed leaves nothing behind.
 */
export class HeldRuns {
  private readonly runs = new Map<number, HeldRun>();
  private graceTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly options: HeldRunsOptions) {}

  add(id: number, env: Record<string, string>): HeldRun {
    const marker = env[RUN_MARKER] === undefined ? undefined : `${RUN_MARKER}=${env[RUN_MARKER]}`;
    const run = new HeldRun(id, marker, this.options.replayBytes);
    this.runs.set(id, run);
    return run;
  }

  get(id: number): HeldRun | undefined {
    return this.runs.get(id);
  }

  started(id: number, pid: number): void {
    const run = this.runs.get(id);
    if (run) run.pid = pid;
  }

  ended(id: number, exitCode: number | null, signal: NodeJS.Signals | null): void {
    this.runs.get(id)?.ended(exitCode, signal);
  }

  /** The launch failed: nothing runs for it. */
  failed(id: number): void {
    const run = this.runs.get(id);
    if (run && run.pid === undefined) this.runs.delete(id);
  }

  /** Runs whose leader still runs. */
  live(): HeldRun[] {
    return [...this.runs.values()].filter((r) => r.pid !== undefined && !r.exit);
  }

  /** The host went away: keep everything for the grace, then stop it all. */
  hostGone(): void {
    if (this.live().length === 0) return this.options.onDone();
    clearTimeout(this.graceTimer);
    // setTimeout takes at most 2^31-1 ms; a longer grace would fire at once.
    this.graceTimer = setTimeout(() => void this.stopAll(), Math.min(this.options.graceMs, 2 ** 31 - 1));
  }

  /** Stops every live tree and calls `onDone` once they are gone. */
  async stopAll(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.graceTimer);
    const table = this.options.table ?? processTable;
    // Also the runs whose leader exited: what it left in its group or marked goes too.
    const started = [...this.runs.values()].filter((r) => r.pid !== undefined);
    await Promise.allSettled(
      started.map((run) => killTree({ pid: run.pid!, graceMs: this.options.stopGraceMs, table, envMarker: run.marker, leaderExited: run.exit !== undefined })),
    );
    this.options.onDone();
  }
}
