import type { DefinitionError, DefinitionSet } from '../engine/types';
import { parseDefinitions, type DefinitionContext } from './definitions';

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
 * entry that reuses a name is reported and dropped.
 */
export function parseSources(sources: DefinitionSource[], ctx: Omit<DefinitionContext, 'workspaceFolder'>): DefinitionSet {
  const all: DefinitionSet = { specs: [], errors: [] };
  const owner = new Map<string, string>();
  for (const source of sources) {
    const set = parseDefinitions(source.raw, { ...ctx, workspaceFolder: source.workspaceFolder });
    const where = source.folder ? `the settings of folder ${source.folder}` : 'the workspace settings';
    const tag = (e: DefinitionError): DefinitionError => (source.folder ? { ...e, folder: source.folder } : e);
    all.errors.push(...set.errors.map(tag));
    set.specs.forEach((spec) => {
      const first = owner.get(spec.name);
      if (first !== undefined) {
        all.errors.push(tag({
          index: Array.isArray(source.raw) ? source.raw.findIndex((e) => e?.name === spec.name) : -1,
          name: spec.name,
          field: 'name',
          message: `Task "${spec.name}" in ${where}: the name is already used in ${first}; names must be unique in the window.`,
        }));
        return;
      }
      owner.set(spec.name, where);
      all.specs.push(spec);
    });
  }
  return all;
}
