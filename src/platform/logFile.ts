import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** The most one write hands the disk: big enough to batch a flood, small enough to rotate on time. */
const MAX_BATCH_BYTES = 1024 * 1024;
/** After a failure, writes are dropped this long before the file is tried again. */
export const RETRY_AFTER_MS = 10_000;
/** Waiting output above which the file asks for the process's output to be held back. */
export const HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** Waiting output below which a held process may go on. */
export const LOW_WATER_BYTES = 1024 * 1024;

const EMPTY = Buffer.alloc(0);

/** Written where lines were dropped after a failure, before the first line written again. */
const MISSING_NOTE = '[... some output is missing here: it could not be written to this file ...]\n';

// O_NOFOLLOW refuses a symlink put where the file should be; O_NONBLOCK keeps a FIFO there from blocking the open.
const OPEN_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;

export interface RotatingLogFileOptions {
  /** The current file, `NAME.log`; rotated files are `NAME.1.log` (newest) to `NAME.<maxFiles-1>.log`. */
  file: string;
  /** A file is rotated before a write would take it past this size. */
  maxBytes: number;
  /** Files kept, the current one included: at most `maxBytes * maxFiles` bytes on disk. */
  maxFiles: number;
  /** The file cannot be written (once per failure: not again until a write succeeded). */
  onError?: (err: NodeJS.ErrnoException) => void;
  /** More than `highWaterBytes` wait (true), or the wait fell below `lowWaterBytes` again (false). */
  onPressure?: (held: boolean) => void;
  highWaterBytes?: number;
  lowWaterBytes?: number;
  /** Nothing is written before this settles: another writer of the same file finishing its queue. */
  after?: Promise<unknown>;
  now?: () => number;
}

