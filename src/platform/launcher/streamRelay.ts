import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { ReplayBuffer, ReplayChunk } from './replayBuffer';

const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;

/**
 * Carries one of a child's output pipes to the host's socket, and keeps its recent bytes for a
 * window that reconnects. While a host reads, a full socket pauses the pipe (the child slows
 * down, as with a direct pipe); with no host, the pipe is read on into the replay buffer, so the
 * child never blocks on a full pipe nor dies of SIGPIPE because its reader went away.
 */
export class OutputRelay {
  private socket: Socket | undefined;
  private ended = false;
  /** What came after a welcome took the replay, until the new host's socket is attached. */
  private backlog: Buffer[] | undefined;
  private backlogBytes = 0;

  constructor(
    private readonly source: Readable,
    private readonly index: ReplayChunk['index'],
    private readonly replay: ReplayBuffer,
  ) {
    source.on('data', (chunk: Buffer) => this.forward(chunk));
    source.on('error', () => undefined);
    source.once('end', () => {
      this.ended = true;
      this.socket?.end();
    });
  }

  /** Sends from now on to this host socket. */
  attach(socket: Socket): void {
    this.detach();
    socket.on('error', () => undefined);
    // Nothing is read back on an output socket; its close means the host went away.
    socket.resume();
    socket.once('close', () => {
      if (this.socket === socket) this.detach();
    });
    this.socket = socket;
    for (const chunk of this.backlog ?? []) socket.write(chunk);
    this.backlog = undefined;
    if (this.ended) socket.end();
  }

  /** The replay was taken: keep what comes next for the socket that will be attached. */
  mark(): void {
    this.backlog = [];
    this.backlogBytes = 0;
  }

  private detach(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    this.source.resume();
  }

  private forward(chunk: Buffer): void {
    this.replay.push(this.index, chunk);
    const socket = this.socket;
    if (!socket && this.backlog) {
      this.backlog.push(chunk);
      this.backlogBytes += chunk.length;
      // A host that never attaches: not kept without bound (the replay buffer still is).
      if (this.backlogBytes > MAX_BACKLOG_BYTES) this.backlog = undefined;
    }
    if (!socket || socket.destroyed || socket.write(chunk)) return;
    this.source.pause();
    socket.once('drain', () => {
      if (this.socket === socket) this.source.resume();
    });
  }
}

/**
 * Carries the host's input to a child's stdin. The host going away is not the end of the input:
 * the child's stdin stays open for the next host, and closes when the child exits.
 */
export class InputRelay {
  private socket: Socket | undefined;

  constructor(private readonly sink: Writable) {
    sink.on('error', () => undefined);
  }

  attach(socket: Socket): void {
    this.detach();
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (this.sink.writable && !this.sink.write(chunk)) {
        socket.pause();
        this.sink.once('drain', () => socket.resume());
      }
    });
    socket.once('close', () => {
      if (this.socket === socket) this.socket = undefined;
    });
    this.socket = socket;
    socket.resume();
  }

  /** The child is gone: the host's end of its stdin learns it from EOF, as with a pipe. */
  childGone(): void {
    this.socket?.end();
    this.sink.destroy();
  }

  private detach(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}
