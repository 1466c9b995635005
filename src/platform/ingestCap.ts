/** How much output may arrive at once before the cap holds the streams back: a tenth of a second's worth. */
const BURST_SECONDS = 0.1;

/**
 * A per-process cap on how fast its output is read (a leaky bucket). Past the cap the streams
 * are paused: the process then blocks in its own writes, as it would on a slow terminal, so
 * nothing is lost and one flood cannot keep the host's event loop busy. The streams resume once
 * the bucket has drained to half its burst.
 */
export class IngestCap {
  private level = 0;
  private last: number;
  private readonly burst: number;
  private readonly paused = new Set<NodeJS.ReadableStream>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.burst = Math.max(64 * 1024, bytesPerSecond * BURST_SECONDS);
    this.last = now();
  }

  /** Counts a chunk read from `stream`, and pauses it when the bucket is over its burst. */
  take(stream: NodeJS.ReadableStream, bytes: number): void {
    const now = this.now();
    this.level = Math.max(0, this.level - ((now - this.last) * this.bytesPerSecond) / 1000) + bytes;
    this.last = now;
    if (this.level <= this.burst) return;
    stream.pause();
    this.paused.add(stream);
    // Never cancelled: a stream left paused would never end, and its run never finish.
    // Resume at half the burst, not at the burst: a pause per chunk would cost more than the chunk.
    this.timer ??= setTimeout(() => this.release(), ((this.level - this.burst / 2) * 1000) / this.bytesPerSecond);
  }

  private release(): void {
    this.timer = undefined;
    for (const stream of this.paused) stream.resume();
    this.paused.clear();
  }
}
