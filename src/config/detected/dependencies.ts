import { quote } from '../text';
import { problemAt } from './common';
import type { DetectedEntry, DetectResult, DetectSource, FilePosition } from './types';

/** A dependency as its file writes it: `label` is its own name there, `name` the detected one. */
export interface WrittenDependency {
  name: string;
  label: string;
  at: FilePosition;
}

export interface PendingEntry {
  entry: DetectedEntry;
  /** Its own name in the file, for messages. */
  label: string;
  dependsOn: readonly WrittenDependency[];
}

/**
 * Keeps the entries whose dependencies are all kept: an entry that depends on something this file
 * does not give (unknown, disabled, of a type we do not run) would fail at each start, so it is
 * skipped, with one problem at that dependency.
 */
export function keepRunnable(source: DetectSource, pending: readonly PendingEntry[]): DetectResult {
  const offered = new Set(pending.map((p) => p.entry.name));
  const kept = new Set(offered);
  const problems = [];
  for (let changed = true; changed; ) {
    changed = false;
    for (const item of pending) {
      if (!kept.has(item.entry.name)) continue;
      const missing = item.dependsOn.find((d) => !kept.has(d.name));
      if (missing === undefined) continue;
      kept.delete(item.entry.name);
      changed = true;
      const why = offered.has(missing.name) ? 'which is skipped too' : 'which is not defined here or cannot run outside the editor';
      problems.push(problemAt(source, missing.at, `${quote(item.label)} depends on ${quote(missing.label)}, ${why}; skipped.`));
    }
  }
  return { entries: pending.filter((p) => kept.has(p.entry.name)).map((p) => p.entry), problems };
}
