import type { InstanceRange, ProcessSpec, RetryPolicy } from './types';

/** Retry timing used when a definition sets `retry` without every field; no retries by default. */
export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 0, initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 };

export const SINGLE_INSTANCE: InstanceRange = { min: 1, max: 1, initial: 1 };

/** The optional fields of a spec as they are when a definition does not set them. */
export function specDefaults(): Pick<ProcessSpec, 'priority' | 'retry' | 'dependsOn' | 'instances'> {
  return { priority: 'normal', retry: { ...DEFAULT_RETRY }, dependsOn: [], instances: { ...SINGLE_INSTANCE } };
}
