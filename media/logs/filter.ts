// The log view's pure parts: the search query, which lines pass the filters (kept up to date as
// lines arrive), match highlighting and the HTML of a row. No DOM here: unit-tested in Node.
import { STDERR, SYSTEM, type LogChange, type LogLines } from '../../src/shared/logLines';
import type { LogSource } from '../../src/shared/logsProtocol';

export interface Query {
  text: string;
  regex: boolean;
  caseSensitive: boolean;
}

/** The compiled search: no pattern when the box is empty; an error message for an invalid regex. */
export type Compiled = { ok: true; pattern: RegExp | null } | { ok: false; error: string };

export function compileQuery(query: Query): Compiled {
  if (query.text === '') return { ok: true, pattern: null };
  const source = query.regex ? query.text : query.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    // Unicode mode only for a regex (\u{...}, classes of code points): it makes plain text slower.
    const flags = `${query.regex ? 'u' : ''}${query.caseSensitive ? '' : 'i'}`;
    return { ok: true, pattern: new RegExp(source, flags) };
  } catch (err) {
    // The engine's message names the problem ("Unterminated group"); drop its echo of the pattern.
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') };
  }
}

export interface Filters {
  /** Names whose lines are hidden (so a process that starts later shows by default). */
  hidden: ReadonlySet<string>;
  stderrOnly: boolean;
  /** null: no search. */
  pattern: RegExp | null;
}

/** Whether any filter is on (the count then says how many lines match). */
export function filtering(f: Filters): boolean {
  return f.hidden.size > 0 || f.stderrOnly || f.pattern !== null;
}

/**
 * The absolute positions of the lines that pass the filters, in order. Updated from the store's
 * change report: only lines from the first changed position on are looked at again.
 */
export class FilterIndex {
  positions: number[] = [];
  /** Positions are not copied while nothing filters: position = first + index. */
  private all = true;
  private first = 0;
  private end = 0;

  constructor(
    private filters: Filters,
    private readonly sources: ReadonlyMap<number, LogSource>,
  ) {}

  get count(): number {
    return this.all ? this.end - this.first : this.positions.length;
  }

  /** The position of the i-th visible line. */
  at(i: number): number {
    return this.all ? this.first + i : this.positions[i];
  }

  /** New filters: every line is looked at again. */
  rebuild(lines: LogLines, filters: Filters = this.filters): void {
    this.filters = filters;
    this.positions = [];
    this.all = !filtering(filters);
    this.first = lines.first;
    this.end = lines.first;
    this.scan(lines, lines.first);
  }

  /**
   * Lines were inserted from `change.from` on and the oldest may have gone; returns how many
   * visible lines went from the top (a reader scrolled up keeps its place).
   */
  update(lines: LogLines, change: LogChange): number {
    const before = this.count;
    const oldFirst = this.first;
    this.first = lines.first;
    let gone = 0;
    if (this.all) {
      gone = Math.max(0, Math.min(lines.first, this.end) - oldFirst);
    } else {
      gone = lowerBound(this.positions, lines.first);
      const keep = lowerBound(this.positions, change.from);
      this.positions.splice(keep);
      if (gone > 0) this.positions.splice(0, gone);
    }
    this.scan(lines, Math.max(change.from, lines.first));
    return Math.min(gone, before);
  }

  private scan(lines: LogLines, from: number): void {
    this.end = lines.end;
    if (this.all) return;
    const { hidden, stderrOnly, pattern } = this.filters;
    for (let p = from; p < lines.end; p++) {
      const i = lines.index(p);
      if (stderrOnly && lines.stream[i] !== STDERR) continue;
      if (hidden.size > 0 && hidden.has(this.sources.get(lines.src[i])?.name ?? '')) continue;
      if (pattern && !pattern.test(lines.text[i])) continue;
      this.positions.push(p);
    }
  }
}

/** The first index whose value is at least `value` (positions are sorted). */
function lowerBound(values: number[], value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Highlights drawn per line at most: a pattern that matches every character must stay cheap. */
export const MAX_HIGHLIGHTS = 200;

/** [start, end) of each match in the text, left to right, never empty. */
export function matchRanges(text: string, pattern: RegExp | null, max = MAX_HIGHLIGHTS): [number, number][] {
  if (!pattern) return [];
  const global = new RegExp(pattern.source, `${pattern.flags}g`);
  const out: [number, number][] = [];
  let m: RegExpExecArray | null;
  while (out.length < max && (m = global.exec(text)) !== null) {
    if (m[0].length === 0) {
      // An empty match highlights nothing: step on (over a whole surrogate pair) to avoid looping.
      global.lastIndex = m.index + (text.codePointAt(m.index)! > 0xffff ? 2 : 1);
      if (m.index >= text.length) break;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export interface RowParts {
  /** Formatted timestamp; '' for none. */
  ts: string;
  source: LogSource | undefined;
  stream: number;
  text: string;
  ranges: [number, number][];
  /** Classes in the palette: a source's colour is `color % paletteSize`. */
  paletteSize: number;
}

/** One row's HTML: every piece of text escaped; the prefix names its run for a click. */
export function rowHtml(parts: RowParts): string {
  const { ts, source, stream, text, ranges } = parts;
  const kind = stream === STDERR ? ' stderr' : stream === SYSTEM ? ' system' : '';
  const time = ts ? `<span class="ts">${escapeHtml(ts)}</span>` : '';
  const label = source
    ? `<span class="name c${source.color % parts.paletteSize}" data-src="${source.key}" title="${escapeHtml(`Show the output of ${source.label}`)}">${escapeHtml(source.label)}</span>`
    : '<span class="name"></span>';
  let body = '';
  let last = 0;
  for (const [start, end] of ranges) {
    body += `${escapeHtml(text.slice(last, start))}<mark>${escapeHtml(text.slice(start, end))}</mark>`;
    last = end;
  }
  body += escapeHtml(text.slice(last));
  return `<div class="row${kind}">${time}${label}<span class="text">${body}</span></div>`;
}

/** "12,345 lines, 87 match" (the second part only while a filter is on). */
export function countText(total: number, matching: number | undefined): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = `${n(total)} line${total === 1 ? '' : 's'}`;
  return matching === undefined ? lines : `${lines}, ${n(matching)} ${matching === 1 ? 'matches' : 'match'}`;
}
