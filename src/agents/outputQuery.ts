// Which lines of a run's output an agent gets, and how they are bounded: a model's context is
// small, so every answer is capped by lines and by bytes, and secrets are masked on the way out.
import { firstAtOrAfter, type OutputLine } from '../platform/outputRing';
import { maskCredentials } from '../platform/redact';

/** The most lines one answer holds, whatever was asked. */
export const MAX_OUTPUT_LINES = 1000;
/** The most bytes (UTF-8) of line text one answer holds. */
export const MAX_OUTPUT_BYTES = 24_000;
/** A longer line is cut: one minified bundle must not fill the answer. */
export const MAX_LINE_CHARS = 2000;
export const DEFAULT_TAIL = 100;
export const DEFAULT_CONTEXT = 2;
export const MAX_CONTEXT = 20;

export interface OutputQuery {
  /** The last this many lines (of the lines selected by `since` and `search`). */
  tail: number;
  /** Only lines read at or after this time (epoch ms). */
  since?: number;
  /** Only lines that match, each with `context` lines around it. */
  search?: { pattern: RegExp; context: number };
}

/** One line of the answer: its number in the run's kept output (from 1), and whether it matched a search. */
export interface SelectedLine {
  n: number;
  stream: OutputLine['stream'];
  text: string;
  at: number;
  match: boolean;
  /** A gap before it: lines left out between this one and the one before. */
  gapBefore: boolean;
}

export interface OutputSelection {
  lines: SelectedLine[];
  /** Lines the query selected before the bounds applied. */
  selected: number;
  /** Lines of the run's kept output. */
  total: number;
  /** Matching lines, for a search. */
  matches: number;
  /** Selected lines left out by the line or byte bound (older ones go first). */
  leftOut: number;
}

/** Cuts a line to MAX_LINE_CHARS and masks credentials in it. */
export function boundLine(text: string): string {
  const masked = maskCredentials(text);
  if (masked.length <= MAX_LINE_CHARS) return masked;
  return `${masked.slice(0, MAX_LINE_CHARS)}… (${masked.length - MAX_LINE_CHARS} more characters)`;
}

/** Indexes of the lines a search keeps: each match with its context, in order, each once. */
function searchIndexes(lines: readonly OutputLine[], from: number, pattern: RegExp, context: number): { indexes: number[]; matched: Set<number> } {
  const matched = new Set<number>();
  for (let i = from; i < lines.length; i++) {
    pattern.lastIndex = 0;
    if (pattern.test(lines[i].text)) matched.add(i);
  }
  const keep = new Set<number>();
  for (const i of matched) {
    for (let j = Math.max(from, i - context); j <= Math.min(lines.length - 1, i + context); j++) keep.add(j);
  }
  return { indexes: [...keep].sort((a, b) => a - b), matched };
}

/**
 * Selects output lines for an agent: by time, by search (with context lines), the last `tail`
 * of them; then bounded by MAX_OUTPUT_LINES and MAX_OUTPUT_BYTES, newest kept.
 */
export function selectOutput(lines: readonly OutputLine[], query: OutputQuery): OutputSelection {
  const from = query.since === undefined ? 0 : firstAtOrAfter(lines, query.since);
  let indexes: number[];
  let matched: Set<number> | undefined;
  if (query.search) {
    ({ indexes, matched } = searchIndexes(lines, from, query.search.pattern, query.search.context));
  } else {
    indexes = [];
    for (let i = from; i < lines.length; i++) indexes.push(i);
  }
  const limit = Math.min(Math.max(1, Math.floor(query.tail)), MAX_OUTPUT_LINES);
  const picked = indexes.slice(-limit);
  const out: SelectedLine[] = [];
  let bytes = 0;
  for (let k = picked.length - 1; k >= 0; k--) {
    const i = picked[k];
    const text = boundLine(lines[i].text);
    const size = Buffer.byteLength(text) + 1;
    if (bytes + size > MAX_OUTPUT_BYTES && out.length > 0) break;
    bytes += size;
    out.push({ n: i + 1, stream: lines[i].stream, text, at: lines[i].at, match: matched?.has(i) ?? false, gapBefore: false });
  }
  out.reverse();
  for (let k = 1; k < out.length; k++) out[k].gapBefore = out[k].n !== out[k - 1].n + 1;
  return { lines: out, selected: indexes.length, total: lines.length, matches: matched?.size ?? 0, leftOut: indexes.length - out.length };
}

/**
 * The lines as text, grep-like: `12: text` for a line (or a match), `12- text` for a context
 * line of a search, `--` where lines were left out; stderr and the extension's own lines say so.
 */
export function formatSelection(selection: OutputSelection, searching: boolean): string {
  const rows: string[] = [];
  for (const line of selection.lines) {
    if (line.gapBefore && searching) rows.push('--');
    const mark = searching && !line.match ? '-' : ':';
    const stream = line.stream === 'stdout' ? '' : `[${line.stream}] `;
    rows.push(`${line.n}${mark} ${stream}${line.text}`);
  }
  return rows.join('\n');
}
