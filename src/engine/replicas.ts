import type { ProcessSpec } from './types';

const INSTANCE = /\$\{instance\}/g;

/**
 * The spec of replica `instance` of a service: `${instance}` expanded in command, args, cwd and
 * env values, and DEVPROC_INSTANCE set, so `PORT=300${instance}` keeps replicas apart.
 */
export function specForInstance(spec: ProcessSpec, instance: number): ProcessSpec {
  if (spec.kind !== 'service') return spec;
  const n = String(instance);
  const expand = (text: string) => text.replace(INSTANCE, n);
  const env: Record<string, string> = { DEVPROC_INSTANCE: n };
  for (const [key, value] of Object.entries(spec.env)) env[key] = expand(value);
  return { ...spec, command: expand(spec.command), args: spec.args.map(expand), cwd: expand(spec.cwd), env };
}

/** The lowest replica index not in use. */
export function freeInstance(used: Iterable<number>): number {
  const taken = new Set(used);
  let i = 0;
  while (taken.has(i)) i++;
  return i;
}
