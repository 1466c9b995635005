/** How the stop, start and recovery benches turn repeated measurements into rows. */
import { median, summarize, type BenchRow } from '../types';

/** Values of one measure, one per repetition, in the order of the repetitions. */
export interface Series {
  label: string;
  values: number[];
}

/**
 * A row of the median and spread of `series`; against a baseline measured in the same
 * repetitions, its ratio is the median of the ratios of paired repetitions.
 */
export function row(series: Series, unit: string, baseline?: Series): BenchRow {
  const result: BenchRow = { label: series.label, unit, ...summarize(series.values) };
  if (baseline) {
    result.baseline = baseline.label;
    result.ratio = median(series.values.map((v, i) => v / baseline.values[i]));
  }
  return result;
}

/** The paired ratios of two series, as a range for a note: `1.23x (0.98-1.50)`. */
export function ratioText(series: Series, baseline: Series): string {
  const ratios = series.values.map((v, i) => v / baseline.values[i]);
  return `${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`;
}

/** `items` rotated by `repetition`, so that no tool always runs first, or always after the same one. */
export function rotated<T>(items: readonly T[], repetition: number): T[] {
  return items.map((_, i) => items[(i + repetition) % items.length]);
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
