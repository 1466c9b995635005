import * as path from 'node:path';
import type { DefinitionError, DefinitionSet, ProcessSpec } from '../engine/types';
import { expandVariables } from './variables';

/** What parsing needs from the outside world, passed in so that parsing stays pure. */
export interface DefinitionContext {
  /** Absolute path of the folder whose settings hold the definitions; undefined with no folder. */
  workspaceFolder: string | undefined;
  /** The environment `${env:NAME}` reads from. */
  env: Record<string, string | undefined>;
  /** The default working directory when no folder is open. */
  homeDir: string;
}

export const TASKS_SETTING = 'devProcesses.tasks';
/** `DefinitionError.index` of a problem with the whole setting rather than one of its entries. */
export const WHOLE_SETTING = -1;
export const DEFAULT_STOP_TIMEOUT_MS = 5000;
/** Node's timers fire at once above this, so a longer grace would mean no grace at all. */
const MAX_TIMER_MS = 2_147_483_647;

/** `devProcesses.stopTimeoutMs`: an integer >= 0; anything else gives the default. */
export function readStopTimeout(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) return DEFAULT_STOP_TIMEOUT_MS;
  return Math.min(Math.abs(raw), MAX_TIMER_MS); // abs turns -0 into 0
}

/**
 * Validates `devProcesses.tasks` into engine specs. An entry with any error gives no spec and
 * the others still do. Never throws.
 */
export function parseDefinitions(raw: unknown, ctx: DefinitionContext): DefinitionSet {
  if (raw === undefined || raw === null) return { specs: [], errors: [] };
  try {
    if (!Array.isArray(raw)) {
      const hint = isObject(raw) && Object.hasOwn(raw, 'command') ? ' (put the entry inside [ ])' : '';
      return settingError(`"${TASKS_SETTING}" must be an array of entries; got ${typeName(raw)}${hint}.`);
    }
    const set: DefinitionSet = { specs: [], errors: [] };
    const namesSeen = new Map<string, number>();
    for (let index = 0; index < raw.length; index++) {
      const { spec, errors } = parseEntrySafely(raw[index], index, ctx, namesSeen);
      if (spec) set.specs.push(spec);
      set.errors.push(...errors);
    }
    return set;
  } catch {
    return settingError(`"${TASKS_SETTING}" could not be read.`);
  }
}

function settingError(message: string): DefinitionSet {
  return { specs: [], errors: [{ index: WHOLE_SETTING, message }] };
}

/** One entry being validated: its identity for messages, the spec being filled, its errors. */
interface Entry {
  readonly index: number;
  readonly name: string | undefined;
  /** `Task "web"` or, without a usable name, `devProcesses.tasks[3]`. */
  readonly label: string;
  readonly ctx: DefinitionContext;
  readonly namesSeen: Map<string, number>;
  readonly spec: ProcessSpec;
  readonly errors: DefinitionError[];
}

/** Checks one present field and writes its value onto `entry.spec`, or reports. */
interface FieldRule {
  required?: boolean;
  apply(value: unknown, entry: Entry): void;
}

/** Every field of an entry, in the order its errors are reported. Add new fields here. */
const FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  name: { required: true, apply: applyName },
  command: { required: true, apply: applyCommand },
  args: { apply: applyArgs },
  cwd: { apply: (value, entry) => assign(entry, 'cwd', resolvePath(value, 'cwd', entry)) },
  env: { apply: applyEnv },
  envFile: { apply: (value, entry) => assign(entry, 'envFile', resolvePath(value, 'envFile', entry)) },
  shell: { apply: (value, entry) => assign(entry, 'shell', readBoolean(value, 'shell', entry)) },
  kind: { apply: applyKind },
  autoStart: { apply: (value, entry) => assign(entry, 'autoStart', readBoolean(value, 'autoStart', entry)) },
};

/** The names of every field a definition may have. */
export const DEFINITION_FIELDS: readonly string[] = Object.keys(FIELD_RULES);

