import type { InstanceRange, ProcessKind, ProcessSpec, RestartPolicy, RetryPolicy } from './types';

/** Retry timing used when a definition sets `retry` without every field; no retries by default. */
export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 0, initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 };

export const SINGLE_INSTANCE: InstanceRange = { min: 1, max: 1, initial: 1 };
/** Replicas of one service: more would only fork-bomb the machine. */
export const MAX_INSTANCES = 64;

/** Development defaults: a crashed service comes back quickly, a crash loop gives up within a minute. */
export const DEFAULT_SERVICE_RESTART: RestartPolicy = {
  policy: 'on-failure',
  successExitCodes: [],
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.1,
  resetAfterMs: 10_000,
  maxRestarts: 5,
  windowMs: 60_000,
};

/** Jobs have retries (`retry`) instead of restarts. */
export const DEFAULT_JOB_RESTART: RestartPolicy = { ...DEFAULT_SERVICE_RESTART, policy: 'never' };

export function defaultRestart(kind: ProcessKind): RestartPolicy {
  return { ...(kind === 'service' ? DEFAULT_SERVICE_RESTART : DEFAULT_JOB_RESTART), successExitCodes: [] };
}

/** Probe timing when a health check leaves it out. */
export const DEFAULT_PROBE_TIMING = { intervalMs: 1000, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 3, successThreshold: 1 };

/** The optional fields of a spec as they are when a definition does not set them. */
export function specDefaults(kind: ProcessKind = 'service'): Pick<ProcessSpec, 'priority' | 'retry' | 'dependsOn' | 'instances' | 'restart' | 'recovery'> {
  return {
    priority: 'normal',
    retry: { ...DEFAULT_RETRY },
    dependsOn: [],
    instances: { ...SINGLE_INSTANCE },
    restart: defaultRestart(kind),
    recovery: {},
  };
}

/** Variable names whose values are treated as secrets. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL/i;

/** Whether a variable's name says its value is a secret (API_TOKEN, DB_PASSWORD, ...): never shown. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
