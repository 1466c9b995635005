import type { ErrorCode } from '../../core/errors';
import type { ProcessSpec, RecoveryStrategy } from '../../core/types';

/**
 * The strategy for a failure class: the definition's `recovery` entry, else `restart` for a
 * service (its restart policy then decides) and for a job (its retry policy decides).
 */
export function strategyFor(spec: Pick<ProcessSpec, 'recovery'>, code: ErrorCode | null): RecoveryStrategy {
  if (code === null) return 'restart';
  return spec.recovery[code] ?? 'restart';
}

/** Strategies that end the run instead of starting it again. */
export function endsRun(strategy: RecoveryStrategy): boolean {
  return strategy === 'notify' || strategy === 'none';
}
