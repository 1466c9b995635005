import type { TimestampMode } from '../config/outputFields';
import type { OutputLine } from '../platform/outputRing';
import { formatTimestamp } from './timestamps';

/** What one flush may hand an output channel: a flood is cut to its newest lines. */
export const MAX_PENDING_LINES = 5000;
export const MAX_PENDING_CHARS = 1024 * 1024;

/**
 * A line as its output channel shows it: stderr marked, our own notes timed. With `timestamps`
 * every line starts with its time, before the instance `prefix`.
 */
export function formatLine(line: OutputLine, timestamps: TimestampMode = 'none', prefix = ''): string {
  const text = line.stream === 'stderr' ? `${prefix}[stderr] ${line.text}` : prefix + line.text;
  if (timestamps !== 'none') return `${formatTimestamp(line.at, timestamps)} ${text}`;
  if (line.stream === 'system') return `[${new Date(line.at).toLocaleTimeString()}] ${text}`;
  return text;
}

/**
 * Lines waiting for the next append to an output channel, bounded by lines and characters.
 * When a process writes faster than the panel should take, the oldest waiting lines are dropped
 * and counted, and the next append says how many. Lines are formatted when drained, so the ones
 * dropped in a flood cost no more than their count.
 */
export class OutputBuffer {
  private lines: OutputLine[] = [];
  private prefixes: string[] = [];
  private head = 0;
  private chars = 0;
  private dropped = 0;

  constructor(
    private readonly maxLines = MAX_PENDING_LINES,
    private readonly maxChars = MAX_PENDING_CHARS,
  ) {}

  get size(): number {
    return this.lines.length - this.head;
  }

  /** A plain line, shown as it is. */
  push(text: string): void {
    this.pushAll([{ stream: 'stdout', text, at: 0 }]);
  }

  /** Lines of one process, each shown after `prefix`. */
  pushAll(lines: readonly OutputLine[], prefix = ''): void {
    // A batch bigger than the bound would push its own first lines out again: skip them now.
    const skip = Math.max(0, lines.length - this.maxLines);
    if (skip > 0) this.dropped += skip;
    for (let i = skip; i < lines.length; i++) {
      this.lines.push(lines[i]);
      this.prefixes.push(prefix);
      this.chars += prefix.length + lines[i].text.length;
    }
    while (this.size > 1 && (this.size > this.maxLines || this.chars > this.maxChars)) {
      this.chars -= this.prefixes[this.head].length + this.lines[this.head].text.length;
      this.head++;
      this.dropped++;
    }
    // Compact now and then so dropped lines do not stay referenced.
    if (this.head > 4096 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.prefixes = this.prefixes.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The text to append (ending in a newline), with a note first when lines were dropped; '' when
   * empty. Only the lines kept are formatted, each with its time per `timestamps`.
   */
  drain(timestamps: TimestampMode = 'none'): string {
    if (this.size === 0 && this.dropped === 0) return '';
    const kept: string[] = [];
    if (this.dropped > 0) {
      kept.push(`[... ${this.dropped} line${this.dropped === 1 ? '' : 's'} not shown: the output came faster than the panel takes it ...]`);
    }
    for (let i = this.head; i < this.lines.length; i++) kept.push(formatLine(this.lines[i], timestamps, this.prefixes[i]));
    this.lines = [];
    this.prefixes = [];
    this.head = 0;
    this.chars = 0;
    this.dropped = 0;
    return `${kept.join('\n')}\n`;
  }
}
