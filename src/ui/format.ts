import { formatDuration } from '../engine/duration';
import type { ProcessSnapshot } from '../engine/snapshot';

/** The one duration format, shared with the engine's messages. */
export { formatDuration };

/**
 * One line that says where a run is: "running · up 4 s · pid 123", "failed · exit 1 · 2 s".
 * The most telling part comes first, since a narrow sidebar cuts the end off.
 */
export function describeRun(run: ProcessSnapshot, now: number, withPid = true): string {
  // "adopted" early: it explains why the run has no output, and the end of a row gets cut off.
  const parts: string[] = run.adopted ? [run.state, 'adopted'] : [run.state];
  switch (run.state) {
    case 'queued':
      if (run.queuePosition !== null) parts.push(`#${run.queuePosition} in queue`);
      if (run.priority !== 'normal') parts.push(run.priority);
      break;
    case 'backoff':
      if (run.nextAttemptAt !== null) {
        parts.push(`retry at ${new Date(run.nextAttemptAt).toLocaleTimeString()} (in ${formatDuration(run.nextAttemptAt - now)})`);
      }
      break;
    case 'running':
    case 'starting':
    case 'stopping':
      if (run.state === 'running' && run.health && run.health.readiness !== 'none') parts.push(run.ready ? 'ready' : 'not ready');
      if (run.health?.liveness === 'failing') parts.push('not answering');
      if (run.startedAt !== null) parts.push(`up ${formatDuration(now - run.startedAt)}`);
      if (withPid && run.pid !== null) parts.push(`pid ${run.pid}`);
      break;
    case 'completed':
    case 'failed':
    case 'terminated':
      if (run.signal) parts.push(run.signal);
      else if (run.exitCode !== null) parts.push(`exit ${run.exitCode}`);
      else if (run.error && run.state === 'failed') parts.push(run.error.code);
      if (run.startedAt !== null && run.endedAt !== null) parts.push(formatDuration(run.endedAt - run.startedAt));
      if (run.hint) parts.push('ended at once');
      break;
  }
  if (run.kind === 'service' && run.restarts > 0) parts.push(`${run.restarts} restart${run.restarts > 1 ? 's' : ''}`);
  else if (run.attempts > 1) parts.push(`attempt ${run.attempts}`);

  if (run.definitionStatus === 'changed' && !['completed', 'failed', 'terminated'].includes(run.state)) {
    parts.push('changed, restart to apply');
  }
  return parts.join(' · ');
}

/** True while the run has a process (or is about to). */
export function isLive(run: ProcessSnapshot): boolean {
  return run.state === 'starting' || run.state === 'running' || run.state === 'stopping';
}
