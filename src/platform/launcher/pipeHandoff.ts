/**
 * A flooding child's output pipe, read by the host itself rather than copied through the helper.
 * The helper passes the pipe to the host it was started by (Node IPC handle passing, SCM_RIGHTS
 * underneath) and keeps its own descriptor open but unread: the child never gets SIGPIPE when the
 * host goes, and the helper reads on from where the host stopped.
 */
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
