import type { DefinitionError, ProcessSpec } from '../../core/types';
import { parseEntries, type ParsedEntries } from '../definitions';
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

/**
 * Detected entries parsed before, by their text: a monorepo's thousands of scripts are validated
 * once, not again on every read of the settings or the files. Keeps what the last read used.
 */
export class DetectedSpecCache {
  private parsed = new Map<string, ParsedEntries>();
  private used = new Map<string, ParsedEntries>();
  /** The key of an entry object: a read of the settings alone meets the very same objects again. */
  private keys = new WeakMap<DetectedEntry, string>();

  parse(detected: DetectedEntry, ctx: Omit<DefinitionContext, 'workspaceFolder'>): ParsedEntries {
    let key = this.keys.get(detected);
    if (key === undefined) {
      key = `${detected.folder}\0${JSON.stringify(detected.entry)}`;
      this.keys.set(detected, key);
    }
    const parsed = this.parsed.get(key) ?? this.used.get(key) ?? parseEntries([detected.entry], { ...ctx, workspaceFolder: detected.folder });
    this.used.set(key, parsed);
    return parsed;
  }

  /** Forgets the entries the read that ends now did not use. */
  sweep(): void {
    this.parsed = this.used;
    this.used = new Map();
  }
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
  cache = new DetectedSpecCache(),
): ParsedDetected {
  const names = new Set(settings.map((s) => s.name));
  const commands = new Set(settings.map((s) => s.command));
  const runs = new Set(settings.map(runsKey));
  const result: ParsedDetected = { specs: [], origins: new Map(), problems: [] };
  for (const detected of entries) {
    if (names.has(detected.name)) continue;
    const { set, origins } = cache.parse(detected, ctx);
    const parsed = set.specs[0];
    if (!parsed) {
      result.problems.push(...set.errors.map((e) => problemAt(detected, e)));
      continue;
    }
    if (commands.has(parsed.command) && runs.has(runsKey(parsed))) continue;
    names.add(parsed.name);
    // A copy: the cached spec is shared by every read.
    const spec = { ...parsed, source: detected.source };
    result.specs.push(spec);
    result.origins.set(spec, { ...(origins.get(parsed) ?? { dependsOn: [] }), index: -1 });
  }
  cache.sweep();
  return result;
}

/** A settings-style error about a detected entry, placed where the entry is declared. */
export function problemAt(detected: DetectedEntry, error: DefinitionError): DetectProblem {
  const message = error.message.replace(/^devProcesses\.tasks\[\d+\]/, `"${detected.name}"`);
  return { ...detected.at, source: detected.source, message };
}
