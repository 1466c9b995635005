import type { TimestampMode } from '../config/outputFields';
import { inPieces } from '../core/textPieces';
import { LineBatch } from '../platform/lineBatch';
import type { OutputLine, OutputStream } from '../platform/outputRing';
import { formatTimestamp } from './timestamps';

/** What one flush may hand an output channel: a flood is cut to its newest lines. */
export const MAX_PENDING_LINES = 5000;
export const MAX_PENDING_CHARS = 1024 * 1024;

/**
 * A line as its output channel shows it: stderr marked, our own notes timed. With `timestamps`
 * every line starts with its time, before the instance `prefix`.
 */
export function formatLine(line: OutputLine, timestamps: TimestampMode = 'none', prefix = ''): string {
  return formatParts(line.stream, line.text, line.at, timestamps, prefix);
}

function formatParts(stream: OutputStream, lineText: string, at: number, timestamps: TimestampMode, prefix: string): string {
  const text = stream === 'stderr' ? `${prefix}[stderr] ${lineText}` : prefix + lineText;
  if (timestamps !== 'none') return `${formatTimestamp(at, timestamps)} ${text}`;
  if (stream === 'system') return `[${new Date(at).toLocaleTimeString()}] ${text}`;
  return text;
}

/** A batch waiting to be shown, from its line `from` on (the ones before were dropped), each line after `prefix`. */
interface Waiting {
  batch: LineBatch;
  from: number;
  prefix: string;
}

/**
 * Lines waiting for the next append to an output channel, bounded by lines and characters.
 * When a process writes faster than the panel should take, the oldest waiting lines are dropped
 * and counted, and the next append says how many. Lines wait in the batches they came in and are
 * formatted when drained, so the ones dropped in a flood cost no more than their count.
 */
export class OutputBuffer {
  private waiting: (Waiting | undefined)[] = [];
  private head = 0;
  private count = 0;
  private chars = 0;
  private dropped = 0;

  constructor(
    private readonly maxLines = MAX_PENDING_LINES,
    private readonly maxChars = MAX_PENDING_CHARS,
  ) {}

  get size(): number {
    return this.count;
  }

  /** A plain line, shown as it is. */
  push(text: string): void {
    this.pushAll([{ stream: 'stdout', text, at: 0 }]);
  }

  /** Lines of one process, each shown after `prefix`. */
  pushAll(lines: readonly OutputLine[], prefix = ''): void {
    this.pushBatch(LineBatch.of([...lines]), prefix);
  }

  /** Lines of one process as the engine batched them, each shown after `prefix`. */
  pushBatch(batch: LineBatch, prefix = ''): void {
    // A batch bigger than the bound would push its own first lines out again: skip them now.
    const skip = Math.max(0, batch.length - this.maxLines);
    if (skip > 0) this.dropped += skip;
    if (skip === batch.length) return;
    this.waiting.push({ batch, from: skip, prefix });
    this.count += batch.length - skip;
    this.chars += prefix.length * (batch.length - skip) + batch.textLengths(skip, batch.length);
    // Past the line bound, the oldest lines go a batch at a time: the same ones as one by one.
    while (this.count > Math.max(1, this.maxLines)) this.dropOldest(this.count - Math.max(1, this.maxLines));
    while (this.count > 1 && this.chars > this.maxChars) this.dropOldest(1);
    // Compact now and then so dropped batches do not stay referenced.
    if (this.head > 64 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops up to `lines` of the oldest waiting batch's lines. */
  private dropOldest(lines: number): void {
    const oldest = this.waiting[this.head]!;
    const drop = Math.min(lines, oldest.batch.length - oldest.from);
    this.chars -= oldest.prefix.length * drop + oldest.batch.textLengths(oldest.from, oldest.from + drop);
    this.count -= drop;
    this.dropped += drop;
    oldest.from += drop;
    // A batch whose lines are all dropped is let go at once: a flood's text is not held till the next drain.
    if (oldest.from === oldest.batch.length) this.waiting[this.head++] = undefined;
  }

  /**
   * The text to append (ending in a newline), with a note first when lines were dropped; '' when
   * empty. Only the lines kept are formatted, each with its time per `timestamps`.
   */
  drain(timestamps: TimestampMode = 'none'): string {
    return this.drainPieces(timestamps).join('');
  }

  /** What `drain` gives, in pieces of whole lines (see `inPieces`); none when empty. */
  drainPieces(timestamps: TimestampMode = 'none'): string[] {
    if (this.count === 0 && this.dropped === 0) return [];
    const kept: string[] = [];
    if (this.dropped > 0) {
      kept.push(`[... ${this.dropped} line${this.dropped === 1 ? '' : 's'} not shown: the output came faster than the panel takes it ...]\n`);
    }
    for (let w = this.head; w < this.waiting.length; w++) {
      const { batch, from, prefix } = this.waiting[w]!;
      // Lines shown as they are and lying one after another in a read are decoded at once, no string each.
      const asRead = timestamps === 'none' && prefix === '' && batch.stream === 'stdout';
      for (let i = from; i < batch.length; ) {
        const end = asRead ? batch.plainRun(i) : i;
        if (end > i + 1) {
          kept.push(`${batch.joined(i, end)}\n`);
          i = end;
        } else {
          kept.push(`${formatParts(batch.streamOf(i), batch.text(i), batch.atOf(i), timestamps, prefix)}\n`);
          i++;
        }
      }
    }
    this.waiting = [];
    this.head = 0;
    this.count = 0;
    this.chars = 0;
    this.dropped = 0;
    return inPieces(kept);
  }
}
