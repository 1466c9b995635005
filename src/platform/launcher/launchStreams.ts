import type { Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import {
  FRAME_DIRECT,
  FRAME_DIRECT_BACK,
  FRAME_DIRECT_FAILED,
  FRAME_PAUSE,
  FRAME_RESUME,
  FRAME_STDERR,
  FRAME_STDERR_END,
  FRAME_STDIN,
  FRAME_STDIN_CLOSED,
  FRAME_STDIN_FULL,
  FRAME_STDIN_ROOM,
  FRAME_STDOUT,
  FRAME_STDOUT_END,
  FRAME_TAIL_STDERR,
  FRAME_TAIL_STDOUT,
} from './dataFrames';
import { ReplayBuffer } from './replayBuffer';

const MAX_HELD_BYTES = 1024 * 1024;

/** What the link brought for a stream: bytes, its end (null), or a pipe handed off (tailBytes: none if it failed). */
type Held = Buffer | null | { tailBytes: number | undefined };

/** Sends a frame of this launch to the helper over its data link. */
export type LinkSend = (kind: number, data?: Buffer) => void;

/**
 * A child's stdout or stderr, fed by the helper's data link. The link's chunks are pushed
 * straight through: a Transform in between cost a tick and a copy of the stream machinery per
 * chunk, a third of the CPU of a flood. A full stream asks the helper to stop reading the child.
 * A flooding stream is read from the child's pipe itself once the helper passed it
 * (pipeHandoff.ts); a full stream then stops reading the pipe, and the child waits as ever.
 */
export class LinkOutput extends Readable {
  private ended = false;
  private paused = false;
  private send: LinkSend | undefined;
  /** A passed pipe whose FRAME_DIRECT has not come yet. */
  private passedPipe: Socket | undefined;
  /** FRAME_DIRECT came and the pipe has not. */
  private awaiting = false;
  /** The pipe being read. */
  private source: Socket | undefined;
  /** The last bytes read from the pipe, for the helper's replay when the pipe goes back. */
  private tail: ReplayBuffer | undefined;
  /** How many times the helper's pipe was read here rather than relayed (tests and benches look). */
  handoffs = 0;

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
    if (this.source) this.source.pause();
    else this.send?.(FRAME_PAUSE, Buffer.of(this.index));
  }

  /** The helper passed the child's pipe (over IPC: it may come before or after its frame). */
  passed(pipe: Socket): void {
    pipe.on('error', () => undefined);
    if (!this.awaiting) {
      this.passedPipe?.destroy();
      this.passedPipe = pipe;
      return;
    }
    this.awaiting = false;
    this.readFrom(pipe);
  }

  /** The helper stopped reading the child: the rest comes from the passed pipe. */
  direct(tailBytes: number): void {
    this.tail = new ReplayBuffer(tailBytes);
    const pipe = this.passedPipe;
    this.passedPipe = undefined;
    if (pipe) this.readFrom(pipe);
    else this.awaiting = true;
  }

  /** The pipe could not be passed: the output comes over the link again. */
  directFailed(): void {
    this.awaiting = false;
    this.passedPipe?.destroy();
    this.passedPipe = undefined;
  }

  /**
   * Stops reading the pipe and gives it back to the helper, with what was read last for its
   * replay: the helper reads on from where this left off, and relays it while the link is open.
   */
  giveBack(): void {
    const source = this.source;
    if (!source) return;
    source.pause();
    // Read from the pipe already: delivered here, not lost with the descriptor.
    if (source.readableLength > 0) source.read();
    this.source = undefined;
    source.destroy();
    const tailKind = this.index === 1 ? FRAME_TAIL_STDOUT : FRAME_TAIL_STDERR;
    for (const { data } of this.tail?.contents() ?? []) this.send?.(tailKind, data);
    this.tail = undefined;
    if (this.paused) this.send?.(FRAME_PAUSE, Buffer.of(this.index));
    this.send?.(FRAME_DIRECT_BACK, Buffer.of(this.index));
  }

  /** The child's stream ended, or nothing more will come: end the stream. */
  finish(): void {
    this.passedPipe?.destroy();
    this.passedPipe = undefined;
    this.source?.destroy();
    this.source = undefined;
    if (this.ended) return;
    this.ended = true;
    this.push(null);
  }

  override _read(): void {
    this.flowOn();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Nobody reads it any more: the child must not wait for it.
    this.giveBack();
    this.flowOn();
    this.passedPipe?.destroy();
    this.ended = true;
    callback(error);
  }

  private readFrom(pipe: Socket): void {
    // Not read any more (its frame came late): the helper reads on.
    if (this.ended || this.destroyed) {
      pipe.destroy();
      this.send?.(FRAME_DIRECT_BACK, Buffer.of(this.index));
      return;
    }
    this.source = pipe;
    this.handoffs++;
    pipe.on('data', (chunk: Buffer) => {
      this.tail?.push(this.index, chunk);
      this.data(chunk);
    });
    // The child closed it (its end: the helper reads that too and ends the stream), or it failed.
    pipe.once('end', () => this.giveBack());
    pipe.once('error', () => this.giveBack());
    if (this.paused) pipe.pause();
    else pipe.resume();
  }

  private flowOn(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.source) this.source.resume();
    else this.send?.(FRAME_RESUME, Buffer.of(this.index));
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
  private held: [1 | 2, Held][] | undefined = [];
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
    let index: 1 | 2 | undefined = kind === FRAME_STDOUT || kind === FRAME_STDOUT_END ? 1 : kind === FRAME_STDERR || kind === FRAME_STDERR_END ? 2 : undefined;
    let chunk: Held = kind === FRAME_STDOUT || kind === FRAME_STDERR ? data : null;
    if (kind === FRAME_DIRECT || kind === FRAME_DIRECT_FAILED) {
      index = data[0] === 1 || data[0] === 2 ? data[0] : undefined;
      chunk = { tailBytes: kind === FRAME_DIRECT && data.length >= 5 ? data.readUInt32BE(1) : undefined };
    }
    if (index === undefined) return;
    if (!this.held) return this.deliver(index, chunk);
    this.held.push([index, chunk]);
    this.heldBytes += data.length;
    // A run taken back but not yet claimed must not grow the host without bound.
    if (this.heldBytes <= MAX_HELD_BYTES || this.heldPaused) return;
    this.heldPaused = true;
    for (const stream of [1, 2]) this.send?.(FRAME_PAUSE, Buffer.of(stream));
  }

  /** The helper passed the pipe of this stream: it is read once its FRAME_DIRECT is delivered. */
  pipe(index: 1 | 2, pipe: Socket): void {
    (index === 1 ? this.stdout : this.stderr).passed(pipe);
  }

  /** Stops reading passed pipes: the helper reads them on (a graceful reload, for its replay). */
  giveBack(): void {
    this.stdout.giveBack();
    this.stderr.giveBack();
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

  private deliver(index: 1 | 2, chunk: Held): void {
    const output = index === 1 ? this.stdout : this.stderr;
    if (Buffer.isBuffer(chunk)) return output.data(chunk);
    if (chunk) return chunk.tailBytes === undefined ? output.directFailed() : output.direct(chunk.tailBytes);
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
