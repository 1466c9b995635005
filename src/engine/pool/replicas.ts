import { MAX_INSTANCES } from '../../core/defaults';
import { ProcessError } from '../../core/errors';
import type { ProbeSpec, ProcessSpec } from '../../core/types';

const INSTANCE = /\$\{instance\}/g;

/**
 * The spec of replica `instance` of a service: `${instance}` expanded in command, args, cwd, env
 * values, health probes, `port` and `stop.command`, and DEVPROC_INSTANCE set, so `PORT=300${instance}` keeps replicas apart.
 */
export function specForInstance(spec: ProcessSpec, instance: number): ProcessSpec {
  if (spec.kind !== 'service') return spec;
  let byInstance = expanded.get(spec);
  if (!byInstance) expanded.set(spec, (byInstance = new Map()));
  let result = byInstance.get(instance);
  if (!result) byInstance.set(instance, (result = expandInstance(spec, instance)));
  return result;
}

/** Specs are immutable once read, so each replica's expansion is made once. */
const expanded = new WeakMap<ProcessSpec, Map<number, ProcessSpec>>();

function expandInstance(spec: ProcessSpec, instance: number): ProcessSpec {
  const n = String(instance);
  const expand = (text: string) => text.replace(INSTANCE, n);
  const env: Record<string, string> = { DEVPROC_INSTANCE: n };
  for (const [key, value] of Object.entries(spec.env)) env[key] = expand(value);
  const probe = (p: ProbeSpec | undefined): ProbeSpec | undefined =>
    p && {
      ...p,
      url: p.url === undefined ? undefined : expand(p.url),
      host: p.host === undefined ? undefined : expand(p.host),
      command: p.command === undefined ? undefined : expand(p.command),
      args: p.args?.map(expand),
    };
  const healthCheck = spec.healthCheck && { readiness: probe(spec.healthCheck.readiness), liveness: probe(spec.healthCheck.liveness) };
  const stop = spec.stop?.command && { stop: { ...spec.stop, command: spec.stop.command.map(expand) } };
  const port = typeof spec.port === 'string' && { port: Number(expand(spec.port)) };
  return { ...spec, command: expand(spec.command), args: spec.args.map(expand), cwd: expand(spec.cwd), env, healthCheck, ...stop, ...port };
}

/** The lowest replica index not in use. */
export function freeInstance(used: Iterable<number>): number {
  const taken = new Set(used);
  let i = 0;
  while (taken.has(i)) i++;
  return i;
}

/**
 * Refuses a service whose instance range the settings could never produce (validation caps it at
 * MAX_INSTANCES): a caller's mistake, thrown before any replica is started rather than after
 * thousands of them.
 */
export function assertInstanceRange(spec: ProcessSpec): void {
  if (spec.kind !== 'service') return;
  const { min, max, initial } = spec.instances;
  for (const [field, value] of [['min', min], ['max', max], ['initial', initial]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > MAX_INSTANCES) {
      throw new ProcessError('invalid-argument', `"${spec.name}": instances.${field} must be a whole number from 0 to ${MAX_INSTANCES}, not ${value}.`);
    }
  }
  if (min > max) throw new ProcessError('invalid-argument', `"${spec.name}": instances.min (${min}) is above instances.max (${max}).`);
}
