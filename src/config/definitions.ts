import * as path from 'node:path';
import type { DefinitionSet, ProcessSpec } from '../core/types';
import { defaultRestart, specDefaults } from '../core/defaults';
import { applyDebug } from './debugFields';
import { expand, readArgs, readEnv } from './valueFields';
import { applyDependsOn, resolveDependencies, type SpecOrigin } from './dependsOnFields';
import { assign, report, taskLabel, type Entry, type FieldRule } from './entry';
import { applyGroup } from './groupFields';
import { applyHealthCheck } from './healthCheckFields';
import { applyLimits } from './limitsFields';
import { applyProblemMatcher } from './problemMatcherFields';
import { applyOpenOnReady, applyPort } from './portFields';
import { applyStop } from './stopFields';
import { applyWatch, resolveWatchBuilds } from './watchFields';
import { applyRecovery, applyRestart } from './recoveryFields';
import { MAX_TIMER_MS, applyIdleTimeout, applyInstances, applyMaxOutputMBps, applyPriority, applyRetry, applyTimeout } from './schedulingFields';
import { describe, didYouMean, didYouMeanFix, hasControlCharacter, isNonBlank, isObject, quote, typeName } from './text';
import { SETTINGS_SCHEMA } from './schema';
import type { DefinitionContext } from './types';


export const TASKS_SETTING = 'devProcesses.tasks';
/** `DefinitionError.index` of a problem with the whole setting rather than one of its entries. */
export const WHOLE_SETTING = -1;
export const DEFAULT_STOP_TIMEOUT_MS = SETTINGS_SCHEMA['devProcesses.stopTimeoutMs'].default;
/** Automatic `devProcesses.maxConcurrent` never goes below this, so one job cannot hold up every other on a one-core machine. */
export const MIN_AUTOMATIC_CONCURRENCY = 2;

/** `devProcesses.stopTimeoutMs`: an integer >= 0; anything else gives the default. */
export function readStopTimeout(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) return DEFAULT_STOP_TIMEOUT_MS;
  return Math.min(Math.abs(raw), MAX_TIMER_MS); // abs turns -0 into 0
}

/** `devProcesses.maxConcurrent`: an integer >= 1; `null`, absent or invalid means the number of CPU cores, at least 2. */
export function readMaxConcurrent(raw: unknown, cpuCount: number): number {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1) return raw;
  const cores = Number.isFinite(cpuCount) ? Math.floor(cpuCount) : 0;
  return Math.max(cores, MIN_AUTOMATIC_CONCURRENCY);
}

/**
 * Validates `devProcesses.tasks` into engine specs. An entry with any error gives no spec and
 * the others still do. Never throws.
 */
export function parseDefinitions(raw: unknown, ctx: DefinitionContext): DefinitionSet {
  const { set, origins } = parseEntries(raw, ctx);
  return resolveDependencies(resolveWatchBuilds(set, origins), origins);
}

/** The entries parsed one by one: `dependsOn` is not resolved yet (see `resolveDependencies`). */
export interface ParsedEntries {
  set: DefinitionSet;
  origins: Map<ProcessSpec, SpecOrigin>;
}

/**
 * The first pass of `parseDefinitions`, for callers that join several settings before
 * resolving dependencies across them. `keepers`: the index of the entry that keeps a name used
 * more than once; by default the first. Never throws.
 */
export function parseEntries(raw: unknown, ctx: DefinitionContext, keepers: ReadonlyMap<string, number> = new Map()): ParsedEntries {
  const origins = new Map<ProcessSpec, SpecOrigin>();
  if (raw === undefined || raw === null) return { set: { specs: [], errors: [] }, origins };
  try {
    if (!Array.isArray(raw)) {
      const hint = isObject(raw) && Object.hasOwn(raw, 'command') ? ' (put the entry inside [ ])' : '';
      return settingError(`"${TASKS_SETTING}" must be an array of entries; got ${typeName(raw)}${hint}.`);
    }
    const set: DefinitionSet = { specs: [], errors: [] };
    // A name's keeper (the entry that had it before) holds it wherever the others sit.
    const namesSeen = new Map<string, number>(keepers);
    for (let index = 0; index < raw.length; index++) {
      const { spec, errors, dependsOn } = parseEntrySafely(raw[index], index, ctx, namesSeen);
      if (spec) {
        set.specs.push(spec);
        origins.set(spec, { index, dependsOn });
      }
      set.errors.push(...errors);
    }
    return { set, origins };
  } catch {
    return settingError(`"${TASKS_SETTING}" could not be read.`);
  }
}

