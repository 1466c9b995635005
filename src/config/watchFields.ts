import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitGlob } from '../core/globs';
import type { DefinitionError, DefinitionSet, ProcessSpec, WatchAction, WatchSpec } from '../core/types';
import { report, reportUnknownKeys, taskLabel, type Entry } from './entry';
import { readMilliseconds } from './schedulingFields';
import { ENTRY_SCHEMA, choicesOf } from './schema';
import { describe, didYouMean, didYouMeanFix, isNonBlank, isObject, quote, quoteChoices, typeName } from './text';
import { expand } from './valueFields';

const WATCH_SCHEMA = ENTRY_SCHEMA.watch.properties;
export const WATCH_ACTIONS = choicesOf<WatchAction>(WATCH_SCHEMA.action);
export const WATCH_FIELDS: readonly (keyof WatchSpec)[] = ['paths', 'exclude', 'debounceMs', 'action', 'build', 'overlap'];
/** `watch.paths` when absent: everything under `cwd` (less the default excludes). */
const EVERYTHING = '**';

/** `watch`: `{ paths, exclude, debounceMs, action, build, overlap }`, each optional. */
export function applyWatch(value: unknown, entry: Entry): void {
  if (!isObject(value)) {
    const hint = typeof value === 'string' || Array.isArray(value) ? ' (put the globs in "paths": { "paths": ["src/**"] })' : '';
    return report(entry, 'watch', `"watch" must be an object such as { "paths": ["src/**"] }; got ${typeName(value)}${hint}.`);
  }
  const errorsBefore = entry.errors.length;
  const watch: WatchSpec = {
    paths: readPaths(Object.hasOwn(value, 'paths') ? value.paths : [EVERYTHING], entry) ?? [],
    exclude: (Object.hasOwn(value, 'exclude') ? readGlobs(value.exclude, 'watch.exclude', entry) : []) ?? [],
    debounceMs: WATCH_SCHEMA.debounceMs.default,
    action: WATCH_SCHEMA.action.default as WatchAction,
    overlap: false,
  };
  if (Object.hasOwn(value, 'debounceMs')) watch.debounceMs = readDebounce(value.debounceMs, entry) ?? watch.debounceMs;
  if (Object.hasOwn(value, 'action')) watch.action = readAction(value.action, entry) ?? watch.action;
  if (Object.hasOwn(value, 'build')) watch.build = readBuild(value.build, entry);
  if (Object.hasOwn(value, 'overlap')) {
    if (typeof value.overlap === 'boolean') watch.overlap = value.overlap;
    else report(entry, 'watch.overlap', `"watch.overlap" must be true or false; got ${describe(value.overlap)}.`);
  }
  reportUnknownKeys(value, 'watch', WATCH_FIELDS, entry);
  if (entry.errors.length === errorsBefore) entry.spec.watch = watch;
}

function readGlobs(value: unknown, field: string, entry: Entry): string[] | undefined {
  if (isNonBlank(value)) {
    report(entry, field, `${quote(field)} must be an array of globs; got a string (write it as a list: [${quote(value)}]).`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    report(entry, field, `${quote(field)} must be an array of globs; got ${typeName(value)}.`);
    return undefined;
  }
  const globs: string[] = [];
  value.forEach((item: unknown, i) => {
    if (!isNonBlank(item)) return report(entry, `${field}[${i}]`, `${quote(`${field}[${i}]`)} must be a non-empty glob; got ${describe(item)}.`);
    const expanded = expand(item.trim(), `${field}[${i}]`, entry);
    if (expanded !== undefined) globs.push(expanded.replaceAll('\\', '/'));
  });
  return globs.length === value.length ? globs : undefined;
}

/**
 * The globs made absolute against `cwd`. One that leaves the workspace must be written as an
 * absolute path to a folder that exists: watching a large tree by a stray `..` is costly.
 */
function readPaths(value: unknown, entry: Entry): string[] | undefined {
  const globs = readGlobs(value, 'watch.paths', entry);
  if (globs === undefined) return undefined;
  const { cwd } = entry.spec;
  const workspace = entry.ctx.workspaceFolder;
  const resolved: string[] = [];
  globs.forEach((glob, i) => {
    const field = `watch.paths[${i}]`;
    const absolute = path.posix.isAbsolute(glob);
    const full = absolute ? glob : `${cwd.replace(/\/+$/, '')}/${glob}`;
    const { base } = splitGlob(full);
    const normalBase = path.posix.normalize(base || '/');
    const inside = [workspace, absolute ? undefined : cwd].some((root) => root !== undefined && isInside(normalBase, root));
    if (!inside && !absolute) {
      return report(entry, field, `${quote(field)} (${quote(glob)}) leads outside the workspace; write a folder outside it as an absolute path.`);
    }
    if (!inside && !fs.existsSync(normalBase)) {
      return report(entry, field, `${quote(field)} (${quote(glob)}) is outside the workspace and ${quote(normalBase)} does not exist.`);
    }
    resolved.push(normalBase === base ? full : path.posix.join(normalBase, full.slice(base.length)));
  });
  return resolved.length === globs.length ? resolved : undefined;
}

function isInside(target: string, root: string): boolean {
  const relative = path.posix.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.posix.isAbsolute(relative));
}

