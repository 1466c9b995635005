import type { TimestampMode } from '../config/outputFields';
import type { Disposable } from '../core/events';
import type { OutputEvent, ProcessEngine } from '../engine/engine';
import { OutputBuffer } from './outputBuffer';

/** Appends are batched: one append per channel per flush keeps a chatty process cheap. */
export const FLUSH_MS = 100;

/** The one channel every typed command line writes to. */
export const ADHOC_CHANNEL = 'Command lines';

/**
 * The engine's output, batched per definition: what one output channel per definition is given.
 * Kept apart from the channels (no `vscode` here) so a benchmark can measure exactly what a
 * channel receives. A flood is cut to its newest lines per batch, with a note of how many were
 * dropped; lines are formatted only once they are sure to be shown.
 */
export class OutputFeed implements Disposable {
  private readonly pending = new Map<string, OutputBuffer>();
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: Disposable;
  /** `devProcesses.output.timestamps`: applies to every line flushed from now on. */
  timestamps: TimestampMode = 'none';

  constructor(
    private readonly engine: Pick<ProcessEngine, 'onDidOutput' | 'definition'>,
    private readonly append: (name: string, text: string) => void,
    private readonly flushMs = FLUSH_MS,
    /** Rewrites our own lines (not the process's) for display, e.g. paths made relative. */
    private readonly display: (text: string) => string = (text) => text,
  ) {
    this.subscription = engine.onDidOutput((e) => this.enqueue(e));
  }

  /** Hands every waiting line to its channel now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // A flood's text in pieces: none of them so long that only a full collection frees it.
    for (const [name, buffer] of this.pending) for (const piece of buffer.drainPieces(this.timestamps)) this.append(name, piece);
    this.pending.clear();
  }

  private enqueue(e: OutputEvent): void {
    const channel = e.adhoc ? ADHOC_CHANNEL : e.name;
    let buffer = this.pending.get(channel);
    if (!buffer) this.pending.set(channel, (buffer = new OutputBuffer()));
    // Replicas share their definition's channel; a prefix tells their lines apart.
    const prefix = !e.adhoc && (this.engine.definition(e.name)?.instances.max ?? 1) > 1 ? `[#${e.instance}] ` : '';
    // The engine's batches of a process's lines are taken as they are: no object per line.
    if (e.batch && e.batch.stream !== undefined && e.batch.stream !== 'system') buffer.pushBatch(e.batch, prefix);
    else {
      const lines = e.lines.some((l) => l.stream === 'system') ? e.lines.map((l) => (l.stream === 'system' ? { ...l, text: this.display(l.text) } : l)) : e.lines;
      buffer.pushAll(lines, prefix);
    }
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.subscription.dispose();
    this.pending.clear();
  }
}
