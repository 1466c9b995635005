import type { DefinitionError, ProcessSpec } from '../../core/types';
import { parseEntries } from '../definitions';
import type { SpecOrigin } from '../dependsOnFields';
import type { DefinitionContext } from '../types';
import type { DetectedEntry, DetectProblem } from './types';

/** Detected entries parsed into specs, those the settings already cover left out. */
export interface ParsedDetected {
  specs: ProcessSpec[];
  origins: Map<ProcessSpec, SpecOrigin>;
  /** Entries our own validation refused: a detector's mistake, told where the entry is declared. */
  problems: DetectProblem[];
}

/** What a settings definition runs, to hide the detected entry it was made from (or that does the same). */
function runsKey(spec: Pick<ProcessSpec, 'command' | 'args' | 'cwd' | 'shell'>): string {
  return JSON.stringify([spec.shell, spec.command, spec.args, spec.cwd]);
}

/**
 * Parses detected entries with the same validation as the settings. A detected entry whose name
 * a settings definition has, or which runs the same command line in the same folder, is left
 * out: once added to the settings, it is ours.
 */
export function parseDetected(
  entries: readonly DetectedEntry[],
  ctx: Omit<DefinitionContext, 'workspaceFolder'>,
  settings: readonly ProcessSpec[],
): ParsedDetected {
  const names = new Set(settings.map((s) => s.name));
  const runs = new Set(settings.map(runsKey));
  const result: ParsedDetected = { specs: [], origins: new Map(), problems: [] };
  for (const detected of entries) {
    if (names.has(detected.name)) continue;
    const { set, origins } = parseEntries([detected.entry], { ...ctx, workspaceFolder: detected.folder });
    const spec = set.specs[0];
    if (!spec) {
      result.problems.push(...set.errors.map((e) => problemAt(detected, e)));
      continue;
    }
    if (runs.has(runsKey(spec))) continue;
    names.add(spec.name);
    spec.source = detected.source;
    result.specs.push(spec);
    result.origins.set(spec, { ...(origins.get(spec) ?? { dependsOn: [] }), index: -1 });
  }
  return result;
}

/** A settings-style error about a detected entry, placed where the entry is declared. */
export function problemAt(detected: DetectedEntry, error: DefinitionError): DetectProblem {
  const message = error.message.replace(/^devProcesses\.tasks\[\d+\]/, `"${detected.name}"`);
  return { ...detected.at, source: detected.source, message };
}
