import { backoffDelay } from './backoff';
import { isCallerMistake, type ErrorCode } from '../../core/errors';
import type { RestartPolicy } from '../../core/types';

/** How a service's process ended by itself (a stop by the user never gets here). */
export interface ExitFacts {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The class of failure; null for a clean exit. */
  code: ErrorCode | null;
  /** How long the process stayed up. */
  ranForMs: number;
}

/** The run's restarts so far. */
export interface RestartHistory {
  /** Epoch ms of each automatic restart, oldest first. */
  restartTimes: number[];
  /** Restarts since the backoff last reset: the exponent of the next delay. */
  consecutive: number;
}

export type RestartDecision =
  | { action: 'restart'; delayMs: number; consecutive: number }
  | { action: 'complete' }
  | { action: 'fail' }
  | { action: 'give-up'; restarts: number };

/** A failure that no restart can fix: the command or the permission is wrong. */
const HOPELESS: ReadonlySet<ErrorCode> = new Set(['spawn-failed', 'permission']);

export function isSuccess(policy: RestartPolicy, facts: Pick<ExitFacts, 'exitCode' | 'signal'>): boolean {
  return facts.signal === null && (facts.exitCode === 0 || (facts.exitCode !== null && policy.successExitCodes.includes(facts.exitCode)));
}

/**
 * Whether a service whose process ended by itself is started again, and after how long. Pure:
 * the history, the time and the random draw for jitter come in. An exit whose status was lost
 * (`launcher-lost`: no code, no signal) is never a success: a service that is down comes back.
 */
export function decideRestart(policy: RestartPolicy, facts: ExitFacts, history: RestartHistory, now: number, random: number): RestartDecision {
  const success = isSuccess(policy, facts);
  if (facts.code !== null && (HOPELESS.has(facts.code) || isCallerMistake(facts.code))) return { action: 'fail' };
  if (policy.policy === 'never' || (policy.policy === 'on-failure' && success)) {
    return success ? { action: 'complete' } : { action: 'fail' };
  }
  const inWindow = history.restartTimes.filter((t) => t > now - policy.windowMs).length;
  if (inWindow >= policy.maxRestarts) return { action: 'give-up', restarts: inWindow };
  const consecutive = facts.ranForMs >= policy.resetAfterMs ? 1 : history.consecutive + 1;
  return { action: 'restart', delayMs: backoffDelay(policy, consecutive, random), consecutive };
}
