// No `vscode` import: the log panel's model and its traffic to the webview, unit-tested in plain
// Node with a fake engine and a fake clock.
import type { Disposable } from '../../core/events';
import type { OutputEvent, ProcessEngine } from '../../engine/engine';
import { DEFAULT_LOG_LIMITS, LogLines, STREAMS, type LogLimits, type LogLine } from '../../shared/logLines';
import { LOG_LIMITS, type HostMessage, type LogSource } from '../../shared/logsProtocol';
import { Coalescer, realTimers, type Timers } from '../coalesce';

/** Lines reach the webview in batches, at most this often, however fast processes write. */
export const LOG_FLUSH_MS = 100;
/** Batches posted and not yet acknowledged: beyond this the host holds lines back (a slow view). */
export const MAX_IN_FLIGHT = 2;
/** Characters of a command line shown as an ad-hoc run's prefix. */
const ADHOC_LABEL_CHARS = 32;

export type LogEngine = Pick<ProcessEngine, 'onDidOutput' | 'list' | 'output' | 'definition' | 'definitions'>;

export interface LogFeedOptions {
  /** Receives every message for the webview, in order. */
  post: (message: HostMessage) => void;
  /** The timestamp shown before a line; none when undefined. */
  formatTime?: (at: number) => string;
  limits?: LogLimits;
  flushMs?: number;
  timers?: Timers;
}

const STREAM_CODE: Record<string, number> = Object.fromEntries(STREAMS.map((s, i) => [s, i]));

/**
 * Every run's lines merged in time order, kept within bounds, and the webview's copy of them:
 * the backlog of each listed run when made, then live output gathered for `flushMs` and sent
 * as one batch. The webview acknowledges each batch; with `MAX_IN_FLIGHT` unanswered, lines wait
 * (the newest kept), so a flood cannot fill the channel faster than the view takes it.
 */
export class LogFeed implements Disposable {
  readonly store: LogLines;
  private readonly sources = new Map<string, LogSource>();
  private readonly keys: LogSource[] = [];
  /**
   * A colour per name, in the order the names first show up here: the processes on screen get
   * distinct colours while there are fewer of them than colours, however many are defined.
   */
  private readonly colors = new Map<string, number>();
  /** Lines not yet given to the store (gathered between flushes). */
  private pending: LogLine[] = [];
  /** Lines in the store the webview has not been sent yet, oldest first. */
  private outbox: LogLine[] = [];
  /** Source keys the webview knows. */
  private readonly known = new Set<number>();
  /** Lines dropped before reaching the store or the webview (a flood beyond the bounds). */
  private skipped = 0;
  private ready = false;
  private inFlight = 0;
  private batch = 0;
  /** The last batch posted before the latest reset: its acknowledgement no longer counts. */
  private resetAfter = 0;
  private readonly flusher: Coalescer;
  private readonly subscription: Disposable;

  constructor(
    private readonly engine: LogEngine,
    private readonly options: LogFeedOptions,
  ) {
    const limits = options.limits ?? DEFAULT_LOG_LIMITS;
    this.store = new LogLines(limits);
    const interval = options.flushMs ?? LOG_FLUSH_MS;
    this.flusher = new Coalescer(() => this.flush(), interval, interval, options.timers ?? realTimers);
    // The backlog first, then live lines: both happen on this tick, so none is missed or doubled.
    const backlog: LogLine[] = [];
    for (const run of engine.list()) {
      const src = this.sourceOf(run).key;
      for (const line of engine.output(run.id)) backlog.push({ at: line.at, src, stream: STREAM_CODE[line.stream] ?? 0, text: line.text });
    }
    this.store.insert(backlog);
    this.subscription = engine.onDidOutput((e) => this.enqueue(e));
  }

  /** The webview has (re)loaded: it gets every kept line again, from a clean slate. */
  resend(): void {
    this.ready = true;
    this.inFlight = 0;
    this.resetAfter = this.batch;
    this.known.clear();
    this.outbox = this.store.toArray();
    this.options.post({ type: 'reset', maxLines: this.store.limits.maxLines, timestamps: this.options.formatTime !== undefined });
    this.pump();
  }

  /** The webview is gone (hidden): nothing is posted until it says ready again. */
  pause(): void {
    this.ready = false;
    this.outbox = [];
  }

  /** The webview has applied batch `n`. */
  acknowledge(n: number): void {
    if (n > this.batch || n <= this.resetAfter || this.inFlight === 0) return;
    this.inFlight--;
    this.pump();
  }

