// What the log webview holds, built only from the host's messages: the webview shows it, and the
// host can build the same model from the messages it posts (what a test reads). No imports but
// shared modules: bundled into the webview too.
import { DEFAULT_LOG_LIMITS, LogLines, type LogChange, type LogLine } from './logLines';
import type { HostMessage, LineColumns, LogSource } from './logsProtocol';

/** Turns columns into lines (the shape the store inserts). */
export function linesOf(columns: LineColumns): LogLine[] {
  const out: LogLine[] = new Array(columns.at.length);
  for (let i = 0; i < out.length; i++) out[i] = { at: columns.at[i], src: columns.src[i], stream: columns.stream[i], text: columns.text[i], ts: columns.ts[i] };
  return out;
}

export class LogModel {
  lines = new LogLines(DEFAULT_LOG_LIMITS);
  readonly sources = new Map<number, LogSource>();
  /** Lines the host says it dropped (oldest beyond the bound, a flood cut). */
  hostDropped = 0;
  timestamps = false;

  /** Applies a host message: 'reset' when everything was replaced, else what the insert changed. */
  apply(message: HostMessage): LogChange | 'reset' {
    if (message.type === 'reset') {
      if (message.maxLines !== this.lines.limits.maxLines) this.lines = new LogLines({ ...DEFAULT_LOG_LIMITS, maxLines: message.maxLines });
      else this.lines.clear();
      this.sources.clear();
      this.hostDropped = 0;
      this.timestamps = message.timestamps;
      return 'reset';
    }
    for (const source of message.sources) this.sources.set(source.key, source);
    this.hostDropped = message.dropped;
    return this.lines.insert(linesOf(message));
  }

  /** Lines no longer shown, as far as either side knows. */
  get dropped(): number {
    return Math.max(this.hostDropped, this.lines.dropped);
  }

  /** Every line with its source, oldest first. */
  rows(): { runId: string; name: string; label: string; stream: number; text: string; at: number }[] {
    return this.lines.toArray().map((l) => {
      const s = this.sources.get(l.src);
      return { runId: s?.runId ?? '', name: s?.name ?? '', label: s?.label ?? '', stream: l.stream, text: l.text, at: l.at };
    });
  }
}
