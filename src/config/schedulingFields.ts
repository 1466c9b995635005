import { DEFAULT_RETRY } from '../core/defaults';
import type { InstanceRange, Priority, RetryPolicy } from '../core/types';
import { report, reportUnknownKeys, type Entry } from './entry';
import { ENTRY_SCHEMA, choicesOf } from './schema';
import { describe, describeNumber, didYouMean, isObject, quote, quoteChoices, typeName } from './text';

/** Node's timers fire at once above this, so a longer delay would mean no delay at all. */
export const MAX_TIMER_MS = 2_147_483_647;

export const PRIORITIES = choicesOf<Priority>(ENTRY_SCHEMA.priority);
export const RETRY_FIELDS: readonly (keyof RetryPolicy)[] = ['maxRetries', 'initialDelayMs', 'maxDelayMs', 'multiplier', 'jitter'];
export const INSTANCE_FIELDS: readonly (keyof InstanceRange)[] = ['min', 'max', 'initial'];
/** The fraction `jitter: true` stands for. */
export const DEFAULT_JITTER = 0.2;
const RETRY_SCHEMA = ENTRY_SCHEMA.retry.properties;
const INSTANCES_SCHEMA = ENTRY_SCHEMA.instances.properties;
/** Backoff delays, `resetAfterMs` and `windowMs`: one day. A longer wait is a mistake in units. */
export const MAX_POLICY_MS = RETRY_SCHEMA.maxDelayMs.maximum;
/** Past this a backoff reaches its `maxDelayMs` after a retry or two: the growth means nothing. */
export const MAX_MULTIPLIER = RETRY_SCHEMA.multiplier.maximum;
const MIN_MULTIPLIER = RETRY_SCHEMA.multiplier.minimum;
export const MAX_RETRIES = RETRY_SCHEMA.maxRetries.maximum;
export const MAX_RESTARTS = ENTRY_SCHEMA.restart.properties.maxRestarts.maximum;

export function applyPriority(value: unknown, entry: Entry): void {
  const priority = PRIORITIES.find((p) => p === value);
  if (priority !== undefined) {
    entry.spec.priority = priority;
    return;
  }
  const hint = typeof value === 'string' ? didYouMean(value, PRIORITIES) : '';
  report(entry, 'priority', `"priority" must be ${quoteChoices(PRIORITIES)}; got ${describe(value)}${hint}.`);
}

export function applyTimeout(value: unknown, entry: Entry): void {
  const timeoutMs = readMilliseconds(value, 'timeoutMs', entry, ENTRY_SCHEMA.timeoutMs.minimum);
  if (timeoutMs !== undefined) entry.spec.timeoutMs = timeoutMs;
}

export function applyIdleTimeout(value: unknown, entry: Entry): void {
  const idleTimeoutMs = readMilliseconds(value, 'idleTimeoutMs', entry, ENTRY_SCHEMA.idleTimeoutMs.minimum);
  if (idleTimeoutMs !== undefined) entry.spec.idleTimeoutMs = idleTimeoutMs;
}

/** Below this a process would spend most of its time waiting to write; likely a unit mix-up. */
export const MIN_OUTPUT_MBPS = ENTRY_SCHEMA.maxOutputMBps.minimum;

export function applyMaxOutputMBps(value: unknown, entry: Entry): void {
  if (typeof value === 'number' && Number.isFinite(value) && value >= MIN_OUTPUT_MBPS) {
    entry.spec.maxOutputMBps = value;
    return;
  }
  const hint = typeof value === 'number' && value > 0 && value < MIN_OUTPUT_MBPS ? ' (it counts megabytes per second: 1 is 1,000,000 bytes a second)' : '';
  report(entry, 'maxOutputMBps', `"maxOutputMBps" must be a number, at least ${MIN_OUTPUT_MBPS}; got ${describeNumber(value)}${hint}.`);
}

/** Every field is optional; a missing one keeps its `DEFAULT_RETRY` value. */
export function applyRetry(value: unknown, entry: Entry): void {
  if (!isObject(value)) {
    const hint = isCount(value) ? ` (write { "maxRetries": ${value} })` : '';
    return report(entry, 'retry', `"retry" must be an object such as { "maxRetries": 3 }; got ${typeName(value)}${hint}.`);
  }
  const errorsBefore = entry.errors.length;
  const read = <T>(key: keyof RetryPolicy, parse: (raw: unknown, field: string) => T | undefined): T | undefined =>
    Object.hasOwn(value, key) ? parse(value[key], `retry.${key}`) : undefined;
  const maxRetries = read('maxRetries', (raw, field) => readIntegerBetween(raw, field, entry, RETRY_SCHEMA.maxRetries.minimum, MAX_RETRIES));
  const initialDelayMs = read('initialDelayMs', (raw, field) => readPolicyMs(raw, field, entry, RETRY_SCHEMA.initialDelayMs.minimum));
  const maxDelayMs = read('maxDelayMs', (raw, field) => readPolicyMs(raw, field, entry, RETRY_SCHEMA.maxDelayMs.minimum));
  const multiplier = read('multiplier', (raw, field) => readMultiplier(raw, field, entry));
  const jitter = read('jitter', (raw, field) => readJitter(raw, field, entry));
  reportUnknownKeys(value, 'retry', RETRY_FIELDS, entry);
  if (entry.errors.length > errorsBefore) return;

  const retry: RetryPolicy = {
    maxRetries: maxRetries ?? DEFAULT_RETRY.maxRetries,
    initialDelayMs: initialDelayMs ?? DEFAULT_RETRY.initialDelayMs,
    maxDelayMs: maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    multiplier: multiplier ?? DEFAULT_RETRY.multiplier,
    jitter: jitter ?? DEFAULT_RETRY.jitter,
  };
  if (delaysInOrder('retry', retry, { initialDelayMs, maxDelayMs }, entry)) entry.spec.retry = retry;
}

