import type { DefinitionError, DefinitionSet, ProcessSpec } from '../core/types';
import { parseEntries } from './definitions';
import type { DefinitionContext } from './types';
import { resolveDependencies, type SpecOrigin } from './dependsOnFields';
import { resolveWatchBuilds } from './watchFields';
import { taskLabel } from './entry';
import { parseDetected, problemAt, type DetectedSpecCache } from './detected/join';
import type { DetectedEntry, DetectProblem } from './detected/types';

/** One place `devProcesses.tasks` is set: the workspace (or the only folder), or one folder of several. */
export interface DefinitionSource {
  raw: unknown;
  /** The folder whose settings these are; undefined for settings of the whole workspace. */
  folder: string | undefined;
  /** The folder relative paths resolve against: `folder`, else the first folder. */
  workspaceFolder: string | undefined;
}

/** Which entry held a name at the last read: what decides who keeps it when the name is used twice. */
export interface NameOwner {
  folder: string | undefined;
  /** The entry as written (JSON), to tell it from a newly added entry with its name. */
  entry: string;
}

/** The definitions, and who holds each name: pass `owners` to the next read. */
export interface OwnedDefinitions {
  set: DefinitionSet;
  owners: Map<string, NameOwner>;
  /** Problems of detected entries (see `devProcesses.detect`), at the place in their own files. */
  detectedProblems: DetectProblem[];
}

/** An entry of a source, where a name may be claimed. */
interface Claim {
  source: number;
  index: number;
  entry: string;
}

/**
 * Reads every source and joins them; names must be unique in the window. Of entries sharing a
 * name, the one that held it at the last read (`previous`: the same entry, else the same source)
 * keeps it, wherever the newly added one sits; without one, the first. The others are reported
 * and dropped. Dependencies may name a definition of any source, so they are resolved over the
 * joined set.
 */
export function parseSources(
  sources: DefinitionSource[],
  ctx: Omit<DefinitionContext, 'workspaceFolder'>,
  previous: ReadonlyMap<string, NameOwner> = new Map(),
): DefinitionSet {
  return parseOwnedSources(sources, ctx, previous).set;
}

/** `parseSources`, with who holds each name now. */
export function parseOwnedSources(
  sources: DefinitionSource[],
  ctx: Omit<DefinitionContext, 'workspaceFolder'>,
  previous: ReadonlyMap<string, NameOwner> = new Map(),
  detected: readonly DetectedEntry[] = [],
  detectedCache?: DetectedSpecCache,
): OwnedDefinitions {
  const all: DefinitionSet = { specs: [], errors: [] };
  const origins = new Map<ProcessSpec, SpecOrigin>();
  const owners = new Map<string, NameOwner>();
  const keepers = chooseKeepers(sources, previous);
  const whereOf = (source: DefinitionSource) => (source.folder ? `the settings of folder ${source.folder}` : 'the workspace settings');
  sources.forEach((source, sourceIndex) => {
    const own = new Map([...keepers].filter(([, k]) => k.source === sourceIndex).map(([name, k]) => [name, k.index]));
    const { set, origins: sourceOrigins } = parseEntries(source.raw, { ...ctx, workspaceFolder: source.workspaceFolder }, own);
    const tag = (e: DefinitionError): DefinitionError => (source.folder ? { ...e, folder: source.folder } : e);
    all.errors.push(...set.errors.map(tag));
    set.specs.forEach((spec) => {
      const origin = sourceOrigins.get(spec) ?? { index: -1, dependsOn: [] };
      const keeper = keepers.get(spec.name);
      if (keeper && keeper.source !== sourceIndex) {
        all.errors.push(tag({
          index: origin.index,
          name: spec.name,
          field: 'name',
          message: `${taskLabel(spec.name)} in ${whereOf(source)}: the name is already used in ${whereOf(sources[keeper.source])}; names must be unique in the window.`,
        }));
        return;
      }
      owners.set(spec.name, { folder: source.folder, entry: entryText((source.raw as unknown[])[origin.index]) });
      all.specs.push(spec);
      origins.set(spec, source.folder ? { ...origin, folder: source.folder } : origin);
    });
  });
  // Detected entries join before dependencies are resolved: a definition may depend on one.
  const found = parseDetected(detected, ctx, all.specs, detectedCache);
  for (const spec of found.specs) origins.set(spec, found.origins.get(spec)!);
  const joined = resolveDependencies(resolveWatchBuilds({ specs: [...all.specs, ...found.specs], errors: all.errors }, origins), origins);
  const byName = new Map(detected.map((d) => [d.name, d]));
  const detectedNames = new Set(found.specs.map((s) => s.name));
  const ofDetected = (e: DefinitionError) => e.index === -1 && e.name !== undefined && detectedNames.has(e.name);
  return {
    set: { specs: joined.specs, errors: joined.errors.filter((e) => !ofDetected(e)) },
    owners,
    detectedProblems: [...found.problems, ...joined.errors.filter(ofDetected).map((e) => problemAt(byName.get(e.name!)!, e))],
  };
}

/** For each name used more than once in the window, the entry that keeps it. */
function chooseKeepers(sources: DefinitionSource[], previous: ReadonlyMap<string, NameOwner>): Map<string, Claim> {
  const claims = new Map<string, Claim[]>();
  sources.forEach((source, sourceIndex) => {
    if (!Array.isArray(source.raw)) return;
    source.raw.forEach((entry: unknown, index) => {
      const name = (entry as { name?: unknown } | null)?.name;
      if (typeof name !== 'string' || name.trim() === '') return;
      claims.set(name, [...(claims.get(name) ?? []), { source: sourceIndex, index, entry: entryText(entry) }]);
    });
  });
  const keepers = new Map<string, Claim>();
  for (const [name, list] of claims) {
    if (list.length < 2) continue;
    const before = previous.get(name);
    const sameSource = (c: Claim) => before !== undefined && sources[c.source].folder === before.folder;
    keepers.set(name, list.find((c) => sameSource(c) && c.entry === before!.entry) ?? list.find(sameSource) ?? list[0]);
  }
  return keepers;
}

function entryText(entry: unknown): string {
  try {
    return JSON.stringify(entry) ?? '';
  } catch {
    return '';
  }
}
