import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import type { DefinitionContext } from '../../../src/config/types';
import type { ProcessSpec } from '../../../src/core/types';

export const ctx: DefinitionContext = { workspaceFolder: '/ws', env: {}, homeDir: '/home/ada' };

/** The spec of `{ name: "web", command: "x", ...fields }`, which must be valid. */
export function specWith(fields: Record<string, unknown>): ProcessSpec {
  const set = parseDefinitions([{ name: 'web', command: 'x', ...fields }], ctx);
  assert.deepEqual(set.errors, []);
  return set.specs[0];
}

/** The messages of `{ name: "web", command: "x", ...fields }`, which must give no spec. */
export function messagesWith(fields: Record<string, unknown>): string[] {
  const set = parseDefinitions([{ name: 'web', command: 'x', ...fields }], ctx);
  assert.equal(set.specs.length, 0, 'an entry with errors gives no spec');
  return set.errors.map((e) => e.message);
}

/** The fields and messages of `{ name: "web", command: "x", ...fields }`, which must give no spec. */
export function errorsWith(fields: Record<string, unknown>): { field?: string; message: string }[] {
  const set = parseDefinitions([{ name: 'web', command: 'x', ...fields }], ctx);
  assert.equal(set.specs.length, 0, 'an entry with errors gives no spec');
  return set.errors.map(({ field, message }) => ({ field, message }));
}