function settingError(message: string): ParsedEntries {
  return { set: { specs: [], errors: [{ index: WHOLE_SETTING, message }] }, origins: new Map() };
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
  tty: { apply: (value, entry) => assign(entry, 'tty', readBoolean(value, 'tty', entry)) },
  kind: { apply: applyKind },
  autoStart: { apply: (value, entry) => assign(entry, 'autoStart', readBoolean(value, 'autoStart', entry)) },
  priority: { apply: applyPriority },
  timeoutMs: { apply: applyTimeout },
  retry: { apply: applyRetry },
  dependsOn: { apply: applyDependsOn },
  instances: { apply: applyInstances, onlyFor: { kind: 'service', otherwise: 'use several jobs' } },
  idleTimeoutMs: { apply: applyIdleTimeout, onlyFor: { kind: 'service', otherwise: 'for a job, use "timeoutMs"' } },
  maxOutputMBps: { apply: applyMaxOutputMBps },
  restart: { apply: applyRestart, onlyFor: { kind: 'service', otherwise: 'for a job, use "retry"' } },
  // After `kind`: a job may use fewer strategies.
  recovery: { apply: applyRecovery },
  // Before `healthCheck`: a "problems" readiness probe needs a background matcher.
  problemMatcher: { apply: applyProblemMatcher },
  healthCheck: { apply: applyHealthCheck, onlyFor: { kind: 'service', otherwise: 'dependents wait for a job to complete' } },
  // After `kind`: `onExceed: "restart"` is for services only.
  limits: { apply: applyLimits },
  debug: { apply: applyDebug },
  stop: { apply: applyStop },
  port: { apply: applyPort },
  openOnReady: { apply: applyOpenOnReady },
  group: { apply: applyGroup },
  // After `cwd`: the globs are relative to it.
  watch: { apply: applyWatch, onlyFor: { kind: 'service', otherwise: 'a job runs to completion (name it in a service\'s "watch.build")' } },
};

/** The names of every field a definition may have. */
export const DEFINITION_FIELDS: readonly string[] = Object.keys(FIELD_RULES);

interface ParsedEntry {
  spec: ProcessSpec | undefined;
  errors: Entry['errors'];
  dependsOn: Entry['dependsOn'];
}

function parseEntrySafely(raw: unknown, index: number, ctx: DefinitionContext, namesSeen: Map<string, number>): ParsedEntry {
  try {
    return parseEntry(raw, index, ctx, namesSeen);
  } catch {
    // Settings are JSON, but a caller may pass any object; one bad entry must not hide the rest.
    const message = `${positionOf(index)}: the entry could not be read.`;
    return { spec: undefined, errors: [{ index, message }], dependsOn: [] };
  }
}

function parseEntry(raw: unknown, index: number, ctx: DefinitionContext, namesSeen: Map<string, number>): ParsedEntry {
  if (!isObject(raw)) {
    const message = `${positionOf(index)}: each entry must be an object with "name" and "command"; got ${typeName(raw)}.`;
    return { spec: undefined, errors: [{ index, message }], dependsOn: [] };
  }
  const name = Object.hasOwn(raw, 'name') && isNonBlank(raw.name) ? raw.name : undefined;
  const entry: Entry = {
    index,
    name,
    label: name === undefined ? positionOf(index) : taskLabel(name),
    ctx,
    namesSeen,
    spec: defaultSpec(ctx),
    errors: [],
    dependsOn: [],
  };
  for (const [field, rule] of Object.entries(FIELD_RULES)) {
    if (Object.hasOwn(raw, field)) rule.apply(raw[field], entry);
    else if (rule.required) report(entry, field, `${quote(field)} is required.`);
  }
  // The defaults were a service's: "kind" had not been read yet.
  if (!Object.hasOwn(raw, 'restart')) entry.spec.restart = defaultRestart(entry.spec.kind);
  // After every rule, so that the kind is known wherever "kind" is written in the entry.
  for (const [field, rule] of Object.entries(FIELD_RULES)) {
    if (rule.onlyFor && Object.hasOwn(raw, field) && entry.spec.kind !== rule.onlyFor.kind) {
      report(entry, field, `${quote(field)} is for ${rule.onlyFor.kind}s; ${rule.onlyFor.otherwise}.`);
    }
  }
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(FIELD_RULES, key)) {
      report(entry, key, `unknown field ${quote(key)}${didYouMean(key, DEFINITION_FIELDS)}.`, didYouMeanFix(key, DEFINITION_FIELDS));
    }
  }
  return { spec: entry.errors.length === 0 ? entry.spec : undefined, errors: entry.errors, dependsOn: entry.dependsOn };
}

function defaultSpec(ctx: DefinitionContext): ProcessSpec {
  return {
    ...specDefaults(),
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

function applyName(value: unknown, entry: Entry): void {
  if (!isNonBlank(value)) {
    const got = typeof value === 'string' ? '' : `; got ${typeName(value)}`;
    return report(entry, 'name', `"name" must be a non-empty string${got}.`);
  }
  if (hasControlCharacter(value)) {
    return report(entry, 'name', `"name" must not contain control characters such as line breaks or escapes.`);
  }
  const first = entry.namesSeen.get(value);
  if (first !== undefined && first !== entry.index) {
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
  assign(entry, 'args', readArgs(value, 'args', entry));
}

function applyEnv(value: unknown, entry: Entry): void {
  assign(entry, 'env', readEnv(value, 'env', entry));
}

const KINDS = ['service', 'job'] as const;

function applyKind(value: unknown, entry: Entry): void {
  if (value !== 'service' && value !== 'job') {
    const hint = typeof value === 'string' ? didYouMean(value, KINDS) : '';
    const fix = typeof value === 'string' ? didYouMeanFix(value, KINDS) : undefined;
    return report(entry, 'kind', `"kind" must be "service" or "job"; got ${describe(value)}${hint}.`, fix);
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

function positionOf(index: number): string {
  return `${TASKS_SETTING}[${index}]`;
}
