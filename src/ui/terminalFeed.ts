import { DisposableStore, type Disposable } from '../core/events';
import { inPieces } from '../core/textPieces';
import type { OutputEvent, ProcessEngine, WriteEvent } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { isFinal } from '../engine/run/stateMachine';
import type { OutputLine } from '../platform/outputRing';

/** Writes are batched: one write per frame keeps a chatty process cheap for the editor. */
export const TERMINAL_FLUSH_MS = 16;
/** Text waiting for the next write, at most; under a flood the oldest is skipped, and the terminal says so. */
export const MAX_PENDING_CHARS = 256 * 1024;

const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/** Which runs a terminal shows: a definition's (every replica, or one), or one typed command line's. */
export interface TerminalScope {
  name: string;
  /** One replica only; undefined for all of them. */
  instance?: number;
  /** A typed command line's run, which has no definition to follow. */
  runId?: string;
}

export type TerminalEngine = Pick<ProcessEngine, 'onDidWrite' | 'onDidOutput' | 'onDidChange' | 'list' | 'output' | 'unfinishedOutput' | 'definition'>;

export interface TerminalFeedOptions {
  flushMs?: number;
  maxPendingChars?: number;
  /** Lines of recent output replayed when the terminal opens. */
  replayLines?: number;
  /** Say how to start it again once nothing runs; false where the terminal closes instead (a task's). */
  endNote?: boolean;
}

/**
 * What a terminal view shows for its scope: the recent output replayed with its colours, then
 * the output as written, live, with our own lines dimmed and replicas told apart by a prefix.
 * Newlines become CRLF (a terminal moves down without returning otherwise). No `vscode` here, so
 * a benchmark can measure what a terminal view costs the host.
 */
export class TerminalFeed implements Disposable {
  private readonly subscriptions = new DisposableStore();
  private pending: (string | RawText)[] = [];
  private pendingChars = 0;
  private skippedChars = 0;
  private timer: NodeJS.Timeout | undefined;
  private atLineStart = true;
  private lastSource: string | undefined;
  /** The terminal already said that nothing runs and how to start it again. */
  private toldEnded = false;

  constructor(
    private readonly engine: TerminalEngine,
    private readonly scope: TerminalScope,
    private readonly write: (data: string) => void,
    private readonly options: TerminalFeedOptions = {},
  ) {}

  /** Replays the recent output, then follows the live output. */
  start(): void {
    this.replay();
    this.subscriptions.add(this.engine.onDidWrite((e) => this.matches(e) && this.emit(e.id, this.prefixOf(e.instance), e.text)));
    this.subscriptions.add(this.engine.onDidOutput((e) => this.matches(e) && this.emitSystem(e)));
    this.subscriptions.add(this.engine.onDidChange((run) => run && this.matches(run) && this.stateChanged()));
    if (this.runs().length > 0) this.stateChanged();
    else this.emitNote(`"${this.scope.name}" is not running. Press Enter to start it.`);
  }

  /** A typed command line's terminal follows its run's restarts, which get new ids. */
  follow(runId: string): void {
    if (this.scope.runId !== undefined) this.scope.runId = runId;
  }

  /** The scope's runs that have a process or will: input and Ctrl+C go to these. */
  liveRuns(): ProcessSnapshot[] {
    return this.runs().filter((r) => !isFinal(r.state));
  }

  /** The scope's newest run per replica, oldest instance first. */
  runs(): ProcessSnapshot[] {
    const latest = new Map<number, ProcessSnapshot>();
    for (const run of this.engine.list()) if (this.matches(run)) latest.set(run.instance, run);
    return [...latest.values()].sort((a, b) => a.instance - b.instance);
  }

  /** A line of our own, dimmed, after whatever was written so far. */
  note(text: string): void {
    this.emitNote(text);
  }

  /** Shows what the user typed where a terminal would echo it (a process on pipes cannot). */
  echo(text: string): void {
    this.emit('input', '', text);
  }

  /** Writes whatever waits now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    // The newest text first, its newlines made the terminal's only now: what the longer line ends
    // take the text past the bound is skipped too, oldest first, as when it came.
    const max = this.options.maxPendingChars ?? MAX_PENDING_CHARS;
    const kept: string[] = [];
    let chars = 0;
    let oldest = this.pending.length - 1;
    for (; oldest >= 0; oldest--) {
      const part = this.pending[oldest];
      const text = typeof part === 'string' ? part : part.forTerminal();
      if (kept.length > 0 && chars + text.length > max) break;
      kept.push(text);
      chars += text.length;
    }
    for (let i = 0; i <= oldest; i++) this.skippedChars += this.pending[i].length;
    kept.reverse();
    if (this.skippedChars > 0) {
      kept.unshift(`${RESET}\r\n${DIM}[${Math.ceil(this.skippedChars / 1024)} KB of output skipped to keep up; the output channel and log file have it all]${RESET}\r\n`);
      this.skippedChars = 0;
    }
    this.pending = [];
    this.pendingChars = 0;
    // In pieces: none of a flood's so long that only a full collection frees it.
    for (const piece of inPieces(kept)) this.write(piece);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscriptions.dispose();
    this.pending = [];
  }

  private matches(e: Pick<OutputEvent | WriteEvent | ProcessSnapshot, 'id' | 'name' | 'instance' | 'adhoc'>): boolean {
    if (this.scope.runId !== undefined) return e.id === this.scope.runId;
    return !e.adhoc && e.name === this.scope.name && (this.scope.instance === undefined || e.instance === this.scope.instance);
  }

  /** Replicas sharing one terminal: "[#1] " before each of their lines. */
  private prefixOf(instance: number): string {
    if (this.scope.instance !== undefined || this.scope.runId !== undefined) return '';
    return (this.engine.definition(this.scope.name)?.instances.max ?? 1) > 1 ? `${DIM}[#${instance}]${RESET} ` : '';
  }

