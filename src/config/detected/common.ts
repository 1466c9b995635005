import * as path from 'node:path';
import { hasControlCharacter, quote } from '../text';
import { MAX_DETECT_FILE_BYTES, type DetectedEntry, type DetectProblem, type DetectResult, type DetectSource, type FilePosition } from './types';

/** A name part (script, label, service) longer than this is skipped: it would fill every label it appears in. */
export const MAX_DETECT_NAME_LENGTH = 200;

/** Turns offsets of one file's text into 0-based line and column, as the editor counts them. */
export type Locator = (offset: number) => FilePosition;

export function locator(text: string, file: string): Locator {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    const at = Math.max(0, Math.min(offset, text.length));
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle] <= at) low = middle;
      else high = middle - 1;
    }
    return { file, line: low, column: at - lineStarts[low] };
  };
}

export function problemAt(source: DetectSource, at: FilePosition, message: string): DetectProblem {
  return { source, file: at.file, line: at.line, column: at.column, message };
}

/** The one problem of a file too large to read, or undefined when its size is fine. */
export function tooLarge(source: DetectSource, text: string, file: string): DetectProblem | undefined {
  if (text.length <= MAX_DETECT_FILE_BYTES) return undefined;
  const limit = `${MAX_DETECT_FILE_BYTES / (1024 * 1024)} MB`;
  return problemAt(source, { file, line: 0, column: 0 }, `${path.basename(file)} is larger than ${limit}; it is not read.`);
}

/** Why a name found in a file cannot name a definition, or undefined when it can. */
export function badName(name: string, what: string): string | undefined {
  if (name.trim() === '') return `${what} has an empty name; skipped.`;
  if (name.length > MAX_DETECT_NAME_LENGTH) return `${what} ${quote(name)} has a name longer than ${MAX_DETECT_NAME_LENGTH} characters; skipped.`;
  if (hasControlCharacter(name)) return `${what} ${quote(name)} has control characters such as line breaks in its name; skipped.`;
  return undefined;
}

/**
 * `cwd` as a definition writes it: relative to the workspace folder when inside it, left out when
 * it is the folder itself, absolute otherwise.
 */
export function relativeCwd(folder: string, dir: string): string | undefined {
  const relative = path.relative(folder, dir);
  if (relative === '') return undefined;
  if (relative.startsWith('..') || path.isAbsolute(relative)) return dir;
  return relative.split(path.sep).join('/');
}

/** A detected entry; `fields` are the definition's fields besides `name`, undefined ones left out. */
export function detected(source: DetectSource, name: string, folder: string, at: FilePosition, fields: Record<string, unknown>): DetectedEntry {
  const entry: Record<string, unknown> = { name };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) entry[key] = value;
  return { source, name, folder, entry, at };
}

export function emptyResult(): DetectResult {
  return { entries: [], problems: [] };
}

/** Runs a parser; whatever a hostile file makes it throw (a stack overflow on deep nesting) becomes one problem. */
export function guarded(source: DetectSource, file: string, parse: () => DetectResult): DetectResult {
  try {
    return parse();
  } catch {
    return { entries: [], problems: [unreadable(source, file)] };
  }
}

export function unreadable(source: DetectSource, file: string): DetectProblem {
  return problemAt(source, { file, line: 0, column: 0 }, `${path.basename(file)} could not be read (too deeply nested or otherwise unusual); skipped.`);
}

/** A file's own grouping (a process-compose namespace, compose profiles) as our `group`; unusable names are left out. */
export function groupOf(raw: unknown): string | string[] | undefined {
  const names = (Array.isArray(raw) ? raw : [raw]).filter((name): name is string => typeof name === 'string' && badName(name, 'group') === undefined);
  const unique = [...new Set(names)];
  return unique.length === 0 ? undefined : unique.length === 1 ? unique[0] : unique;
}
