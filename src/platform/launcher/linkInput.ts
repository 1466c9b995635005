import { Writable } from 'node:stream';

/**
 * A child's stdin in the host: what is written goes to the helper's data link as it comes, once
 * the stream is joined to it. A plain Writable, not a PassThrough read by a listener: a run has
 * one stream object less to build and to end. Writes wait, in order, while it is not joined yet
 * or the child's stdin is full; `writableLength` counts them, as the input's bound expects.
 */
export class LinkInput extends Writable {
  private send: ((chunk: Buffer) => void) | undefined;
  private full = false;
  /** The write that waits for the link or for room; the stream holds the ones behind it. */
  private waiting: (() => void) | undefined;

  /** Joined to the link: the writes go on from here. */
  join(send: (chunk: Buffer) => void): void {
    this.send = send;
    this.flowOn();
  }

  /** The child's stdin is full, or has room again. */
  setFull(full: boolean): void {
    this.full = full;
    this.flowOn();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.waiting = () => {
      this.send!(chunk);
      callback();
    };
    this.flowOn();
  }

  private flowOn(): void {
    const waiting = this.waiting;
    if (!waiting || !this.send || this.full) return;
    this.waiting = undefined;
    waiting();
  }
}