/** `NAME.log` and its rotations: the file the `index`-th rotation lives in (0: the current one). */
export function rotatedPath(file: string, index: number): string {
  if (index === 0) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.${index}${ext}`;
}

/**
 * A log file written in order through one async queue, rotated by size and count. Nothing here
 * blocks the caller: `write` only queues, and one loop hands the queue to the disk in batches.
 * When the disk falls behind, `onPressure` asks the writer's source to hold back. A file that
 * cannot be written (no directory, permission, disk full, a symlink in its place) is reported
 * once and its lines are dropped for a while; the caller's own output is not affected.
 */
export class RotatingLogFile {
  private queue: (string | Buffer)[] = [];
  private scratch = EMPTY;
  private queuedBytes = 0;
  private writing: Promise<void> | undefined;
  private handle: fs.FileHandle | undefined;
  private size = 0;
  private failed = false;
  private retryAt = 0;
  private dropped = 0;
  private pressed = false;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: RotatingLogFileOptions) {
    this.now = options.now ?? Date.now;
  }

  get file(): string {
    return this.options.file;
  }

  /** Characters waiting for the disk (a UTF-16 count, close to bytes for log text). */
  get pending(): number {
    return this.queuedBytes;
  }

  /** Queues `text` (whole lines, each ending in a newline) after everything queued before. */
  write(text: string): void {
    if (this.closed || text === '') return;
    if (this.failed && this.now() < this.retryAt) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      this.dropped = 0;
      this.queue.push(MISSING_NOTE);
      this.queuedBytes += MISSING_NOTE.length;
    }
    this.queue.push(text);
    this.queuedBytes += text.length;
    if (!this.pressed && this.queuedBytes > (this.options.highWaterBytes ?? HIGH_WATER_BYTES)) this.press(true);
    this.writing ??= this.drain();
  }

  /** Resolves once everything queued so far is on its way to the disk (written, or dropped on failure). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Writes what is queued, then closes the file; later writes are ignored. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.closeHandle();
    this.press(false);
  }

  private async drain(): Promise<void> {
    try {
      await this.options.after;
      while (this.queue.length > 0) {
        try {
          await this.writeBatch();
          this.recovered();
        } catch (err) {
          this.fail(err as NodeJS.ErrnoException);
        }
        if (this.pressed && this.queuedBytes < (this.options.lowWaterBytes ?? LOW_WATER_BYTES)) this.press(false);
      }
    } finally {
      // An idle writer holds no scratch buffer: there may be one writer per definition.
      this.scratch = EMPTY;
      this.writing = undefined;
    }
  }

  /** Writes the head of the queue, at most a batch and never past the current file's room. */
  private async writeBatch(): Promise<void> {
    const handle = this.handle ?? (await this.open());
    const batch = this.takeBatch();
    const room = this.options.maxBytes - this.size;
    let cut = batch.length;
    if (batch.length > room) {
      // Cut after the last whole line that fits; a file never ends in half a line.
      cut = room > 0 ? batch.lastIndexOf(0x0a, room - 1) + 1 : 0;
      // A line bigger than a whole file gets a file of its own.
      if (cut === 0 && this.size === 0) cut = batch.indexOf(0x0a) + 1 || batch.length;
    }
    if (cut < batch.length) this.unshift(batch.subarray(cut));
    if (cut > 0) await this.writeAll(handle, batch.subarray(0, cut));
    if (cut < batch.length) await this.rotate();
  }

  /**
   * The head of the queue as bytes, encoded straight into the writer's scratch buffer (reused
   * from batch to batch: one write is in flight at a time), not a buffer per part and a copy.
   */
  private takeBatch(): Buffer {
    let parts = 0;
    let chars = 0;
    while (parts < this.queue.length && (parts === 0 || chars + this.queue[parts].length <= MAX_BATCH_BYTES)) chars += this.queue[parts++].length;
    const taken = this.queue.splice(0, parts);
    this.queuedBytes -= chars;
    if (taken.length === 1 && typeof taken[0] !== 'string') return taken[0];
    // A UTF-16 unit takes at most three bytes of UTF-8.
    if (this.scratch.length < chars * 3) this.scratch = Buffer.allocUnsafe(chars * 3);
    let bytes = 0;
    for (const part of taken) bytes += typeof part === 'string' ? this.scratch.write(part, bytes) : part.copy(this.scratch, bytes);
    return this.scratch.subarray(0, bytes);
  }

  /** What did not fit the file goes back to the head of the queue, copied out of the scratch buffer the next batch reuses. */
  private unshift(rest: Buffer): void {
    this.queue.unshift(Buffer.from(rest));
    this.queuedBytes += rest.length;
  }

  private async writeAll(handle: fs.FileHandle, data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
      this.size += bytesWritten;
    }
  }

  private async open(): Promise<fs.FileHandle> {
    await fs.mkdir(path.dirname(this.options.file), { recursive: true, mode: 0o700 });
    const handle = await fs.open(this.options.file, OPEN_FLAGS, 0o600);
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw Object.assign(new Error(`${this.options.file} is not a regular file`), { code: 'EINVAL' });
      this.size = stat.size;
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
    this.handle = handle;
    // A file left over its size (a lower maxSizeMB since) rotates before the first write.
    if (this.size >= this.options.maxBytes) {
      await this.rotate();
      return this.handle ?? this.open();
    }
    return handle;
  }

  /** `NAME.log` becomes `NAME.1.log`, each older file moves up one, the oldest is deleted. */
  private async rotate(): Promise<void> {
    await this.closeHandle();
    const { file, maxFiles } = this.options;
    // Files left by a larger maxFiles go first: they are older than any kept.
    for (let i = maxFiles; ; i++) {
      if (!(await removeIfThere(rotatedPath(file, i)))) break;
    }
    if (maxFiles <= 1) await removeIfThere(file);
    for (let i = maxFiles - 1; i >= 1; i--) await moveIfThere(rotatedPath(file, i - 1), rotatedPath(file, i));
    this.size = 0;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  private fail(err: NodeJS.ErrnoException): void {
    // What was waiting is dropped with the failed batch: the disk may stay full for a long time.
    this.dropped += this.queue.length + 1;
    this.queue = [];
    this.queuedBytes = 0;
    void this.closeHandle();
    this.retryAt = this.now() + RETRY_AFTER_MS;
    if (this.failed) return;
    this.failed = true;
    this.options.onError?.(err);
  }

  /** A write went through: a later failure is reported again. */
  private recovered(): void {
    this.failed = false;
  }

  private press(held: boolean): void {
    if (this.pressed === held) return;
    this.pressed = held;
    this.options.onPressure?.(held);
  }
}

async function removeIfThere(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function moveIfThere(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
