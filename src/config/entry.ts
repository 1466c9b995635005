import type { DefinitionError, ProcessKind, ProcessSpec, SettingsFix } from '../core/types';
import { didYouMean, didYouMeanFix, quote } from './text';
import type { DeclaredDependency, DefinitionContext } from './types';

/** One entry of `devProcesses.tasks` being validated: its identity for messages, the spec being filled, its errors. */
export interface Entry {
  readonly index: number;
  readonly name: string | undefined;
  /** `Task "web"` or, without a usable name, `devProcesses.tasks[3]`. */
  readonly label: string;
  readonly ctx: DefinitionContext;
  readonly namesSeen: Map<string, number>;
  readonly spec: ProcessSpec;
  readonly errors: DefinitionError[];
  /** `dependsOn` as written; resolved once every entry is known. */
  dependsOn: DeclaredDependency[];
}

/** Checks one present field and writes its value onto `entry.spec`, or reports. */
export interface FieldRule {
  required?: boolean;
  /** For a field that only one kind can use; checked once the entry's kind is known. */
  onlyFor?: { kind: ProcessKind; otherwise: string };
  apply(value: unknown, entry: Entry): void;
}

export function taskLabel(name: string): string {
  return `Task ${quote(name)}`;
}

export function report(entry: Entry, field: string, message: string, fix?: SettingsFix): void {
  const error: DefinitionError = { index: entry.index, field, message: `${entry.label}: ${message}` };
  if (entry.name !== undefined) error.name = entry.name;
  if (fix) error.fix = fix;
  entry.errors.push(error);
}

export function assign<K extends keyof ProcessSpec>(entry: Entry, field: K, value: ProcessSpec[K] | undefined): void {
  if (value !== undefined) entry.spec[field] = value;
}

/** Reports each key of a nested object (`retry`, `instances`, a `dependsOn` item) that is not one of `known`. */
export function reportUnknownKeys(object: Record<string, unknown>, field: string, known: readonly string[], entry: Entry): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) {
      report(entry, `${field}.${key}`, `${quote(field)} has an unknown field ${quote(key)}${didYouMean(key, known)}.`, didYouMeanFix(key, known));
    }
  }
}
