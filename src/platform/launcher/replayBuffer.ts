import type { StdioIndex } from './protocol';

/** One chunk a child wrote, and on which stream. */
export interface ReplayChunk {
  index: Exclude<StdioIndex, 0>;
  data: Buffer;
}

const GONE: ReplayChunk = { index: 1, data: Buffer.alloc(0) };

/** What the helper keeps of each run's output by default, for a window that reconnects. */
export const DEFAULT_REPLAY_BYTES = 1024 * 1024;

/**
 * The most recent output of one run, bounded by bytes: the oldest chunks go first. It keeps the
 * chunks as read (no copy), so a flood costs a reference per chunk, not a copy of its bytes.
 */
export class ReplayBuffer {
  private chunks: ReplayChunk[] = [];
  private head = 0;
  private size = 0;
  /** Bytes dropped from the front since the run started. */
  dropped = 0;

  constructor(readonly limit = DEFAULT_REPLAY_BYTES) {}

  get bytes(): number {
    return this.size;
  }

  push(index: ReplayChunk['index'], data: Buffer): void {
    if (this.limit <= 0) return;
    this.chunks.push({ index, data });
    this.size += data.length;
    // The newest chunk stays even when it alone is over the bound.
    while (this.size > this.limit && this.chunks.length - this.head > 1) {
      const old = this.chunks[this.head];
      // Let go now, not at the next compaction: each chunk may hold a whole read buffer.
      this.chunks[this.head++] = GONE;
      this.size -= old.data.length;
      this.dropped += old.data.length;
    }
    // Compacted now and then, so shifting the front stays cheap.
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** The kept chunks, oldest first. */
  contents(): ReplayChunk[] {
    return this.chunks.slice(this.head);
  }
}

/**
 * The same bound and the same chunks kept as a `ReplayBuffer` of one stream, but the bytes copied
 * into one buffer made once and written round: no read's buffer is kept alive, so under a flood
 * each read can be freed by the next young collection instead of waiting for a full one.
 */
export class CopiedTail {
  private store: Buffer | undefined;
  /** Where the next byte goes in `store`. */
  private at = 0;
  /** The lengths of the kept chunks, oldest first from `head`. */
  private lengths: number[] = [];
  private head = 0;
  private size = 0;
  /** The one chunk kept when it alone is over the bound: kept as it is, as a ReplayBuffer does. */
  private whole: Buffer | undefined;

  constructor(
    private readonly index: ReplayChunk['index'],
    readonly limit = DEFAULT_REPLAY_BYTES,
  ) {}

  get bytes(): number {
    return this.size;
  }

  push(data: Buffer): void {
    if (this.limit <= 0) return;
    this.whole = undefined;
    if (data.length > this.limit) {
      this.lengths = [data.length];
      this.head = 0;
      this.size = data.length;
      this.whole = data;
      return;
    }
    const store = (this.store ??= Buffer.allocUnsafe(this.limit));
    const first = Math.min(data.length, this.limit - this.at);
    data.copy(store, this.at, 0, first);
    if (first < data.length) data.copy(store, 0, first);
    this.at = (this.at + data.length) % this.limit;
    this.lengths.push(data.length);
    this.size += data.length;
    // The newest chunk stays; after the others go, what is kept fits the store.
    while (this.size > this.limit && this.lengths.length - this.head > 1) this.size -= this.lengths[this.head++];
    if (this.head > 1024 && this.head * 2 > this.lengths.length) {
      this.lengths = this.lengths.slice(this.head);
      this.head = 0;
    }
  }

  /** The kept chunks, oldest first, each copied out. */
  contents(): ReplayChunk[] {
    if (this.whole) return [{ index: this.index, data: this.whole }];
    const out: ReplayChunk[] = [];
    let start = (this.at - this.size + this.limit) % this.limit;
    for (let i = this.head; i < this.lengths.length; i++) {
      const length = this.lengths[i];
      const data = Buffer.allocUnsafe(length);
      const first = Math.min(length, this.limit - start);
      this.store!.copy(data, 0, start, start + first);
      if (first < length) this.store!.copy(data, first, 0, length - first);
      out.push({ index: this.index, data });
      start = (start + length) % this.limit;
    }
    return out;
  }
}
