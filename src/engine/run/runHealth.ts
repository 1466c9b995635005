import { foreignPortHolder } from '../../platform/portOwnership';
import type { HealthCheck, ProbeSpec } from '../../core/types';
import { HealthWatch, type HealthHooks } from '../health/healthWatch';
import type { ProbeContext } from '../health/probes';

/** The probes of a run's process, not started yet; `pid` and `envMarker` are read at each port check. */
export function watchHealth(
  check: HealthCheck,
  ctx: Pick<ProbeContext, 'launcher' | 'table' | 'now'>,
  run: { cwd: string; env: Record<string, string>; pid(): number | null; envMarker(): string },
  hooks: HealthHooks,
): HealthWatch {
  const { launcher, table, now } = ctx;
  const foreignPort = (probe: ProbeSpec) => foreignPortHolder(probe, { table, pid: run.pid(), envMarker: run.envMarker() });
  return new HealthWatch(check, { cwd: run.cwd, env: run.env, now, launcher, table, foreignPort }, hooks);
}
