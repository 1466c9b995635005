/**
 * The "All Processes" log view at its bound of 100,000 lines: what filtering and drawing cost in
 * the webview's code (media/logs/filter.ts over src/shared/logLines.ts), run here in Node.
 * - filter: a full pass of each filter kind, against the obvious way (an array of line objects,
 *   `Array.filter` with `toLowerCase().includes`);
 * - follow: keeping a filter current as a 1,000-line batch arrives (and 1,000 old lines go),
 *   against filtering all lines again;
 * - draw: the HTML of one screenful (virtual scrolling) against the HTML of every line;
 * - post: checking one 20,000-line message as the webview does.
 *
 * `node out/bench/logView.js` prints a table; the bench driver calls `run()`.
 */
import { performance } from 'node:perf_hooks';
import { compileQuery, FilterIndex, matchRanges, rowHtml, type Filters } from '../media/logs/filter';
import { LogModel } from '../src/shared/logModel';
import { LogLines, STDERR, STDOUT, type LogLine } from '../src/shared/logLines';
import { parseHostMessage, type LogSource } from '../src/shared/logsProtocol';
import { formatTable, median, summarize, type BenchResult, type BenchRow } from './types';

const LINES = 100_000;
const BATCH = 1_000;
const SCREEN_ROWS = 100;
const REPEATS = 9;

const WORDS = ['GET', 'POST', '/api/users', '/health', '200', '404', 'ms', 'compiled', 'watching', 'for', 'changes', 'query', 'took', 'cache', 'hit'];
const sources = new Map<number, LogSource>(
  ['web', 'api', 'worker', 'db'].map((name, key) => [key, { key, runId: `r${key}`, name, label: name, color: key }]),
);

/** A plausible log line of about 80 characters, the same for the same n. */
function line(n: number): LogLine {
  let text = `${n} `;
  for (let i = 0; text.length < 80; i++) text += `${WORDS[(n * 7 + i * 13) % WORDS.length]} `;
  return { at: 1_700_000_000_000 + n, src: n % 4, stream: n % 17 === 0 ? STDERR : STDOUT, text, ts: '12:00:00.000' };
}

function filled(): LogLines {
  const lines = new LogLines({ maxLines: LINES, maxChars: 1e9 });
  for (let b = 0; b < LINES / BATCH; b++) lines.insert(Array.from({ length: BATCH }, (_, i) => line(b * BATCH + i)));
  return lines;
}

/** Median milliseconds of `fn` over REPEATS runs (after one warm-up). */
function time(fn: () => unknown): number[] {
  fn();
  const out: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

function pattern(text: string, regex = false): RegExp | null {
  const c = compileQuery({ text, regex, caseSensitive: false });
  if (!c.ok) throw new Error(c.error);
  return c.pattern;
}

function row(label: string, values: number[], unit: string, baseline?: { label: string; values: number[] }): BenchRow {
  const { value, spread } = summarize(values);
  return baseline ? { label, value, unit, spread, baseline: baseline.label, ratio: median(values.map((v, i) => v / baseline.values[i])) } : { label, value, unit, spread };
}

export async function run(): Promise<BenchResult> {
  const lines = filled();
  const none: Filters = { hidden: new Set(), stderrOnly: false, pattern: null };
  const index = new FilterIndex(none, sources);
  const objects = lines.toArray();
  const naive = time(() => objects.filter((l) => l.text.toLowerCase().includes('users')).length);
  const naiveRow = { label: 'naive text filter, 100k line objects', values: naive };
  const rows: BenchRow[] = [row(naiveRow.label, naive, 'ms')];
  const kinds: [string, Filters][] = [
    ['text "users"', { ...none, pattern: pattern('users') }],
    ['regex "4\\d\\d|took \\d+"', { ...none, pattern: pattern(String.raw`4\d\d|took \d+`, true) }],
    ['stderr only', { ...none, stderrOnly: true }],
    ['process: two of four hidden', { ...none, hidden: new Set(['web', 'db']) }],
  ];
  for (const [label, filters] of kinds) rows.push(row(`filter 100k: ${label}`, time(() => index.rebuild(lines, filters)), 'ms', naiveRow));

  // Following the tail: a batch arrives into the full store with a text filter on.
  const text = { ...none, pattern: pattern('users') };
  let n = LINES;
  const follow = new FilterIndex(text, sources);
  follow.rebuild(lines);
  const incremental = time(() => {
    const batch = Array.from({ length: BATCH }, () => line(n++));
    follow.update(lines, lines.insert(batch));
  });
  const full = time(() => {
    lines.insert(Array.from({ length: BATCH }, () => line(n++)));
    follow.rebuild(lines);
  });
  const fullRow = { label: 'a 1,000-line batch, then filtering all again', values: full };
  rows.push(row(fullRow.label, full, 'ms'), row('a 1,000-line batch, index kept current', incremental, 'ms', fullRow));

  // Drawing: one screenful of rows against every row.
  follow.rebuild(lines);
  const draw = (count: number) => {
    let html = '';
    for (let i = Math.max(0, follow.count - count); i < follow.count; i++) {
      const l = lines.line(follow.at(i));
      html += rowHtml({ ts: l.ts ?? '', source: sources.get(l.src), stream: l.stream, text: l.text, ranges: matchRanges(l.text, text.pattern), paletteSize: 8 });
    }
    return html.length;
  };
  const all = new FilterIndex(none, sources);
  all.rebuild(lines);
  const drawAll = time(() => {
    let html = '';
    for (let i = 0; i < all.count; i++) {
      const l = lines.line(all.at(i));
      html += rowHtml({ ts: l.ts ?? '', source: sources.get(l.src), stream: l.stream, text: l.text, ranges: [], paletteSize: 8 });
    }
    return html.length;
  });
  const drawAllRow = { label: 'HTML of all 100k rows (no virtual scrolling)', values: drawAll };
  rows.push(row(drawAllRow.label, drawAll, 'ms'), row(`HTML of one screen (${SCREEN_ROWS} rows, highlighted)`, time(() => draw(SCREEN_ROWS)), 'ms', drawAllRow));

  // One message of 20,000 lines: checked and applied as the webview does.
  const message = { type: 'lines', batch: 1, sources: [...sources.values()], dropped: 0, at: [] as number[], src: [] as number[], stream: [] as number[], text: [] as string[], ts: [] as string[] };
  for (let i = 0; i < 20_000; i++) {
    const l = line(i);
    message.at.push(l.at);
    message.src.push(l.src);
    message.stream.push(l.stream);
    message.text.push(l.text);
    message.ts.push(l.ts ?? '');
  }
  rows.push(row('check a 20,000-line message', time(() => parseHostMessage(message)), 'ms'));
  rows.push(
    row(
      'check and apply it to an empty model',
      time(() => {
        const parsed = parseHostMessage(message);
        if (parsed.ok) new LogModel().apply(parsed.value);
      }),
      'ms',
    ),
  );
  return {
    name: 'logView',
    title: 'All Processes log view at 100,000 lines: filter, follow, draw (webview code in Node)',
    rows,
    notes: ['Filtering runs in the webview, so a slow pass there delays only the view; the host only batches and posts.'],
  };
}

// Alone: print the table (a failure is an unhandled rejection, which exits non-zero).
if (require.main === module) void run().then((result) => console.log(`\n${formatTable([result])}`));
