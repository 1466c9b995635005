import { ProcessError } from '../../core/errors';
import type { ProcessSnapshot } from '../run/snapshot';
import { isFinal } from '../run/stateMachine';
import type { Dependency, ProcessKind } from '../../core/types';

export type DependencyStatus = 'ready' | 'waiting' | ProcessError;

/**
 * Where one dependency stands, from its latest run. `healthy` means running and ready (its
 * readiness probe passed, if it has one). A dependency that can no longer reach its condition
 * fails the dependent.
 */
export function dependencyStatus(dep: Dependency, latest: Pick<ProcessSnapshot, 'state' | 'ready'> | undefined, dependent: string): DependencyStatus {
  if (!latest) return 'waiting';
  const { state } = latest;
  const fail = (why: string) =>
    new ProcessError('dependency-failed', `"${dependent}" did not start: its dependency "${dep.name}" ${why}.`);
  switch (dep.condition) {
    case 'started':
      if (state === 'running' || state === 'completed') return 'ready';
      if (state === 'failed' || state === 'terminated') return fail(`${state} before it started`);
      return 'waiting';
    case 'completed':
      if (state === 'completed') return 'ready';
      if (state === 'failed' || state === 'terminated') return fail(state === 'failed' ? 'failed' : 'was stopped');
      return 'waiting';
    case 'healthy':
      if (latest.ready) return 'ready';
      if (state === 'failed' || state === 'terminated' || state === 'completed') return fail(`is not running (${state})`);
      return 'waiting';
  }
}

/**
 * True when a new run of the dependency must start. A job runs again for each dependent start
 * (its last result may be stale: a new type error), unless it is on its way already (then it is
 * awaited) or `reuse` is set and its last run succeeded with the settings as they are. A service
 * starts when it has no run, or its last one ended without meeting the condition.
 */
export function needsNewRun(dep: Dependency, kind: ProcessKind, latest: Pick<ProcessSnapshot, 'state' | 'definitionStatus'> | undefined): boolean {
  if (!latest) return true;
  if (kind === 'job') {
    if (!isFinal(latest.state)) return false;
    return !(dep.reuse && latest.state === 'completed' && latest.definitionStatus === 'current');
  }
  if (dep.condition === 'completed' && latest.state === 'completed') return false;
  if (dep.condition === 'started' && latest.state === 'completed') return false;
  return latest.state === 'failed' || latest.state === 'terminated' || latest.state === 'completed';
}
