import type { DefinitionError, DefinitionSet, Dependency, DependencyCondition, ProcessKind, ProcessSpec } from '../core/types';
import { report, reportUnknownKeys, taskLabel, type Entry } from './entry';
import { ENTRY_SCHEMA, choicesOf } from './schema';
import { findCycles } from './cycles';
import { describe, didYouMean, isNonBlank, isObject, quote, quoteChoices, quoteList, shorten, typeName } from './text';
import type { DeclaredDependency } from './types';

/** The object form of an item, `{ "name", "condition" }`, after the bare name. */
const DEPENDENCY_SCHEMA = ENTRY_SCHEMA.dependsOn.items.oneOf[1]?.properties;
export const DEPENDENCY_CONDITIONS = choicesOf<DependencyCondition>(DEPENDENCY_SCHEMA?.condition);
export const DEPENDENCY_FIELDS: readonly (keyof Dependency)[] = ['name', 'condition', 'reuse'];

/** Where a spec came from and what it declared, for the checks that need every definition of the window. */
export interface SpecOrigin {
  /** Index of the entry in its `devProcesses.tasks` array. */
  index: number;
  /** The folder whose settings hold the entry, in a multi-root window. */
  folder?: string;
  dependsOn: DeclaredDependency[];
}

/** Checks the shape of `dependsOn` alone; names are checked by `resolveDependencies` once every entry is known. */
export function applyDependsOn(value: unknown, entry: Entry): void {
  if (!Array.isArray(value)) {
    const hint = isNonBlank(value) ? ` (write it as a list: ${quoteList([value])})` : '';
    return report(entry, 'dependsOn', `"dependsOn" must be an array of names, e.g. ["db"]; got ${typeName(value)}${hint}.`);
  }
  const errorsBefore = entry.errors.length;
  const declared: DeclaredDependency[] = [];
  const fieldOfName = new Map<string, string>();
  value.forEach((item: unknown, i) => {
    const dependency = readDependency(item, `dependsOn[${i}]`, entry);
    if (dependency === undefined) return;
    const { name, field } = dependency;
    if (name === entry.name) {
      return report(entry, field, `${quote(field)} names the task itself; a task cannot depend on itself.`);
    }
    const first = fieldOfName.get(name);
    if (first !== undefined) {
      return report(entry, field, `${quote(field)} repeats ${quote(name)} from ${quote(first)}; list each name once.`);
    }
    fieldOfName.set(name, field);
    declared.push(dependency);
  });
  if (entry.errors.length === errorsBefore) entry.dependsOn = declared;
}

function readDependency(item: unknown, field: string, entry: Entry): DeclaredDependency | undefined {
  if (isNonBlank(item)) return { name: item, field };
  if (!isObject(item)) {
    report(entry, field, `${quote(field)} must be a name or an object with "name" and "condition"; got ${typeName(item)}.`);
    return undefined;
  }
  const errorsBefore = entry.errors.length;
  const { name, condition, reuse } = item;
  if (!Object.hasOwn(item, 'name')) {
    report(entry, field, `${quote(field)} needs a "name".`);
  } else if (!isNonBlank(name)) {
    report(entry, `${field}.name`, `"${field}.name" must be a non-empty string; got ${describe(name)}.`);
  }
  const known = DEPENDENCY_CONDITIONS.find((c) => c === condition);
  if (Object.hasOwn(item, 'condition') && known === undefined) {
    const hint = typeof condition === 'string' ? didYouMean(condition, DEPENDENCY_CONDITIONS) : '';
    report(entry, `${field}.condition`, `"${field}.condition" must be ${quoteChoices(DEPENDENCY_CONDITIONS)}; got ${describe(condition)}${hint}.`);
  }
  if (Object.hasOwn(item, 'reuse') && typeof reuse !== 'boolean') {
    report(entry, `${field}.reuse`, `"${field}.reuse" must be true or false; got ${describe(reuse)}.`);
  }
  reportUnknownKeys(item, field, DEPENDENCY_FIELDS, entry);
  if (entry.errors.length > errorsBefore || !isNonBlank(name)) return undefined;
  const dependency: DeclaredDependency = known === undefined ? { name, field } : { name, condition: known, field };
  if (reuse === true) dependency.reuse = true;
  return dependency;
}

/** What a bare name waits for: a job to finish well, a service to be up. */
export function defaultCondition(kind: ProcessKind): DependencyCondition {
  return kind === 'job' ? 'completed' : 'healthy';
}

/**
 * The checks that need every definition of the window, so in a multi-root window it runs once
 * over the joined folders. Gives each spec its resolved `dependsOn`, and drops with an error every
 * spec whose dependencies are unknown, unusable or cyclic, or which depends, even indirectly, on
 * an entry with errors (its start would fail anyway).
 */