/** Missing fields: `min` 1, `initial` = `min`, `max` = the largest of `min`, `initial` and 1. */
export function applyInstances(value: unknown, entry: Entry): void {
  if (!isObject(value)) {
    const hint = isCount(value) && value >= 1 ? ` (for a fixed count write { "min": ${value}, "max": ${value} })` : '';
    return report(entry, 'instances', `"instances" must be an object such as { "min": 1, "max": 3 }; got ${typeName(value)}${hint}.`);
  }
  const errorsBefore = entry.errors.length;
  const read = (key: keyof InstanceRange): number | undefined =>
    Object.hasOwn(value, key) ? readIntegerBetween(value[key], `instances.${key}`, entry, INSTANCES_SCHEMA[key].minimum, INSTANCES_SCHEMA[key].maximum) : undefined;
  const min = read('min');
  const max = read('max');
  const initial = read('initial');
  reportUnknownKeys(value, 'instances', INSTANCE_FIELDS, entry);
  if (entry.errors.length > errorsBefore) return;

  const range: InstanceRange = { min: min ?? 1, max: 0, initial: 0 };
  range.initial = initial ?? range.min;
  range.max = max ?? Math.max(range.min, range.initial, 1);
  // With `max` left out it is never below `min` or `initial`, so each check below needs a written `max` or `initial`.
  if (range.min > range.max) {
    return report(entry, 'instances.min', `"instances.min" (${range.min}) must be at most "instances.max" (${range.max}).`);
  }
  if (range.initial < range.min) {
    return report(entry, 'instances.initial', `"instances.initial" (${range.initial}) must be at least "instances.min" (${shown(range.min, min)}).`);
  }
  if (range.initial > range.max) {
    return report(entry, 'instances.initial', `"instances.initial" (${range.initial}) must be at most "instances.max" (${range.max}).`);
  }
  entry.spec.instances = range;
}

/**
 * Reports a `maxDelayMs` below `initialDelayMs` (of `retry` or `restart`), on the field the user
 * wrote: a default alone is never the one at fault.
 */
export function delaysInOrder(prefix: string, delays: { initialDelayMs: number; maxDelayMs: number }, written: { initialDelayMs?: number; maxDelayMs?: number }, entry: Entry): boolean {
  if (delays.maxDelayMs >= delays.initialDelayMs) return true;
  const [initial, max] = [`${prefix}.initialDelayMs`, `${prefix}.maxDelayMs`];
  const message = `${quote(max)} (${shown(delays.maxDelayMs, written.maxDelayMs)}) must be at least ${quote(initial)} (${shown(delays.initialDelayMs, written.initialDelayMs)}).`;
  report(entry, written.maxDelayMs === undefined ? initial : max, message);
  return false;
}

/** A value for a message, marked when the user left it out. */
function shown(value: number, written: number | undefined): string {
  return written === undefined ? `${value} by default` : String(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function readInteger(value: unknown, field: string, entry: Entry, least: number): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= least) return Math.abs(value); // abs turns -0 into 0
  report(entry, field, `${quote(field)} must be a whole number, at least ${least}; got ${describeNumber(value)}.`);
  return undefined;
}

/** An integer from `least` to `most`, such as a port or an exit code. */
export function readIntegerBetween(value: unknown, field: string, entry: Entry, least: number, most: number, hint = ''): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= least && value <= most) return Math.abs(value); // abs turns -0 into 0
  report(entry, field, `${quote(field)} must be a whole number from ${least} to ${most}; got ${describeNumber(value)}${hint}.`);
  return undefined;
}

export function readMilliseconds(value: unknown, field: string, entry: Entry, least: number): number | undefined {
  const ms = readInteger(value, field, entry, least);
  if (ms === undefined || ms <= MAX_TIMER_MS) return ms;
  report(entry, field, `${quote(field)} must be at most ${MAX_TIMER_MS} (about 24 days); got ${ms}.`);
  return undefined;
}

/** A backoff delay, `resetAfterMs` or `windowMs`: from `least` to one day. */
export function readPolicyMs(value: unknown, field: string, entry: Entry, least: number): number | undefined {
  const hint = typeof value === 'number' && value > MAX_POLICY_MS ? ' (at most one day)' : '';
  return readIntegerBetween(value, field, entry, least, MAX_POLICY_MS, hint);
}

export function readMultiplier(value: unknown, field: string, entry: Entry): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= MIN_MULTIPLIER && value <= MAX_MULTIPLIER) return value;
  report(entry, field, `${quote(field)} must be a number from ${MIN_MULTIPLIER} to ${MAX_MULTIPLIER}; got ${describeNumber(value)}.`);
  return undefined;
}

/** `false`/0: none; `true`: the default fraction; else a fraction 0-1. */
export function readJitter(value: unknown, field: string, entry: Entry): number | undefined {
  if (typeof value === 'boolean') return value ? DEFAULT_JITTER : 0;
  if (typeof value === 'number' && value >= 0 && value <= 1) return Math.abs(value);
  const hint = typeof value === 'number' && value > 1 && value <= 100 ? ` (for ${value}% write ${value / 100})` : '';
  report(entry, field, `${quote(field)} must be true, false or a fraction from 0 to 1; got ${describeNumber(value)}${hint}.`);
  return undefined;
}
