/** How values a user wrote are shown in settings error messages. */

import type { SettingsFix } from '../core/types';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** C0 and C1 controls but tab, and Unicode line breaks: a name goes into labels, titles and log lines. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

export function isNonBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : 'a string';
  if (typeof value === 'undefined') return 'nothing';
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

/** Strings by value, anything else by type. */
export function describe(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' ? quote(value) : typeName(value);
}

/** Numbers by value, numbers written as strings with a hint, anything else by type. */
export function describeNumber(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return `${quote(value)} (remove the quotes)`;
  }
  return describe(value);
}

/** A value the user wrote as a number or boolean, where a string is expected. */
export function quoteHint(value: unknown): string {
  if (typeof value !== 'number' && typeof value !== 'boolean') return '';
  return ` (put it in quotes: ${quote(String(value))})`;
}

/** For a number or boolean written where a string is expected. */
export function quoteFix(value: unknown): SettingsFix | undefined {
  return typeof value === 'number' || typeof value === 'boolean' ? { kind: 'quote' } : undefined;
}

const QUOTE_LIMIT = 60;

/** A user's string for a message: JSON-escaped, long ones cut short. */
export function quote(text: string): string {
  // JSON leaves DEL, C1 controls and Unicode line breaks as they are: escape those too.
  return JSON.stringify(shorten(text)).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A user's string cut short for a message, without quotes. */
export function shorten(text: string): string {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text;
}

export function quoteList(items: readonly string[]): string {
  const shown = items.filter((item) => item !== '').slice(0, 5).map(quote);
  return `[${shown.join(', ')}${items.length > 5 ? ', …' : ''}]`;
}

/** `"a", "b" or "c"`. */
export function quoteChoices(choices: readonly string[]): string {
  const quoted = choices.map(quote);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** ` (did you mean "x"?)` for the closest candidate within a small edit distance, else ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = closest(word, candidates);
  return best === undefined ? '' : ` (did you mean ${quote(best)}?)`;
}

/** The fix that writes the candidate closest to `word` in its place, if there is one. */
export function didYouMeanFix(word: string, candidates: Iterable<string>): SettingsFix | undefined {
  const best = closest(word, candidates);
  return best === undefined ? undefined : { kind: 'replace', text: JSON.stringify(best) };
}

/** The candidate closest to `word` within a small edit distance (a swap of two letters counts as one edit), if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Levenshtein distance with swaps of neighbours as one edit ("nmae" is one edit from "name"). */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      let distance = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, before[j - 2] + 1);
      current.push(distance);
    }
    [before, previous] = [previous, current];
  }
  return previous[b.length];
}
