/**
 * Holds a run's output streams paused while any holder asks (a log file whose disk fell behind).
 * A paused stream stops reading its pipe, so the process blocks in its own writes, as on a slow
 * terminal: nothing is lost, and what waits in memory stays bounded. A stream that something
 * else resumes (the ingest cap) is paused again at its next chunk.
 */
export class StreamGate {
  private readonly streams = new Set<NodeJS.ReadableStream>();
  private readonly holders = new Set<string>();

  get held(): boolean {
    return this.holders.size > 0;
  }

  /** Follows `stream` until it ends; attach before its readers, so a held stream starts paused. */
  attach(stream: NodeJS.ReadableStream): void {
    this.streams.add(stream);
    const forget = () => this.streams.delete(stream);
    stream.once('end', forget);
    stream.once('close', forget);
    stream.once('error', forget);
    stream.on('data', () => {
      if (this.held) stream.pause();
    });
    if (this.held) stream.pause();
  }

  /** `holder` asks for the streams to be paused (true) or no longer (false). */
  hold(holder: string, held: boolean): void {
    const was = this.held;
    if (held) this.holders.add(holder);
    else this.holders.delete(holder);
    if (was === this.held) return;
    for (const stream of this.streams) {
      if (this.held) stream.pause();
      else stream.resume();
    }
  }
}
