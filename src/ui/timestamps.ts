import type { TimestampMode } from '../config/outputFields';

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

// Lines of one read share their `at`: the last stamp made is reused for the next line.
let lastAt = NaN;
let lastMode: TimestampMode = 'none';
let lastText = '';

/**
 * A line's time as shown before it: `"time"` local `HH:MM:SS.mmm`, `"iso"` ISO 8601 in UTC,
 * `"none"` the empty string. `at` is epoch milliseconds.
 */
export function formatTimestamp(at: number, mode: TimestampMode): string {
  if (mode === 'none' || !Number.isFinite(at)) return '';
  if (at === lastAt && mode === lastMode) return lastText;
  const date = new Date(at);
  lastText =
    mode === 'iso'
      ? date.toISOString()
      : `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}.${pad3(date.getMilliseconds())}`;
  lastAt = at;
  lastMode = mode;
  return lastText;
}