export function resolveDependencies(set: DefinitionSet, origins: ReadonlyMap<ProcessSpec, SpecOrigin>): DefinitionSet {
  const byName = new Map(set.specs.map((spec) => [spec.name, spec]));
  const namesWithErrors = new Set(set.errors.flatMap((e) => (e.name === undefined || byName.has(e.name) ? [] : [e.name])));
  const declaredBy = (spec: ProcessSpec) => origins.get(spec)?.dependsOn ?? [];
  const problems = new Map<ProcessSpec, [field: string, message: string][]>();
  const addProblem = (spec: ProcessSpec, field: string, message: string) => {
    const list = problems.get(spec) ?? [];
    list.push([field, message]);
    problems.set(spec, list);
  };

  const resolved = new Map<ProcessSpec, Dependency[]>();
  for (const spec of set.specs) {
    const dependencies: Dependency[] = [];
    for (const { name, condition, reuse, field } of declaredBy(spec)) {
      const target = byName.get(name);
      if (target === undefined) {
        if (!namesWithErrors.has(name)) {
          const hint = didYouMean(name, [...byName.keys(), ...namesWithErrors]);
          addProblem(spec, field, `${quote(field)} names ${quote(name)}, but no task has that name${hint}.`);
        }
      } else if (condition === 'healthy' && target.kind === 'job') {
        addProblem(spec, field, `${quote(field)} waits for ${quote(name)} to be healthy, but ${quote(name)} is a job; use "completed" or "started".`);
      } else if (reuse && target.kind === 'service') {
        addProblem(spec, `${field}.reuse`, `${quote(`${field}.reuse`)} applies to jobs, but ${quote(name)} is a service (a running service is always used); remove "reuse".`);
      } else {
        const dependency: Dependency = { name, condition: condition ?? defaultCondition(target.kind) };
        if (reuse) dependency.reuse = true;
        dependencies.push(dependency);
      }
    }
    resolved.set(spec, dependencies);
  }

  const edges = new Map(set.specs.map((spec) => [spec.name, declaredBy(spec).map((d) => d.name).filter((name) => byName.has(name))]));
  for (const [name, cycle] of findCycles(edges)) {
    addProblem(byName.get(name)!, 'dependsOn', `dependsOn forms a cycle: ${describeCycle(cycle)}.`);
  }

  // Only specs without problems of their own are told about broken dependencies: the others already show why they fail.
  const broken = withDependents(set.specs, declaredBy, [...namesWithErrors, ...[...problems.keys()].map((s) => s.name)]);
  for (const spec of set.specs) {
    if (problems.has(spec) || !broken.has(spec.name)) continue;
    for (const { name, field } of declaredBy(spec)) {
      if (broken.has(name)) addProblem(spec, field, `depends on ${quote(name)}, which has errors in its settings.`);
    }
  }

  const errors: DefinitionError[] = [...set.errors];
  const specs: ProcessSpec[] = [];
  for (const spec of set.specs) {
    const found = problems.get(spec);
    // A spec with problems always has an origin: every problem comes from what it declared.
    const origin = origins.get(spec);
    if (found === undefined || origin === undefined) {
      specs.push({ ...spec, dependsOn: resolved.get(spec) ?? [] });
      continue;
    }
    for (const [field, message] of found) {
      const error: DefinitionError = { index: origin.index, name: spec.name, field, message: `${taskLabel(spec.name)}: ${message}` };
      if (origin.folder !== undefined) error.folder = origin.folder;
      errors.push(error);
    }
  }
  return { specs, errors };
}

const CYCLE_NAMES_SHOWN = 8;

/** `a -> b -> c -> a`, with the middle of a long cycle left out. */
function describeCycle(cycle: readonly string[]): string {
  const shown = cycle.length <= CYCLE_NAMES_SHOWN + 1 ? cycle : [...cycle.slice(0, CYCLE_NAMES_SHOWN - 2), '…', ...cycle.slice(-2)];
  return shown.map(shorten).join(' -> ');
}

/** The given names and every definition that depends on one of them, directly or not. */
function withDependents(
  specs: readonly ProcessSpec[],
  declaredBy: (spec: ProcessSpec) => readonly DeclaredDependency[],
  names: readonly string[],
): Set<string> {
  const dependents = new Map<string, string[]>();
  for (const spec of specs) {
    for (const { name } of declaredBy(spec)) {
      const list = dependents.get(name) ?? [];
      list.push(spec.name);
      dependents.set(name, list);
    }
  }
  const found = new Set(names);
  const queue = [...found];
  while (queue.length > 0) {
    for (const dependent of dependents.get(queue.pop()!) ?? []) {
      if (!found.has(dependent)) {
        found.add(dependent);
        queue.push(dependent);
      }
    }
  }
  return found;
}
