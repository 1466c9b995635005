import type { DefinitionError, DefinitionSet, ProcessSpec } from '../engine/types';
import { parseEntries } from './definitions';
import { resolveDependencies, type SpecOrigin } from './dependencies';
import { taskLabel } from './entry';
import type { DefinitionContext } from './types';

/** One place `devProcesses.tasks` is set: the workspace (or the only folder), or one folder of several. */
export interface DefinitionSource {
  raw: unknown;
  /** The folder whose settings these are; undefined for settings of the whole workspace. */
  folder: string | undefined;
  /** The folder relative paths resolve against: `folder`, else the first folder. */
  workspaceFolder: string | undefined;
}

/**
 * Reads every source and joins them; names must be unique in the window, so a later source's
 * entry that reuses a name is reported and dropped. Dependencies may name a definition of any
 * source, so they are resolved over the joined set.
 */
export function parseSources(sources: DefinitionSource[], ctx: Omit<DefinitionContext, 'workspaceFolder'>): DefinitionSet {
  const all: DefinitionSet = { specs: [], errors: [] };
  const origins = new Map<ProcessSpec, SpecOrigin>();
  const owner = new Map<string, string>();
  for (const source of sources) {
    const { set, origins: sourceOrigins } = parseEntries(source.raw, { ...ctx, workspaceFolder: source.workspaceFolder });
    const where = source.folder ? `the settings of folder ${source.folder}` : 'the workspace settings';
    const tag = (e: DefinitionError): DefinitionError => (source.folder ? { ...e, folder: source.folder } : e);
    all.errors.push(...set.errors.map(tag));
    set.specs.forEach((spec) => {
      const origin = sourceOrigins.get(spec) ?? { index: -1, dependsOn: [] };
      const first = owner.get(spec.name);
      if (first !== undefined) {
        all.errors.push(tag({
          index: origin.index,
          name: spec.name,
          field: 'name',
          message: `${taskLabel(spec.name)} in ${where}: the name is already used in ${first}; names must be unique in the window.`,
        }));
        return;
      }
      owner.set(spec.name, where);
      all.specs.push(spec);
      origins.set(spec, source.folder ? { ...origin, folder: source.folder } : origin);
    });
  }
  return resolveDependencies(all, origins);
}
