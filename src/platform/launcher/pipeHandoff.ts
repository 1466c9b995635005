/**
 * A flooding child's output pipe, read by the host itself rather than copied through the helper.
 * The helper passes the pipe to the host it was started by (Node IPC handle passing, SCM_RIGHTS
 * underneath) and keeps its own descriptor open but unread: the child never gets SIGPIPE when the
 * host goes, and the helper reads on from where the host stopped.
 */
import { Socket, type SocketConstructorOpts } from 'node:net';
import type { Readable } from 'node:stream';

/** A stream is a flood once it moves this many bytes within one window. */
export const FLOOD_BYTES = 1024 * 1024;
export const FLOOD_WINDOW_MS = 1000;

/** Passes a child's pipe to the host; `done(false)` when it could not be sent. */
export type PassPipe = (id: number, index: 1 | 2, pipe: Readable, done: (passed: boolean) => void) => void;

/** The libuv handle under a socket-backed stream, as far as reading goes. */
interface StreamHandle {
  reading: boolean;
  readStart(): number;
  readStop(): number;
}

function handleOf(stream: Readable): StreamHandle | undefined {
  const handle = (stream as unknown as { _handle?: Partial<StreamHandle> | null })._handle;
  return handle && typeof handle.readStart === 'function' && typeof handle.readStop === 'function' ? (handle as StreamHandle) : undefined;
}

/** Can be stopped at the descriptor (a pipe or socket of a child), not only at the stream. */
export function canHandOff(stream: Readable): boolean {
  return handleOf(stream) !== undefined && !stream.readableEnded && !stream.destroyed;
}

/**
 * Stops reading at the descriptor, at once: pausing the stream alone lets Node read on until its
 * buffer is full, and those bytes would come after what the host reads next. The handle is marked
 * as reading so the stream itself never starts it again; `startReading` does. What the stream has
 * buffered is left for the caller to take with `read()`.
 */
export function stopReading(stream: Readable): boolean {
  const handle = handleOf(stream);
  if (!handle) return false;
  stream.pause();
  handle.readStop();
  handle.reading = true;
  return true;
}

/** Reads the descriptor again after `stopReading`; the stream's flow is the caller's. */
export function startReading(stream: Readable): void {
  const handle = handleOf(stream);
  if (!handle || stream.destroyed) return;
  handle.reading = true;
  handle.readStart();
}

/** What one read of a handed-off pipe takes at most: libuv's usual read size. */
const READ_BYTES = 64 * 1024;
/**
 * The buffer every handed-off pipe is read into. A read is handed on and copied out before the
 * next one can come (libuv reads one handle at a time, on this thread), so one is enough for all.
 */
let readBuffer: Buffer | undefined;

/**
 * Reads `pipe`'s descriptor from now on into one buffer, reused for every read, instead of a
 * fresh buffer per read: a flood then allocates only what its readers keep, and the collector is
 * not paced by read buffers waiting to be freed. `onRead` gets a view of the buffer, valid only
 * during the call; it returns false to stop reading (`resume()` reads on). What `pipe` had
 * already read comes first, as `buffered`. Undefined when the descriptor cannot be taken over.
 */
export function readInto(pipe: Socket, onRead: (view: Buffer) => boolean): { socket: Socket; buffered: Buffer | null } | undefined {
  const handle = handleOf(pipe);
  if (!handle || pipe.destroyed) return undefined;
  stopReading(pipe);
  const buffered = pipe.readableLength > 0 ? (pipe.read() as Buffer | null) : null;
  // The descriptor now belongs to the new socket: the old one lets go of it without closing it.
  (pipe as unknown as { _handle: StreamHandle | null })._handle = null;
  pipe.destroy();
  handle.reading = false;
  const buffer = (readBuffer ??= Buffer.allocUnsafeSlow(READ_BYTES));
  const options = { handle, readable: true, writable: false, manualStart: true, onread: { buffer, callback: (n: number, buf: Buffer) => onRead(buf.subarray(0, n)) } };
  return { socket: new Socket(options as SocketConstructorOpts), buffered };
}

/**
 * A stream that can hand its `data` listeners views of a reused buffer instead of chunks of
 * their own, once its reader asks (`lendReads`) and promises to copy whatever it keeps: no
 * listener may hold on to such a chunk past its call.
 */
export interface LendsReads {
  lendReads(): void;
}

/** Asks `stream` to lend its reads when it can; whether it may. */
export function lendReads(stream: NodeJS.ReadableStream): boolean {
  const lender = stream as Partial<LendsReads>;
  if (typeof lender.lendReads !== 'function') return false;
  lender.lendReads();
  return true;
}

/**
 * The last `size` bytes of a stream, copied into one buffer as they pass (the reads themselves
 * may be reused): what the helper replays when a handed-off pipe goes back to it.
 */
export class TailRing {
  /** Grown as bytes come, up to `size`: a large bound costs nothing for a short flood. */
  private buffer = Buffer.alloc(0);
  /** Where the next byte goes; the oldest kept byte is there too once the ring is full. */
  private at = 0;
  private full = false;

  constructor(private readonly size: number) {}

  push(bytes: Buffer): void {
    if (this.size <= 0 || bytes.length === 0) return;
    if (bytes.length >= this.size) {
      if (this.buffer.length < this.size) this.buffer = Buffer.allocUnsafeSlow(this.size);
      bytes.copy(this.buffer, 0, bytes.length - this.size);
      this.at = 0;
      this.full = true;
      return;
    }
    if (!this.full && this.at + bytes.length > this.buffer.length && this.buffer.length < this.size) this.grow(this.at + bytes.length);
    const length = this.buffer.length;
    const first = bytes.copy(this.buffer, this.at);
    if (first < bytes.length) bytes.copy(this.buffer, 0, first);
    const next = this.at + bytes.length;
    // Below its full size the buffer was grown to hold the bytes: it has not wrapped.
    if (length < this.size) {
      this.at = next;
      return;
    }
    if (next >= length) this.full = true;
    this.at = next % length;
  }

  private grow(needed: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.min(this.size, Math.max(needed, 2 * this.buffer.length, READ_BYTES)));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }

  /** The kept bytes, oldest first, as copies. */
  contents(): Buffer[] {
    if (!this.full) return this.at === 0 ? [] : [Buffer.from(this.buffer.subarray(0, this.at))];
    return [Buffer.from(this.buffer.subarray(this.at)), Buffer.from(this.buffer.subarray(0, this.at))].filter((part) => part.length > 0);
  }
}
