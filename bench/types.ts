/**
 * What every benchmark module in bench/ returns from `export async function run()`. The driver
 * (bench/run.ts) prints the rows as one table and writes them to bench/results.json and
 * bench/README.md.
 */
export interface BenchResult {
  /** Short id, the module's file name: `throughput`, `monitor`. */
  name: string;
  /** One line for humans: what was compared with what. */
  title: string;
  rows: BenchRow[];
  /** Sentences worth keeping with the numbers: targets met or not, caveats, what a baseline is. */
  notes?: string[];
  /** Extra markdown for bench/README.md, placed under the table. */
  markdown?: string;
}

/** One figure: the median of repeated measurements, and how it compares with its baseline. */
export interface BenchRow {
  /** What was measured, e.g. `engine, concurrency 4`. */
  label: string;
  /** The median over the repetitions. */
  value: number;
  /** `runs/s`, `ms`, `%`, `MB/s` ... */
  unit: string;
  /** The label of the row this one is compared with, measured in the same run. */
  baseline?: string;
  /** This row's value over the baseline's: the median of the per-repetition ratios. */
  ratio?: number;
  /** The lowest and highest value over the repetitions, and how many there were. */
  spread?: Spread;
}

export interface Spread {
  min: number;
  max: number;
  /** Number of repetitions. */
  n: number;
}

/** The median of the values (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median and spread of repeated measurements, as a row takes them. */
export function summarize(values: readonly number[]): { value: number; spread: Spread } {
  return { value: median(values), spread: { min: Math.min(...values), max: Math.max(...values), n: values.length } };
}

/** A figure at a precision a reader can take in: 1,234 / 123 / 12.3 / 1.23 / 0.123. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** The columns of a result row, as text; the driver prints them and writes them as markdown. */
export function rowCells(row: BenchRow): { measure: string; median: string; spread: string; ratio: string } {
  return {
    measure: row.label,
    median: `${formatNumber(row.value)} ${row.unit}`,
    spread: row.spread ? `${formatNumber(row.spread.min)}-${formatNumber(row.spread.max)} (n=${row.spread.n})` : '',
    ratio: row.ratio === undefined ? '' : `${row.ratio < 10 ? row.ratio.toFixed(2) : formatNumber(row.ratio)}x ${row.baseline ?? 'baseline'}`,
  };
}

/** One plain-text table of every result, then each bench's notes. */
export function formatTable(results: readonly BenchResult[]): string {
  const header = { bench: 'bench', measure: 'measure', median: 'median', spread: 'min-max', ratio: 'vs baseline (median of paired ratios)' };
  const lines = [header, ...results.flatMap((r) => r.rows.map((row) => ({ bench: r.name, ...rowCells(row) })))];
  const keys = Object.keys(header) as (keyof typeof header)[];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...lines.map((l) => l[k].length))])) as Record<keyof typeof header, number>;
  const text = lines.map((l) => keys.map((k) => (k === 'median' ? l[k].padStart(width[k]) : l[k].padEnd(width[k]))).join('  ').trimEnd());
  text.splice(1, 0, keys.map((k) => '-'.repeat(width[k])).join('  '));
  for (const r of results) {
    if (!r.notes?.length) continue;
    text.push('', `${r.name}: ${r.title}`, ...r.notes.map((n) => `  - ${n}`));
  }
  return text.join('\n');
}
