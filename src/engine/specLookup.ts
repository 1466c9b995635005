import { ProcessError } from '../core/errors';
import type { ProcessSpec } from '../core/types';

/** The definition named `name`; a `not-found` error that lists the defined names otherwise. */
export function requireSpec(specs: ReadonlyMap<string, ProcessSpec>, name: string): ProcessSpec {
  const spec = specs.get(name);
  if (spec) return spec;
  const known = [...specs.keys()].map((n) => `"${n}"`).join(', ') || 'none';
  throw new ProcessError('not-found', `There is no definition named "${name}" (defined: ${known}).`);
}