function parseEntrySafely(raw: unknown, index: number, ctx: DefinitionContext, namesSeen: Map<string, number>) {
  try {
    return parseEntry(raw, index, ctx, namesSeen);
  } catch {
    // Settings are JSON, but a caller may pass any object; one bad entry must not hide the rest.
    const message = `${positionOf(index)}: the entry could not be read.`;
    return { spec: undefined, errors: [{ index, message }] };
  }
}

function parseEntry(raw: unknown, index: number, ctx: DefinitionContext, namesSeen: Map<string, number>) {
  if (!isObject(raw)) {
    const message = `${positionOf(index)}: each entry must be an object with "name" and "command"; got ${typeName(raw)}.`;
    return { spec: undefined, errors: [{ index, message }] };
  }
  const name = Object.hasOwn(raw, 'name') && isNonBlank(raw.name) ? raw.name : undefined;
  const entry: Entry = {
    index,
    name,
    label: name === undefined ? positionOf(index) : `Task ${quote(name)}`,
    ctx,
    namesSeen,
    spec: defaultSpec(ctx),
    errors: [],
  };
  for (const [field, rule] of Object.entries(FIELD_RULES)) {
    if (Object.hasOwn(raw, field)) rule.apply(raw[field], entry);
    else if (rule.required) report(entry, field, `${quote(field)} is required.`);
  }
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(FIELD_RULES, key)) {
      report(entry, key, `unknown field ${quote(key)}${didYouMean(key, DEFINITION_FIELDS)}.`);
    }
  }
  return { spec: entry.errors.length === 0 ? entry.spec : undefined, errors: entry.errors };
}

function defaultSpec(ctx: DefinitionContext): ProcessSpec {
  return {
    name: '',
    kind: 'service',
    command: '',
    args: [],
    cwd: ctx.workspaceFolder ?? ctx.homeDir,
    env: {},
    shell: false,
    autoStart: false,
  };
}

function report(entry: Entry, field: string, message: string): void {
  const error: DefinitionError = { index: entry.index, field, message: `${entry.label}: ${message}` };
  if (entry.name !== undefined) error.name = entry.name;
  entry.errors.push(error);
}

function assign<K extends keyof ProcessSpec>(entry: Entry, field: K, value: ProcessSpec[K] | undefined): void {
  if (value !== undefined) entry.spec[field] = value;
}

function applyName(value: unknown, entry: Entry): void {
  if (!isNonBlank(value)) {
    const got = typeof value === 'string' ? '' : `; got ${typeName(value)}`;
    return report(entry, 'name', `"name" must be a non-empty string${got}.`);
  }
  const first = entry.namesSeen.get(value);
  if (first !== undefined) {
    return report(entry, 'name', `the name is already used by ${positionOf(first)}; names must be unique.`);
  }
  entry.namesSeen.set(value, entry.index);
  entry.spec.name = value;
}

function applyCommand(value: unknown, entry: Entry): void {
  if (!isNonBlank(value)) {
    return report(entry, 'command', `"command" must be a non-empty string; got ${describe(value)}.`);
  }
  const command = expand(value, 'command', entry);
  if (command === undefined) return;
  if (command.trim() === '') {
    return report(entry, 'command', `"command" is empty after expanding variables in ${quote(value)}.`);
  }
  entry.spec.command = command;
}

function applyArgs(value: unknown, entry: Entry): void {
  if (!Array.isArray(value)) {
    const hint = typeof value === 'string' ? ` (write it as a list: ${quoteList(value.split(/\s+/))})` : '';
    return report(entry, 'args', `"args" must be an array of strings; got ${typeName(value)}${hint}.`);
  }
  const bad = value.findIndex((item) => typeof item !== 'string');
  if (bad >= 0) {
    const item: unknown = value[bad];
    const message = `"args" must be an array of strings; item ${bad} is ${typeName(item)}${quoteHint(item)}.`;
    return report(entry, `args[${bad}]`, message);
  }
  const args: string[] = [];
  for (const [i, item] of (value as string[]).entries()) {
    const arg = expand(item, `args[${i}]`, entry);
    if (arg === undefined) return;
    args.push(arg);
  }
  entry.spec.args = args;
}

