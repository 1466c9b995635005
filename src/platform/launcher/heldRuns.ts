import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { FRAME_STDERR_END } from './dataFrames';
import type { DataLink } from './dataLink';
import { killTree } from '../killTree';
import type { ProcessTable } from '../procfs';
import { processTable } from '../processes';
import { RUN_MARKER } from '../records';
import type { HeldRunInfo } from './protocol';
import type { PassPipe } from './pipeHandoff';
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
  private link: DataLink | undefined;
  /** On a pty: one merged output, so its stderr is over for every host that joins. */
  private tty = false;

  constructor(
    readonly id: number,
    /** `DEVPROC_RUN=<id>` from its environment: finds what left its group when it is stopped. */
    readonly marker: string | undefined,
    replayBytes: number,
  ) {
    this.replay = new ReplayBuffer(replayBytes);
  }

  /** Relays a child on pipes through the host's data link; `pass` hands a flooding pipe to the host. */
  relay(child: ChildProcess, link: DataLink, pass?: PassPipe): void {
    this.input = new InputRelay(child.stdin!);
    const onEnd = () => this.settle();
    this.outputs = [new OutputRelay(child.stdout!, 1, this.replay, onEnd, pass), new OutputRelay(child.stderr!, 2, this.replay, onEnd, pass)];
    this.reattach(link);
  }

  /** Relays a child on a pty (its master end's input and output) through the host's data link. */
  relayPty(input: Writable, output: Readable, link: DataLink): void {
    this.tty = true;
    this.input = new InputRelay(input);
    this.outputs = [new OutputRelay(output, 1, this.replay, () => this.settle())];
    this.reattach(link);
  }

  ended(exitCode: number | null, signal: NodeJS.Signals | null): void {
    this.exit = { exitCode, signal };
    this.input?.childGone();
    this.settle();
  }

  /** Its stdio can be joined to a new host. */
  get relayed(): boolean {
    return this.input !== undefined;
  }

  /** What a reconnecting host gets of it; output from now on waits for `reattach`. */
  info(): HeldRunInfo {
    for (const output of this.outputs) output.mark();
    const replay = this.replay.contents().map(({ index, data }): [1 | 2, string] => [index, data.toString('base64')]);
    return { id: this.id, pid: this.pid!, runId: this.marker?.slice(RUN_MARKER.length + 1), ...(this.exit && { exit: this.exit }), ...(this.tty && { tty: true }), replay };
  }

  /** Joins its stdio to a host's data link. */
  reattach(link: DataLink): void {
    this.link = link;
    if (this.tty) link.send(FRAME_STDERR_END, this.id);
    link.route(this.id, {
      input: (data) => this.input?.write(data),
      flow: (index, paused) => this.outputs[index - 1]?.flow(paused),
      back: (index) => this.outputs[index - 1]?.back(),
      tail: (index, data) => this.outputs[index - 1]?.tail(data),
    });
    this.input?.attach(link, this.id);
    for (const output of this.outputs) output.attach(link, this.id);
    this.settle();
  }

  /** Once its leader exited and its output ended, the host has nothing more to say to it. */
  private settle(): void {
    if (this.exit && this.outputs.every((o) => o.finished)) this.link?.unroute(this.id);
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

  /** The grace ran out (or the helper was asked to stop): every tree is being stopped. */
  get ending(): boolean {
    return this.stopping;
  }

  /** How the runs are kept, as the host that started the helper set it up. */
  configure(values: Pick<HeldRunsOptions, 'graceMs' | 'stopGraceMs' | 'replayBytes'>): void {
    this.setGrace(values.graceMs);
    if (Number.isSafeInteger(values.stopGraceMs) && values.stopGraceMs >= 0) this.options.stopGraceMs = values.stopGraceMs;
    if (Number.isSafeInteger(values.replayBytes) && values.replayBytes >= 0) this.options.replayBytes = values.replayBytes;
  }

  /** The grace for the next time the host goes (the host said so as it let go). */
  setGrace(graceMs: number): void {
    if (Number.isSafeInteger(graceMs) && graceMs >= 0) this.options.graceMs = graceMs;
  }

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

  /** Its leader exited; `delivered` when a host got the report (else a reconnecting one will). */
  ended(id: number, exitCode: number | null, signal: NodeJS.Signals | null, delivered: boolean): void {
    this.runs.get(id)?.ended(exitCode, signal);
    if (delivered) this.runs.delete(id);
  }

  /**
   * A host reconnected: nothing is stopped now. Returns the runs it takes back, their ends delivered.
   */
  takeBack(): HeldRunInfo[] {
    clearTimeout(this.graceTimer);
    const runs = [...this.runs.values()].filter((r) => r.pid !== undefined && r.relayed);
    for (const run of runs) if (run.exit) this.runs.delete(run.id);
    return runs.map((r) => r.info());
  }

  /** Runs whose stdio a reconnected host waits for. */
  reattachable(): HeldRun[] {
    return [...this.runs.values()].filter((r) => r.pid !== undefined && r.relayed && !r.exit);
  }

  /** The launch failed: nothing runs for it. */
  failed(id: number): void {
    const run = this.runs.get(id);
    if (run && run.pid === undefined) this.runs.delete(id);
  }

  /** The host went away: keep everything for the grace, then stop it all. */
  hostGone(): void {
    if (this.stopping) return;
    if (this.runs.size === 0) return this.options.onDone();
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
