/** What one flush may hand an output channel: a flood is cut to its newest lines. */
export const MAX_PENDING_LINES = 5000;
export const MAX_PENDING_CHARS = 1024 * 1024;

/**
 * Lines waiting for the next append to an output channel, bounded by lines and characters.
 * When a process writes faster than the panel should take, the oldest waiting lines are dropped
 * and counted, and the next append says how many.
 */
export class OutputBuffer {
  private lines: string[] = [];
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

  push(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    while (this.size > 1 && (this.size > this.maxLines || this.chars > this.maxChars)) {
      this.chars -= this.lines[this.head].length;
      this.head++;
      this.dropped++;
    }
    // Compact now and then so dropped lines do not stay referenced.
    if (this.head > 4096 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  /** The text to append (ending in a newline), with a note first when lines were dropped; '' when empty. */
  drain(): string {
    if (this.size === 0 && this.dropped === 0) return '';
    const kept = this.lines.slice(this.head);
    if (this.dropped > 0) {
      kept.unshift(`[... ${this.dropped} line${this.dropped === 1 ? '' : 's'} not shown: the output came faster than the panel takes it ...]`);
    }
    this.lines = [];
    this.head = 0;
    this.chars = 0;
    this.dropped = 0;
    return `${kept.join('\n')}\n`;
  }
}
