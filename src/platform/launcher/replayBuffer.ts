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
