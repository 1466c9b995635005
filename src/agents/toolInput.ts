// The tools' inputs, checked: a model's mistake gets an error result that says what was
// expected, never an exception (the schemas in package.json say the same to the model).
import { DEFAULT_CONTEXT, DEFAULT_TAIL, MAX_CONTEXT, MAX_OUTPUT_LINES, type OutputQuery } from './outputQuery';

/** A mistake in a tool's input; its message names the field and what it takes. */
export class ToolInputError extends Error {}

export const DEFAULT_WAIT_SECONDS = 30;
export const MAX_WAIT_SECONDS = 300;
/** A regular expression longer than this is refused: it runs over every kept line. */
const MAX_SEARCH_LENGTH = 500;

type Fields = Record<string, unknown>;

function fieldsOf(input: unknown, allowed: readonly string[]): Fields {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new ToolInputError(`The input must be an object with the fields ${allowed.join(', ')}.`);
  const fields = input as Fields;
  const unknown = Object.keys(fields).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new ToolInputError(`Unknown field "${unknown[0]}": the fields are ${allowed.join(', ')}.`);
  return fields;
}

function optionalString(fields: Fields, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new ToolInputError(`"${key}" must be a non-empty string.`);
  return value.trim();
}

function requiredString(fields: Fields, key: string, what: string): string {
  const value = optionalString(fields, key);
  if (value === undefined) throw new ToolInputError(`"${key}" is required: ${what}.`);
  return value;
}

function optionalNumber(fields: Fields, key: string, min: number, max: number, integer = false): number | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new ToolInputError(`"${key}" must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not ${JSON.stringify(value)}.`);
  }
  return value;
}

function optionalBoolean(fields: Fields, key: string): boolean | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ToolInputError(`"${key}" must be true or false, not ${JSON.stringify(value)}.`);
  return value;
}

const NAME = 'the name of a service or job (as devProcesses_list shows it) or a run id';

/** devProcesses_list and devProcesses_problems: an optional name to narrow to. */
export function parseNameFilter(input: unknown): { name?: string } {
  const fields = fieldsOf(input, ['name']);
  const name = optionalString(fields, 'name');
  return name === undefined ? {} : { name };
}

/** devProcesses_start, _stop and _restart. */
export function parseAction(input: unknown, waits: boolean): { name: string; timeoutMs: number } {
  const fields = fieldsOf(input, waits ? ['name', 'timeoutSeconds'] : ['name']);
  const name = requiredString(fields, 'name', NAME);
  const seconds = waits ? optionalNumber(fields, 'timeoutSeconds', 1, MAX_WAIT_SECONDS) : undefined;
  return { name, timeoutMs: (seconds ?? DEFAULT_WAIT_SECONDS) * 1000 };
}

/** devProcesses_output: which run, and which of its lines. */
export function parseOutput(input: unknown, now: number): { name: string; query: OutputQuery; search?: string } {
  const fields = fieldsOf(input, ['name', 'tail', 'sinceSeconds', 'search', 'regex', 'caseSensitive', 'contextLines']);
  const name = requiredString(fields, 'name', NAME);
  const tail = optionalNumber(fields, 'tail', 1, MAX_OUTPUT_LINES, true) ?? DEFAULT_TAIL;
  const sinceSeconds = optionalNumber(fields, 'sinceSeconds', 0, 7 * 24 * 3600);
  const search = fields.search === undefined ? undefined : requiredString(fields, 'search', 'the text to look for');
  const regex = optionalBoolean(fields, 'regex') ?? false;
  const caseSensitive = optionalBoolean(fields, 'caseSensitive') ?? false;
  const context = optionalNumber(fields, 'contextLines', 0, MAX_CONTEXT, true) ?? DEFAULT_CONTEXT;
  const query: OutputQuery = { tail };
  if (sinceSeconds !== undefined) query.since = now - sinceSeconds * 1000;
  if (search !== undefined) query.search = { pattern: searchPattern(search, regex, caseSensitive), context };
  return { name, query, ...(search !== undefined && { search }) };
}

function searchPattern(search: string, regex: boolean, caseSensitive: boolean): RegExp {
  if (search.length > MAX_SEARCH_LENGTH) throw new ToolInputError(`"search" must be at most ${MAX_SEARCH_LENGTH} characters.`);
  const source = regex ? search : search.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    return new RegExp(source, caseSensitive ? '' : 'i');
  } catch (err) {
    throw new ToolInputError(`"search" is not a valid regular expression (${(err as Error).message}); set "regex": false to search for the text as written.`);
  }
}
