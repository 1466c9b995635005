import { formatDuration } from '../core/duration';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import type { DependencyCondition } from '../core/types';

const CONDITION_WORDS: Record<DependencyCondition, string> = { healthy: 'be ready', completed: 'complete', started: 'start' };

/** "#2 in queue, 4 jobs running", "waiting for web to be ready, build to complete", "starts in 3 s". */
export function describeWait(run: Pick<ProcessSnapshot, 'waitingFor' | 'queuePosition'>, now: number): string | undefined {
  const wait = run.waitingFor;
  if (!wait) return run.queuePosition !== null ? `#${run.queuePosition} in queue` : undefined;
  switch (wait.kind) {
    case 'delay':
      return `starts in ${formatDuration(wait.until - now)}`;
    case 'dependency':
      return `waiting for ${wait.dependencies.map((d) => `${d.name} to ${CONDITION_WORDS[d.condition]}`).join(', ')}`;
    case 'slot':
      return `#${wait.position} in queue, ${wait.running} job${wait.running === 1 ? '' : 's'} running`;
  }
}

/** "restart in 4 s" for a service, "retry in 4 s" for a job: counted down from `now`. */
export function describeBackoff(run: Pick<ProcessSnapshot, 'kind' | 'nextAttemptAt'>, now: number): string | undefined {
  if (run.nextAttemptAt === null) return undefined;
  const word = run.kind === 'service' ? 'restart' : 'retry';
  const left = run.nextAttemptAt - now;
  return left < 500 ? `${word} now` : `${word} in ${formatDuration(left)}`;
}

export interface DescribeOptions {
  /** Name the pid (a run row has it in its label already). */
  pid?: boolean;
  /** Start with the state (a row whose label is the state leaves it out). */
  state?: boolean;
}

/**
 * One line that says where a run is: "running · up 4 s · pid 123", "failed · exit 1 · 2 s".
 * The most telling part comes first, since a narrow sidebar cuts the end off.
 */
export function describeRun(run: ProcessSnapshot, now: number, { pid: withPid = true, state = true }: DescribeOptions = {}): string {
  const parts: string[] = state ? [run.state] : [];
  // "adopted" early: it explains why the run has no output, and the end of a row gets cut off.
  if (run.adopted) parts.push('adopted');
  switch (run.state) {
    case 'queued': {
      const wait = describeWait(run, now);
      if (wait) parts.push(wait);
      if (run.priority !== 'normal') parts.push(run.priority);
      break;
    }
    case 'backoff': {
      const next = describeBackoff(run, now);
      if (next) parts.push(next);
      break;
    }
    case 'running':
    case 'starting':
    case 'stopping':
      if (run.state === 'running' && run.health && run.health.readiness !== 'none') parts.push(run.ready ? 'ready' : 'not ready');
      if (run.health?.liveness === 'failing') parts.push('not answering');
      if (run.startedAt !== null) parts.push(`up ${formatUptime(now - run.startedAt)}`);
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

/**
 * How long a process has been up: to the second in its first minute, then to the minute (and
 * hour), so that a row of a long-running service changes once a minute, not every second.
 */
export function formatUptime(ms: number): string {
  if (ms < 60_000) return formatDuration(ms);
  return formatDuration(Math.floor(ms / 60_000) * 60_000);
}

/** A number that changes whenever formatUptime's text for `ms` can: every value under a minute, the minute after. */
export function uptimeStep(ms: number): number {
  return ms < 60_000 ? ms : Math.floor(ms / 60_000) * 60_000;
}

/** True while the row's text moves by itself: uptimes, countdowns. */
export function isTicking(run: ProcessSnapshot): boolean {
  return isLive(run) || run.state === 'backoff' || run.waitingFor?.kind === 'delay';
}

/** True while the run has a process (or is about to). */
export function isLive(run: ProcessSnapshot): boolean {
  return run.state === 'starting' || run.state === 'running' || run.state === 'stopping';
}
