import { PassThrough, Readable } from 'node:stream';
import { FRAME_PAUSE, FRAME_RESUME, FRAME_STDERR, FRAME_STDERR_END, FRAME_STDIN, FRAME_STDIN_CLOSED, FRAME_STDIN_FULL, FRAME_STDIN_ROOM, FRAME_STDOUT, FRAME_STDOUT_END } from './dataFrames';

const MAX_HELD_BYTES = 1024 * 1024;

/** Sends a frame of this launch to the helper over its data link. */
export type LinkSend = (kind: number, data?: Buffer) => void;

/**
 * A child's stdout or stderr, fed by the helper's data link. The link's chunks are pushed
 * straight through: a Transform in between cost a tick and a copy of the stream machinery per
 * chunk, a third of the CPU of a flood. A full stream asks the helper to stop reading the child.
 */
export class LinkOutput extends Readable {
  private ended = false;
  private paused = false;
  private send: LinkSend | undefined;

  constructor(private readonly index: 1 | 2) {
    super();
  }

  get finished(): boolean {
    return this.ended;
  }

  bind(send: LinkSend): void {
    this.send = send;
  }

  /** Bytes the child wrote. */
  data(chunk: Buffer): void {
    if (this.ended || this.destroyed) return;
    if (this.push(chunk) || this.paused) return;
    this.paused = true;
    this.send?.(FRAME_PAUSE, Buffer.of(this.index));
  }

  /** The child's stream ended, or nothing more will come: end the stream. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.push(null);
  }

  override _read(): void {
    this.flowOn();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Nobody reads it any more: the child must not wait for it.
    this.flowOn();
    this.ended = true;
    callback(error);
  }

  private flowOn(): void {
    if (!this.paused) return;
    this.paused = false;
    this.send?.(FRAME_RESUME, Buffer.of(this.index));
  }
}

/**
 * The stdin, stdout and stderr of a launch in another process: returned at once, joined to the
 * helper's data link once it is there, ended if it never will be.
 */
export class LaunchStreams {
  readonly stdin = new PassThrough();
  readonly stdout = new LinkOutput(1);
  readonly stderr = new LinkOutput(2);
  /**
   * Nothing is delivered before the spawn is reported: the child writes as soon as it runs, and
   * its bytes would otherwise overtake the helper's report and come before the "Started" line.
   * Kept in arrival order across both streams (null: that stream ended).
   */
  private held: [1 | 2, Buffer | null][] | undefined = [];
  private heldBytes = 0;
  /** The helper was asked to stop reading while the held output grew. */
  private heldPaused = false;
  private send: LinkSend | undefined;
  private stdinClosed = false;
  private onDone: (() => void) | undefined;

  constructor() {
    // Writing to a process that closed its stdin must not throw in the caller.
    this.stdin.on('error', () => undefined);
    this.stdin.once('close', () => {
      this.stdinClosed = true;
      this.checkDone();
    });
  }

  /** Called once all three streams are done with the link. */
  whenDone(listener: () => void): void {
    this.onDone = listener;
  }

  /** Joined to the helper's data link. */
  bind(send: LinkSend): void {
    this.send = send;
    this.stdout.bind(send);
    this.stderr.bind(send);
    this.forwardStdin();
  }

  /** A frame of this launch from the helper. */
  frame(kind: number, data: Buffer): void {
    if (kind === FRAME_STDIN_CLOSED) return void this.stdin.destroy();
    if (kind === FRAME_STDIN_FULL) return void this.stdin.pause();
    if (kind === FRAME_STDIN_ROOM) return void this.stdin.resume();
    const index = kind === FRAME_STDOUT || kind === FRAME_STDOUT_END ? 1 : kind === FRAME_STDERR || kind === FRAME_STDERR_END ? 2 : undefined;
    if (index === undefined) return;
    const chunk = kind === FRAME_STDOUT || kind === FRAME_STDERR ? data : null;
    if (!this.held) return this.deliver(index, chunk);
    this.held.push([index, chunk]);
    this.heldBytes += data.length;
    // A run taken back but not yet claimed must not grow the host without bound.
    if (this.heldBytes <= MAX_HELD_BYTES || this.heldPaused) return;
    this.heldPaused = true;
    for (const stream of [1, 2]) this.send?.(FRAME_PAUSE, Buffer.of(stream));
  }

  /** Output a reconnecting window replays, oldest first: it comes before anything the link brings. */
  replay(chunks: [1 | 2, Buffer][]): void {
    if (this.held) this.held = [...chunks, ...this.held];
    else for (const [index, chunk] of chunks) this.deliver(index, chunk);
  }

  /** The spawn was reported: the child's output may flow. */
  release(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    // Before the held bytes go out: their streams may ask for a pause again.
    if (this.heldPaused) for (const stream of [1, 2]) this.send?.(FRAME_RESUME, Buffer.of(stream));
    for (const [index, chunk] of held) this.deliver(index, chunk);
    this.forwardStdin();
  }

  /** The link never comes or is gone (the launch failed, the helper ended): end every stream. */
  abandon(): void {
    this.release();
    this.stdout.finish();
    this.stderr.finish();
    this.stdin.destroy();
    this.checkDone();
  }

  private deliver(index: 1 | 2, chunk: Buffer | null): void {
    const output = index === 1 ? this.stdout : this.stderr;
    if (chunk) return output.data(chunk);
    output.finish();
    this.checkDone();
  }

  /** Once bound and released: the helper has the run by then, so no input comes before it. */
  private forwardStdin(): void {
    const send = this.send;
    if (!send || this.held || this.stdin.listenerCount('data') > 0) return;
    this.stdin.on('data', (chunk: Buffer) => send(FRAME_STDIN, chunk));
  }

  private checkDone(): void {
    if (!this.onDone || !this.stdinClosed || !this.stdout.finished || !this.stderr.finished) return;
    const done = this.onDone;
    this.onDone = undefined;
    done();
  }
}
