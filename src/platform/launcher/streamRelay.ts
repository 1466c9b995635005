import type { Readable, Writable } from 'node:stream';
import { FRAME_DIRECT, FRAME_DIRECT_FAILED, FRAME_STDERR, FRAME_STDERR_END, FRAME_STDIN_CLOSED, FRAME_STDIN_FULL, FRAME_STDIN_ROOM, FRAME_STDOUT, FRAME_STDOUT_END } from './dataFrames';
import type { DataLink } from './dataLink';
import { canHandOff, FLOOD_BYTES, FLOOD_WINDOW_MS, startReading, stopReading, type PassPipe } from './pipeHandoff';
import type { ReplayBuffer, ReplayChunk } from './replayBuffer';

const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;

/**
 * Carries one of a child's output pipes to the host over the data link, and keeps its recent
 * bytes for a window that reconnects. While a host reads, a full link or a full reader in the host
 * pauses the pipe (the child slows down, as with a direct pipe); with no host, the pipe is read on
 * into the replay buffer, so the child never blocks on a full pipe nor dies of SIGPIPE because its
 * reader went away. A stream that floods is handed off (pipeHandoff.ts): the host reads the pipe
 * itself until it gives it back or goes away, and the helper then reads on.
 */
export class OutputRelay {
  private link: DataLink | undefined;
  private id = 0;
  private ended = false;
  /** The host's reader of this stream is full. */
  private hostPaused = false;
  /** Waiting for the link to drain. */
  private linkFull = false;
  private stopListening: (() => void) | undefined;
  /** What came after a welcome took the replay, until the new host's link is attached. */
  private backlog: Buffer[] | undefined;
  private backlogBytes = 0;
  /** The host reads the pipe itself: the helper does not. */
  private direct = false;
  /** The pipe was offered to this link already (once per link: a refusal is not retried). */
  private offered: DataLink | undefined;
  private windowStart = 0;
  private windowBytes = 0;

  constructor(
    private readonly source: Readable,
    private readonly index: ReplayChunk['index'],
    private readonly replay: ReplayBuffer | undefined,
    onEnd: () => void = () => undefined,
    /** How the pipe is passed to the host; none: it is always relayed. */
    private readonly pass?: PassPipe,
  ) {
    source.on('data', (chunk: Buffer) => this.forward(chunk));
    source.on('error', () => undefined);
    source.once('end', () => {
      this.ended = true;
      this.link?.send(this.index === 1 ? FRAME_STDOUT_END : FRAME_STDERR_END, this.id);
      onEnd();
    });
  }

  get finished(): boolean {
    return this.ended;
  }

  /** Sends from now on over this host's link, as the output of launch `id`. */
  attach(link: DataLink, id: number): void {
    this.detach();
    this.link = link;
    this.id = id;
    // The link's end means the host went away.
    this.stopListening = link.onClose(() => {
      if (this.link === link) this.detach();
    });
    if (this.link !== link) return;
    for (const chunk of this.backlog ?? []) link.send(this.index === 1 ? FRAME_STDOUT : FRAME_STDERR, id, chunk);
    this.backlog = undefined;
    if (this.ended) link.send(this.index === 1 ? FRAME_STDOUT_END : FRAME_STDERR_END, id);
  }

  /** The host's reader is full, or has room again. */
  flow(paused: boolean): void {
    this.hostPaused = paused;
    this.update();
  }

  /** The host stopped reading the pipe it was passed: the helper reads it again. */
  back(): void {
    if (!this.direct) return;
    this.direct = false;
    startReading(this.source);
    this.update();
  }

  /** The last bytes the host read itself, for the replay: they came after what the helper read. */
  tail(chunk: Buffer): void {
    if (this.direct) this.replay?.push(this.index, chunk);
  }

  /** The replay was taken: keep what comes next for the link that will be attached. */
  mark(): void {
    this.backlog = [];
    this.backlogBytes = 0;
  }

  private detach(): void {
    this.stopListening?.();
    this.stopListening = undefined;
    this.link = undefined;
    this.hostPaused = false;
    this.linkFull = false;
    // A host that read the pipe itself went with it: read on from where it stopped.
    this.back();
    this.update();
  }

  private update(): void {
    if (this.direct || this.hostPaused || this.linkFull) this.source.pause();
    else this.source.resume();
  }

  /** Counts a flood: enough bytes within one window, while the host keeps up. */
  private flooding(bytes: number): boolean {
    const now = performance.now();
    if (now - this.windowStart > FLOOD_WINDOW_MS) {
      this.windowStart = now;
      this.windowBytes = 0;
    }
    this.windowBytes += bytes;
    return this.windowBytes >= FLOOD_BYTES;
  }

  /**
   * Hands the pipe to the host. Order is kept: reading stops at the descriptor, what the stream
   * had buffered goes over the link, then the frame that says the host reads on from the pipe.
   */
  private handOff(link: DataLink): void {
    if (!this.pass || this.offered === link || this.hostPaused || this.ended || !canHandOff(this.source)) return;
    this.offered = link;
    if (!stopReading(this.source)) return;
    this.direct = true;
    // Emitted as 'data', so sent as ever by `forward`.
    if (this.source.readableLength > 0) this.source.read();
    const payload = Buffer.alloc(5);
    payload[0] = this.index;
    payload.writeUInt32BE(Math.min(this.replay?.limit ?? 0, 0xffffffff), 1);
    link.send(FRAME_DIRECT, this.id, payload);
    const id = this.id;
    this.pass(id, this.index, this.source, (passed) => {
      if (passed || this.link !== link || !this.direct) return;
      link.send(FRAME_DIRECT_FAILED, id, Buffer.of(this.index));
      this.back();
    });
  }

  private forward(chunk: Buffer): void {
    this.replay?.push(this.index, chunk);
    const link = this.link;
    if (!link && this.backlog) {
      this.backlog.push(chunk);
      this.backlogBytes += chunk.length;
      // A host that never attaches: not kept without bound (the replay buffer still is).
      if (this.backlogBytes > MAX_BACKLOG_BYTES) this.backlog = undefined;
    }
    if (!link) return;
    if (!link.send(this.index === 1 ? FRAME_STDOUT : FRAME_STDERR, this.id, chunk) && !this.linkFull) {
      this.linkFull = true;
      this.update();
      link.whenDrained(() => {
        if (this.link !== link) return;
        this.linkFull = false;
        this.update();
      });
    }
    // After this chunk went: what the stream buffered behind it goes next.
    if (!this.direct && this.flooding(chunk.length)) this.handOff(link);
  }
}

/**
 * Carries the host's input to a child's stdin. The host going away is not the end of the input:
 * the child's stdin stays open for the next host, and closes when the child exits.
 */
export class InputRelay {
  private link: DataLink | undefined;
  private id = 0;
  private full = false;

  constructor(private readonly sink: Writable) {
    sink.on('error', () => undefined);
  }

  attach(link: DataLink, id: number): void {
    this.link = link;
    this.id = id;
  }

  /** Bytes the host wrote to the child's stdin; a child that does not read makes the host hold them. */
  write(chunk: Buffer): void {
    if (!this.sink.writable || this.sink.write(chunk) || this.full) return;
    this.full = true;
    this.link?.send(FRAME_STDIN_FULL, this.id);
    this.sink.once('drain', () => {
      this.full = false;
      this.link?.send(FRAME_STDIN_ROOM, this.id);
    });
  }

  /** The child is gone: the host's end of its stdin learns it, as with a pipe. */
  childGone(): void {
    this.link?.send(FRAME_STDIN_CLOSED, this.id);
    this.sink.destroy();
  }
}
