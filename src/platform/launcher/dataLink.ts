import * as net from 'node:net';
import { FRAME_DIRECT_BACK, FRAME_PAUSE, FRAME_RESUME, FRAME_STDIN, FRAME_TAIL_STDERR, FRAME_TAIL_STDOUT, FrameReader, linkHeader, writeFrame } from './dataFrames';

/** Output gathered with a run's start beyond this goes out at once. */
const MAX_GATHERED_BYTES = 64 * 1024;

/** What the helper does with the host's frames for one run. */
export interface LinkRoute {
  input(data: Buffer): void;
  /** The host's reader of stdout (1) or stderr (2) is full, or has room again. */
  flow(index: 1 | 2, paused: boolean): void;
  /** The host stopped reading the pipe of this stream it was passed. */
  back(index: 1 | 2): void;
  /** The last bytes the host read from that pipe itself, before it gives it back. */
  tail(index: 1 | 2, data: Buffer): void;
}

/**
 * The helper's end of the data link (dataFrames.ts): one connection to the host's stdio server
 * for the output and input of every run. When the host reads slower than the children write,
 * every writer waits for the socket to drain, as each did on its own socket before.
 */
export class DataLink {
  private readonly routes = new Map<number, LinkRoute>();
  private readonly drainWaiters = new Set<() => void>();
  private readonly closeListeners = new Set<() => void>();
  private corked = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('error', () => undefined);
    const reader = new FrameReader((kind, id, data) => this.frame(kind, id, data));
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('drain', () => {
      const waiters = [...this.drainWaiters];
      this.drainWaiters.clear();
      for (const waiter of waiters) waiter();
    });
    socket.once('close', () => {
      clearTimeout(this.gatherTimer);
      this.gathered.clear();
      this.routes.clear();
      this.drainWaiters.clear();
      for (const listener of [...this.closeListeners]) listener();
      this.closeListeners.clear();
    });
  }

  /** Connects to the host's stdio server and says who we are. */
  static connect(socketPath: string, token: string): Promise<DataLink> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.write(linkHeader(token, process.pid));
        resolve(new DataLink(socket));
      });
    });
  }

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  route(id: number, route: LinkRoute): void {
    if (this.open) this.routes.set(id, route);
  }

  unroute(id: number): void {
    this.routes.delete(id);
  }

  /** Frames of runs that are being gathered (see `gather`), in order. */
  private readonly gathered = new Map<number, { frames: [number, Buffer | undefined][]; bytes: number }>();
  private gatherTimer: NodeJS.Timeout | undefined;

  /**
   * Holds the frames of run `id` from now on until `release(id)`, or `ms` at most: a short-lived
   * child's start, streams' ends and exit then go out in one write and cost the host one read.
   */
  gather(id: number, ms: number): void {
    if (!this.open || this.gathered.has(id)) return;
    this.gathered.set(id, { frames: [], bytes: 0 });
    this.gatherTimer ??= setTimeout(() => {
      this.gatherTimer = undefined;
      for (const held of [...this.gathered.keys()]) this.release(held);
    }, ms);
  }

  /** Sends the frames gathered for run `id`, in order. */
  release(id: number): void {
    const held = this.gathered.get(id);
    if (!held) return;
    this.gathered.delete(id);
    for (const [kind, data] of held.frames) this.send(kind, id, data);
  }

  /** Sends a frame; false when the socket is full (see `whenDrained`). */
  send(kind: number, id: number, data?: Buffer): boolean {
    if (!this.open) return true;
    const held = this.gathered.get(id);
    if (held) {
      held.frames.push([kind, data]);
      held.bytes += data?.length ?? 0;
      // A run that writes this much at once is not short-lived: its output goes on at once.
      if (held.bytes > MAX_GATHERED_BYTES) this.release(id);
      return true;
    }
    // Frames of one turn of the event loop (a child's last chunk, its ends, its exit, another run's
    // output) go out in one write, and cost the host one wake-up.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      setImmediate(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    return writeFrame(this.socket, kind, id, data);
  }

  /** Called once the socket takes more, or not at all if it closes first. */
  whenDrained(waiter: () => void): void {
    if (this.open) this.drainWaiters.add(waiter);
  }

  onClose(listener: () => void): () => void {
    if (!this.open) {
      listener();
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private frame(kind: number, id: number, data: Buffer): void {
    const route = this.routes.get(id);
    if (!route) return;
    if (kind === FRAME_STDIN) route.input(data);
    else if (kind === FRAME_TAIL_STDOUT || kind === FRAME_TAIL_STDERR) route.tail(kind === FRAME_TAIL_STDOUT ? 1 : 2, data);
    else if (data[0] !== 1 && data[0] !== 2) return;
    else if (kind === FRAME_PAUSE || kind === FRAME_RESUME) route.flow(data[0], kind === FRAME_PAUSE);
    else if (kind === FRAME_DIRECT_BACK) route.back(data[0]);
  }
}
