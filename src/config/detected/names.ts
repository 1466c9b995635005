import * as path from 'node:path';
import type { DetectedEntry } from './types';

/**
 * Makes names unique across the window: the first entry with a name keeps it, a later one (the
 * same label in another folder) gets its folder's name, `tasks: build (api)`, and a number after
 * that if needed. `dependsOn` within the renamed entry's folder follows the new name.
 */
export function uniqueNames(entries: readonly DetectedEntry[]): DetectedEntry[] {
  const reserved = new Set(entries.map((e) => e.name));
  const used = new Set<string>();
  const renamed = new Map<string, Map<string, string>>();
  const named = entries.map((found) => {
    if (!used.has(found.name)) {
      used.add(found.name);
      return found;
    }
    const name = freeName(`${found.name} (${path.basename(found.folder)}`, used, reserved);
    used.add(name);
    const inFolder = renamed.get(found.folder) ?? new Map<string, string>();
    inFolder.set(found.name, name);
    renamed.set(found.folder, inFolder);
    return { ...found, name, entry: { ...found.entry, name } };
  });
  return renamed.size === 0 ? named : named.map((found) => withDependencies(found, renamed.get(found.folder)));
}

function freeName(stem: string, used: ReadonlySet<string>, reserved: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? `${stem})` : `${stem} ${n})`;
    if (!used.has(name) && !reserved.has(name)) return name;
  }
}

/** `dependsOn` items are names or `{ name, condition }`. */
function withDependencies(found: DetectedEntry, renames: ReadonlyMap<string, string> | undefined): DetectedEntry {
  const { dependsOn } = found.entry;
  if (renames === undefined || !Array.isArray(dependsOn)) return found;
  const rename = (name: string) => renames.get(name) ?? name;
  const updated = dependsOn.map((item: unknown) => (typeof item === 'string' ? rename(item) : typeof item === 'object' && item !== null && 'name' in item && typeof item.name === 'string' ? { ...item, name: rename(item.name) } : item));
  return { ...found, entry: { ...found.entry, dependsOn: updated } };
}
