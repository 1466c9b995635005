import type { ErrorCode } from '../../core/errors';
import type { RetryPolicy } from '../../core/types';

/**
 * The delay before retry number `retry` (1 for the first): initial * multiplier^(retry-1),
 * capped at maxDelayMs, then spread by plus or minus `jitter` of itself. `random` is in [0, 1).
 */
export function backoffDelay(policy: Omit<RetryPolicy, 'maxRetries'>, retry: number, random: number): number {
  const growth = Math.pow(policy.multiplier, Math.max(0, retry - 1));
  // 0 times an overflowed growth would be NaN: no first delay stays no delay.
  const raw = policy.initialDelayMs === 0 ? 0 : policy.initialDelayMs * growth;
  const capped = Math.min(raw, policy.maxDelayMs);
  const spread = capped * policy.jitter * (2 * random - 1);
  const delay = Math.max(0, Math.round(capped + spread));
  return Number.isFinite(delay) ? delay : 0;
}

/**
 * Failures that another attempt may fix; a missing command or a permission error will not go away.
 * Not `launcher-lost` either: that attempt may have done its work, and a job must not do it twice.
 */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['exit-code', 'crashed', 'timeout', 'resource-exhausted', 'hung']);

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/** Whether a job attempt that ended with `code` gets another, after `attempts` attempts so far. */
export function decideRetry(policy: RetryPolicy, attempts: number, code: ErrorCode, random: number): RetryDecision {
  if (!RETRYABLE.has(code) || attempts > policy.maxRetries) return { retry: false };
  return { retry: true, delayMs: backoffDelay(policy, attempts, random) };
}
