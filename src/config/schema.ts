import { contributes } from '../../package.json';

/**
 * The settings' schema in package.json: the one place a field's range, choices, default and
 * description are written. The editor completes and checks settings.json with it, README.md's
 * tables are generated from it, and the validator reads its bounds and choices from here.
 */
export const SETTINGS_SCHEMA = contributes.configuration.properties;
/** The fields of one `devProcesses.tasks` entry. */
export const ENTRY_SCHEMA = SETTINGS_SCHEMA['devProcesses.tasks'].items.properties;

/** An enum's choices, as the union the engine uses (JSON types widen them to string). */
export function choicesOf<T extends string>(schema: { enum: string[] } | undefined): readonly T[] {
  // Only an edit of package.json that moved the enum gets here: fail at load, not with every value refused.
  if (!schema) throw new Error('package.json: a settings enum the validator reads has moved');
  return schema.enum as T[];
}
