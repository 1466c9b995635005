import type { ProcessEngine } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import type { TerminalFeed, TerminalScope } from './terminalFeed';

const CTRL_C = '\u0003';

const ESC = '\u001b';

export type InputEngine = Pick<ProcessEngine, 'write' | 'interrupt' | 'restart' | 'spawn'>;

/**
 * Keys typed in a terminal view. A process on a pseudo-terminal gets them as typed (its own
 * terminal echoes, edits lines and turns Ctrl+C into SIGINT). A process on pipes has no terminal
 * of its own, so this does what one would in its usual (line) mode: echo, Backspace, the line sent
 * on Enter, Ctrl+C as SIGINT to the process group. Once nothing runs, Enter starts it again.
 */
export class TerminalInput {
  private line = '';
  private starting = false;
  /** The view's size, for a process on a pseudo-terminal. */
  size: { columns: number; rows: number } | undefined;
  /** Runs that were given the current size. */
  private readonly sized = new Set<string>();

  constructor(
    private readonly engine: InputEngine,
    private readonly scope: TerminalScope,
    private readonly feed: Pick<TerminalFeed, 'liveRuns' | 'runs' | 'echo' | 'follow'>,
    /** Tells the process its window size changed (a pseudo-terminal only). */
    private readonly onResize: (run: ProcessSnapshot, columns: number, rows: number) => void = () => undefined,
  ) {}

  handle(data: string): void {
    const live = this.feed.liveRuns();
    if (live.length === 0) return this.whenEnded(data);
    const target = live[0];
    if (target.tty) return this.send(target, data);
    for (const char of data.startsWith(ESC) ? '' : data) this.cooked(live, char);
  }

  resize(columns: number, rows: number): void {
    this.size = { columns, rows };
    this.sized.clear();
    this.sizeRuns();
  }

  /** Gives the view's size to runs on a pseudo-terminal that have not had it (a run started after the view opened). */
  sizeRuns(): void {
    if (!this.size) return;
    for (const run of this.feed.liveRuns()) {
      if (!run.tty || run.state !== 'running' || this.sized.has(run.id)) continue;
      this.sized.add(run.id);
      this.onResize(run, this.size.columns, this.size.rows);
    }
  }

  private cooked(live: ProcessSnapshot[], char: string): void {
    if (char === CTRL_C) {
      this.line = '';
      this.feed.echo('^C\n');
      for (const run of live) this.engine.interrupt(run.id);
    } else if (char === '\r' || char === '\n') {
      const line = this.line;
      this.line = '';
      this.feed.echo('\n');
      this.send(live[0], `${line}\n`);
    } else if (char === '\u007f' || char === '\b') {
      if (this.line === '') return;
      this.line = this.line.slice(0, -1);
      this.feed.echo('\b \b');
    } else if (char >= ' ') {
      this.line += char;
      this.feed.echo(char);
    }
  }

  private send(run: ProcessSnapshot, text: string): void {
    try {
      this.engine.write(run.id, text);
    } catch (err) {
      this.feed.echo(`\n${err instanceof Error ? err.message : String(err)}\n`);
    }
  }

  private whenEnded(data: string): void {
    if (this.starting || (data !== '\r' && data.toLowerCase() !== 'r')) return;
    this.starting = true;
    const latest = this.feed.runs().at(-1);
    const started = latest ? this.engine.restart(latest.id) : this.engine.spawn(this.scope.name);
    started
      .then((id) => this.feed.follow(id))
      .catch((err: unknown) => this.feed.echo(`\n${err instanceof Error ? err.message : String(err)}\n`))
      .finally(() => (this.starting = false));
  }
}