  /** The timestamp format changed: the view is sent everything again, formatted anew. */
  setFormatTime(format: ((at: number) => string) | undefined): void {
    this.options.formatTime = format;
    if (this.ready) this.resend();
  }

  /** Lines dropped so far: the oldest beyond the bounds, and what a flood skipped. */
  get dropped(): number {
    return this.store.dropped + this.skipped;
  }

  /** The source of a run whose lines the feed has had. */
  sourceByRun(runId: string): LogSource | undefined {
    return this.sources.get(runId);
  }

  private sourceOf(run: { id: string; name: string; instance: number; adhoc?: boolean }): LogSource {
    let source = this.sources.get(run.id);
    if (source) return source;
    const spec = run.adhoc ? undefined : this.engine.definition(run.name);
    const replicated = run.instance > 0 || (spec?.instances.max ?? 1) > 1;
    const label = run.adhoc
      ? run.name.length > ADHOC_LABEL_CHARS ? `${run.name.slice(0, ADHOC_LABEL_CHARS - 1)}…` : run.name
      : replicated ? `${run.name}#${run.instance}` : run.name;
    let color = this.colors.get(run.name);
    if (color === undefined) this.colors.set(run.name, (color = this.colors.size % LOG_LIMITS.colors));
    source = { key: this.keys.length, runId: run.id, name: run.name, label, color };
    this.sources.set(run.id, source);
    this.keys.push(source);
    return source;
  }

  private enqueue(e: OutputEvent): void {
    const src = this.sourceOf(e).key;
    // By the batch when there is one: the view keeps lines of its own shape, the engine's line objects are not needed.
    const batch = e.batch;
    if (batch) for (let i = 0; i < batch.length; i++) this.pending.push({ at: batch.atOf(i), src, stream: STREAM_CODE[batch.streamOf(i)] ?? 0, text: batch.text(i) });
    else for (const line of e.lines) this.pending.push({ at: line.at, src, stream: STREAM_CODE[line.stream] ?? 0, text: line.text });
    // A flood between two flushes: only the newest lines could be kept anyway.
    const max = this.store.limits.maxLines;
    if (this.pending.length > 2 * max) {
      this.skipped += this.pending.length - max;
      this.pending = this.pending.slice(-max);
    }
    this.flusher.poke();
  }

  /** Moves the gathered lines into the store and on towards the webview. */
  flush(): void {
    this.flusher.cancel();
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.store.insert(lines);
    if (!this.ready) return;
    const max = this.store.limits.maxLines;
    // The view is behind by more than the store holds: the store has dropped (and counted) those lines too.
    // No spread into push: a flood's flush holds more lines than a call takes arguments.
    if (lines.length >= max) this.outbox = lines.slice(lines.length - max);
    else {
      const over = this.outbox.length + lines.length - max;
      if (over > 0) this.outbox.splice(0, over);
      for (const line of lines) this.outbox.push(line);
    }
    this.pump();
  }

  /** Posts waiting lines while the webview keeps up. */
  private pump(): void {
    while (this.ready && this.outbox.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      const take = this.outbox.splice(0, this.chunkSize());
      this.inFlight++;
      this.options.post(this.message(take));
    }
  }

  /** Lines in the next message: at most the protocol's limit, and about 8 MB of text. */
  private chunkSize(): number {
    let chars = 0;
    let n = 0;
    while (n < this.outbox.length && n < LOG_LIMITS.lines && (n === 0 || chars + this.outbox[n].text.length <= 4 * 1024 * 1024)) chars += this.outbox[n++].text.length;
    return n;
  }

  private message(lines: LogLine[]): HostMessage {
    const format = this.options.formatTime;
    const sources: LogSource[] = [];
    const columns = { at: [] as number[], src: [] as number[], stream: [] as number[], text: [] as string[], ts: [] as string[] };
    for (const line of lines) {
      if (!this.known.has(line.src)) {
        this.known.add(line.src);
        sources.push(this.keys[line.src]);
      }
      columns.at.push(line.at);
      columns.src.push(line.src);
      columns.stream.push(line.stream);
      columns.text.push(line.text);
      columns.ts.push(format ? format(line.at) : '');
    }
    return { type: 'lines', batch: ++this.batch, sources, dropped: this.dropped, ...columns };
  }

  dispose(): void {
    this.subscription.dispose();
    this.flusher.dispose();
    this.pending = [];
    this.outbox = [];
    this.ready = false;
  }
}
