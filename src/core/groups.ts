import type { ProcessSpec } from './types';

/** Every group named by a definition, sorted. */
export function groupNames(specs: readonly ProcessSpec[]): string[] {
  return [...new Set(specs.flatMap((s) => s.groups ?? []))].sort((a, b) => a.localeCompare(b));
}

/** The definitions that belong to `group`, in settings order. */
export function groupMembers(specs: readonly ProcessSpec[], group: string): ProcessSpec[] {
  return specs.filter((s) => s.groups?.includes(group));
}