  private replay(): void {
    const lines: { line: OutputLine; id: string; prefix: string }[] = [];
    const runs = this.runs();
    for (const run of runs) {
      const prefix = this.prefixOf(run.instance);
      for (const line of this.engine.output(run.id)) lines.push({ line, id: run.id, prefix });
    }
    // Stable: lines of one run keep their order; replicas interleave by time.
    lines.sort((a, b) => a.line.at - b.line.at);
    for (const { line, id, prefix } of lines.slice(-(this.options.replayLines ?? 1000))) {
      if (line.stream === 'system') this.emitLine(id, prefix, `${DIM}${line.text}${RESET}`);
      else this.emit(id, prefix, `${line.raw ?? line.text}\n`);
    }
    for (const run of runs) {
      const unfinished = this.engine.unfinishedOutput(run.id);
      if (unfinished !== '') this.emit(run.id, this.prefixOf(run.instance), unfinished);
    }
  }

  private emitSystem(e: OutputEvent): void {
    // A batch of a process's own lines has none of ours: no line objects made for it.
    if (e.batch?.stream !== undefined && e.batch.stream !== 'system') return;
    const prefix = this.prefixOf(e.instance);
    for (const line of e.lines) if (line.stream === 'system') this.emitLine(e.id, prefix, `${DIM}${line.text}${RESET}`);
  }

  /** A run of the scope changed: once nothing of it runs any more, say how to start it again. */
  private stateChanged(): void {
    if (this.liveRuns().length > 0) {
      this.toldEnded = false;
      return;
    }
    if (this.toldEnded || this.options.endNote === false) return;
    this.toldEnded = true;
    this.emitNote('Press Enter to restart, or close this terminal.');
  }

  private emitNote(text: string): void {
    this.emitLine('note', '', `${DIM}${text}${RESET}`);
  }

  /** A whole line of our own, on a line of its own. */
  private emitLine(source: string, prefix: string, text: string): void {
    if (!this.atLineStart) this.push('\r\n');
    this.atLineStart = true;
    this.emit(source, prefix, `${text}\n`);
  }

  /** Text from one source; another source's unfinished line is ended first so they do not mix. */
  private emit(source: string, prefix: string, text: string): void {
    if (source !== this.lastSource && !this.atLineStart && source !== 'input') {
      this.push('\r\n');
      this.atLineStart = true;
    }
    this.lastSource = source;
    if (prefix === '') {
      // The common case, and a flood's: the newlines are made the terminal's when flushed, so
      // text skipped to keep up is never converted.
      this.push(text, true);
      if (text !== '') this.atLineStart = text.endsWith('\n');
      return;
    }
    let start = 0;
    let out = '';
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      if (this.atLineStart && prefix !== '') out += prefix;
      out += text.slice(start, newline === 0 || text[newline - 1] !== '\r' ? newline : newline - 1) + '\r\n';
      this.atLineStart = true;
      start = newline + 1;
    }
    if (start < text.length) {
      if (this.atLineStart && prefix !== '') out += prefix;
      out += start === 0 ? text : text.slice(start);
      this.atLineStart = false;
    }
    this.push(out);
  }

  /** `raw`: the text's newlines are still the process's, made `\r\n` when flushed. */
  private push(data: string, raw = false): void {
    if (data === '') return;
    this.pending.push(raw ? new RawText(data) : data);
    this.pendingChars += data.length;
    const max = this.options.maxPendingChars ?? MAX_PENDING_CHARS;
    while (this.pendingChars > max && this.pending.length > 1) {
      const dropped = this.pending.shift()!;
      this.pendingChars -= dropped.length;
      this.skippedChars += dropped.length;
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.flushMs ?? TERMINAL_FLUSH_MS);
  }
}

/** A process's text as it wrote it, its newlines made a terminal's only if it is shown. */
class RawText {
  constructor(private readonly text: string) {}

  get length(): number {
    return this.text.length;
  }

  forTerminal(): string {
    // With no `\r` in the text, a plain replacement of every newline, cheaper than the expression.
    return this.text.indexOf('\r') === -1 ? this.text.replaceAll('\n', '\r\n') : this.text.replace(/\r?\n/g, '\r\n');
  }
}
