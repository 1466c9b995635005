import type { Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import type { StdioIndex } from './protocol';

/**
 * A child's stdout or stderr, which exists before its socket arrives. Once joined, the socket's
 * chunks are pushed straight through: a Transform in between cost a tick and a copy of the
 * stream machinery per chunk, a third of the CPU of a flood.
 */
export class SocketOutput extends Readable {
  private socket: Socket | undefined;
  private ended = false;
  /**
   * Nothing is read before the spawn is reported: the child writes as soon as it runs, and its
   * bytes would otherwise overtake the helper's report and come before the "Started" line.
   */
  private held = true;

  join(socket: Socket): void {
    this.socket = socket;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    // Nothing is ever written back on an output socket: at EOF it is done.
    socket.once('end', () => socket.destroy());
    // A reset ends the output as EOF does, so the run still drains and settles.
    socket.once('close', () => this.finish());
    // The server paused it to read the header; a 'data' listener alone does not undo that.
    if (!this.held) socket.resume();
  }

  /** Starts reading: the spawn was reported, or there is nothing to wait for. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.socket?.resume();
  }

  /** No socket will come (the launch failed): end the stream empty. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.push(null);
  }

  override _read(): void {
    if (!this.held) this.socket?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket?.destroy();
    callback(error);
  }
}

/**
 * The stdin, stdout and stderr of a launch in another process: returned at once, joined to the
 * helper's socket for each as it arrives, ended if it never will.
 */
export class LaunchStreams {
  readonly stdin = new PassThrough();
  readonly stdout = new SocketOutput();
  readonly stderr = new SocketOutput();
  private readonly missing = new Set<StdioIndex>([0, 1, 2]);

  constructor() {
    // Writing to a process that closed its stdin must not throw in the caller.
    this.stdin.on('error', () => undefined);
  }

  /** Joins a socket to its stream; true once no stream waits for one any more. */
  attach(index: StdioIndex, socket: Socket): boolean {
    if (!this.missing.delete(index)) {
      socket.destroy();
      return this.missing.size === 0;
    }
    if (index === 0) this.attachStdin(socket);
    else (index === 1 ? this.stdout : this.stderr).join(socket);
    return this.missing.size === 0;
  }

  /** The spawn was reported: the child's output may flow. */
  release(): void {
    this.stdout.release();
    this.stderr.release();
  }

  /** The sockets still missing will never come (the launch failed): end their streams. */
  abandon(): void {
    this.release();
    for (const index of this.missing) {
      if (index === 0) this.stdin.destroy();
      else (index === 1 ? this.stdout : this.stderr).finish();
    }
    this.missing.clear();
  }

  private attachStdin(socket: Socket): void {
    socket.on('error', () => undefined);
    this.stdin.pipe(socket);
    // Reading (and dropping) what a child writes to its stdin is how its end is noticed: EOF
    // there means the child closed it or is gone, so nothing more can be delivered.
    socket.once('end', () => socket.destroy());
    socket.resume();
    socket.once('close', () => this.stdin.destroy());
    // The run destroys stdin when it ends; the child then reads EOF, as with a pipe.
    this.stdin.once('close', () => socket.end());
  }
}