function applyEnv(value: unknown, entry: Entry): void {
  if (!isObject(value)) {
    return report(entry, 'env', `"env" must be an object of string values, e.g. { "PORT": "3000" }; got ${typeName(value)}.`);
  }
  const pairs: [string, string][] = [];
  for (const [key, item] of Object.entries(value)) {
    const field = `env.${key}`;
    if (key === '' || key.includes('=') || key.includes('\0')) {
      report(entry, field, `"env" has an invalid variable name ${quote(key)}; a name must be non-empty, without "=".`);
    } else if (typeof item !== 'string') {
      report(entry, field, `${quote(field)} must be a string; got ${typeName(item)}${quoteHint(item)}.`);
    } else {
      const expanded = expand(item, field, entry);
      if (expanded !== undefined) pairs.push([key, expanded]);
    }
  }
  // fromEntries defines own properties, so a key like "__proto__" stays a plain variable.
  entry.spec.env = Object.fromEntries(pairs);
}

const KINDS = ['service', 'job'] as const;

function applyKind(value: unknown, entry: Entry): void {
  if (value !== 'service' && value !== 'job') {
    const hint = typeof value === 'string' ? didYouMean(value, KINDS) : '';
    return report(entry, 'kind', `"kind" must be "service" or "job"; got ${describe(value)}${hint}.`);
  }
  entry.spec.kind = value;
}

function readBoolean(value: unknown, field: string, entry: Entry): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const hint = value === 'true' || value === 'false' ? ' (remove the quotes)' : '';
  report(entry, field, `${quote(field)} must be true or false; got ${describe(value)}${hint}.`);
  return undefined;
}

/** A folder or file path: variables expanded, relative paths against the workspace folder. */
function resolvePath(value: unknown, field: string, entry: Entry): string | undefined {
  if (!isNonBlank(value)) {
    report(entry, field, `${quote(field)} must be a non-empty path; got ${describe(value)}.`);
    return undefined;
  }
  const expanded = expand(value, field, entry);
  if (expanded === undefined) return undefined;
  if (expanded === '') {
    report(entry, field, `${quote(field)} is empty after expanding variables in ${quote(value)}.`);
    return undefined;
  }
  if (path.isAbsolute(expanded)) return path.resolve(expanded);
  const folder = entry.ctx.workspaceFolder;
  if (folder !== undefined) return path.resolve(folder, expanded);
  report(entry, field, `${quote(field)} is a relative path (${quote(expanded)}) and no workspace folder is open to resolve it against; use an absolute path.`);
  return undefined;
}

function expand(text: string, field: string, entry: Entry): string | undefined {
  const { text: expanded, unresolved } = expandVariables(text, entry.ctx);
  if (unresolved.length === 0) return expanded;
  report(entry, field, `${quote(field)} uses \${${unresolved[0]}}, but no workspace folder is open.`);
  return undefined;
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const lower = word.toLowerCase();
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best === undefined ? '' : ` (did you mean ${quote(best)}?)`;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function positionOf(index: number): string {
  return `${TASKS_SETTING}[${index}]`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : 'a string';
  if (typeof value === 'undefined') return 'nothing';
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

/** Strings by value, anything else by type. */
function describe(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' ? quote(value) : typeName(value);
}

/** A value the user wrote as a number or boolean, where a string is expected. */
function quoteHint(value: unknown): string {
  if (typeof value !== 'number' && typeof value !== 'boolean') return '';
  return ` (put it in quotes: ${quote(String(value))})`;
}

const QUOTE_LIMIT = 60;

/** A user's string for a message: JSON-escaped, long ones cut short. */
function quote(text: string): string {
  return JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text);
}

function quoteList(items: string[]): string {
  const shown = items.filter((item) => item !== '').slice(0, 5).map(quote);
  return `[${shown.join(', ')}${items.length > 5 ? ', …' : ''}]`;
}