function readDebounce(value: unknown, entry: Entry): number | undefined {
  const ms = readMilliseconds(value, 'watch.debounceMs', entry, WATCH_SCHEMA.debounceMs.minimum);
  if (ms === undefined || ms <= WATCH_SCHEMA.debounceMs.maximum) return ms;
  report(entry, 'watch.debounceMs', `"watch.debounceMs" must be at most ${WATCH_SCHEMA.debounceMs.maximum}; got ${ms}.`);
  return undefined;
}

function readAction(value: unknown, entry: Entry): WatchAction | undefined {
  const known = WATCH_ACTIONS.find((a) => a === value);
  if (known !== undefined) return known;
  const hint = typeof value === 'string' ? didYouMean(value, WATCH_ACTIONS) : '';
  const fix = typeof value === 'string' ? didYouMeanFix(value, WATCH_ACTIONS) : undefined;
  report(entry, 'watch.action', `"watch.action" must be ${quoteChoices(WATCH_ACTIONS)}; got ${describe(value)}${hint}.`, fix);
  return undefined;
}

/** The name alone: whether it names a job is known once every entry is read (`resolveWatchBuilds`). */
function readBuild(value: unknown, entry: Entry): string | undefined {
  if (!isNonBlank(value)) {
    report(entry, 'watch.build', `"watch.build" must be the name of a job; got ${describe(value)}.`);
    return undefined;
  }
  if (value === entry.name) {
    report(entry, 'watch.build', `"watch.build" names the service itself; name the job that builds it.`);
    return undefined;
  }
  return value;
}

/**
 * Drops with a located problem every spec whose `watch.build` names no definition of the window,
 * or a service; `origins` gives each spec's entry. Run before dependencies are resolved, so that
 * what depends on a dropped spec is told too.
 */
export function resolveWatchBuilds(set: DefinitionSet, origins: ReadonlyMap<ProcessSpec, { index: number; folder?: string }>): DefinitionSet {
  const byName = new Map(set.specs.map((spec) => [spec.name, spec]));
  const broken = new Set(set.errors.flatMap((e) => (e.name === undefined || byName.has(e.name) ? [] : [e.name])));
  const errors: DefinitionError[] = [...set.errors];
  const specs = set.specs.filter((spec) => {
    const build = spec.watch?.build;
    if (build === undefined) return true;
    const target = byName.get(build);
    let message: string | undefined;
    if (target === undefined && broken.has(build)) message = `"watch.build" names ${quote(build)}, which has errors in its settings.`;
    else if (target === undefined) message = `"watch.build" names ${quote(build)}, but no task has that name${didYouMean(build, byName.keys())}.`;
    else if (target.kind !== 'job') message = `"watch.build" names ${quote(build)}, which is a service; it must name a job (a build that runs to completion).`;
    if (message === undefined) return true;
    const origin = origins.get(spec);
    const error: DefinitionError = { index: origin?.index ?? -1, name: spec.name, field: 'watch.build', message: `${taskLabel(spec.name)}: ${message}` };
    if (origin?.folder !== undefined) error.folder = origin.folder;
    errors.push(error);
    return false;
  });
  return { specs, errors };
}
