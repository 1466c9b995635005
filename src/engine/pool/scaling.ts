import { ProcessError } from '../../core/errors';
import type { Run } from '../run/run';
import type { ProcessSpec } from '../../core/types';
import { freeInstance } from './replicas';

/** What scaling a service needs from the engine. */
export interface ScalingHost {
  spec: ProcessSpec;
  /** The service's live runs, lowest instance first. */
  live: Run[];
  stopTimeoutMs: number;
}

/** The instance a scale-up starts, up to the service's `instances.max`. */
export function instanceToAdd({ spec, live }: ScalingHost): number {
  if (spec.kind !== 'service') throw new ProcessError('invalid-argument', `"${spec.name}" is a job; only services have instances.`);
  if (live.length >= spec.instances.max) {
    throw new ProcessError('limit-reached', `"${spec.name}" already runs ${live.length} instance(s), its maximum (instances.max).`);
  }
  return freeInstance(live.map((r) => r.instance));
}

/** Stops the highest instance of a service, down to its `instances.min`. */
export async function stopHighestInstance({ spec, live, stopTimeoutMs }: ScalingHost): Promise<void> {
  if (live.length === 0) throw new ProcessError('invalid-state', `"${spec.name}" has no running instance.`);
  if (live.length <= spec.instances.min) {
    throw new ProcessError('limit-reached', `"${spec.name}" runs ${live.length} instance(s), its minimum (instances.min); use Stop to stop it.`);
  }
  await live[live.length - 1].stop(stopTimeoutMs);
}
