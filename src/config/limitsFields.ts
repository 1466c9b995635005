import type { Limits } from '../core/types';
import { report, type Entry } from './entry';
import { SETTINGS_SCHEMA, ENTRY_SCHEMA, choicesOf } from './schema';
import { MAX_TIMER_MS } from './schedulingFields';
import { describe, describeNumber, didYouMean, isObject, quote, quoteChoices, typeName } from './text';

export const ALERTS_SETTING = 'devProcesses.alerts';
export const MONITOR_INTERVAL_SETTING = 'devProcesses.monitor.intervalMs';
const INTERVAL_SCHEMA = SETTINGS_SCHEMA[MONITOR_INTERVAL_SETTING];
export const DEFAULT_MONITOR_INTERVAL_MS = INTERVAL_SCHEMA.default;
/** Faster sampling would cost more than it tells. */
export const MIN_MONITOR_INTERVAL_MS = INTERVAL_SCHEMA.minimum;

/** The thresholds, shared by a definition's `limits` and the global `devProcesses.alerts`. */
export const THRESHOLD_FIELDS = ['maxMemoryMB', 'maxCpuPercent', 'maxIdleMs', 'maxErrorRate'] as const;
/** Every field of a definition's `limits`. */
export const LIMIT_FIELDS: readonly (keyof Limits)[] = [...THRESHOLD_FIELDS, 'onExceed'];
export const ON_EXCEED = choicesOf<NonNullable<Limits['onExceed']>>(ENTRY_SCHEMA.limits.properties.onExceed);

type Threshold = (typeof THRESHOLD_FIELDS)[number];
type Read<T> = { value: T } | { error: string };
interface FieldError {
  field: string;
  message: string;
}

/** `maxIdleMs` counts milliseconds and must be whole; the others are any number above 0. */
function readThreshold(key: Threshold, value: unknown, field: string): Read<number> {
  const whole = key === 'maxIdleMs';
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && (!whole || Number.isInteger(value))) return { value };
  const what = whole ? 'a whole number, at least 1' : 'a number greater than 0';
  return { error: `${quote(field)} must be ${what}; got ${describeNumber(value)}.` };
}

function readOnExceed(value: unknown, field: string): Read<NonNullable<Limits['onExceed']>> {
  const found = ON_EXCEED.find((choice) => choice === value);
  if (found !== undefined) return { value: found };
  const hint = typeof value === 'string' ? didYouMean(value, ON_EXCEED) : '';
  return { error: `${quote(field)} must be ${quoteChoices(ON_EXCEED)}; got ${describe(value)}${hint}.` };
}

/**
 * Reads an object of thresholds. Each valid field is kept, each invalid or unknown one gives an
 * error naming `prefix.field`.
 */
function readLimitsObject(value: Record<string, unknown>, prefix: string, known: readonly string[], unknownHint: (key: string) => string): { limits: Limits; errors: FieldError[] } {
  const limits: Limits = {};
  const errors: FieldError[] = [];
  for (const [key, raw] of Object.entries(value)) {
    const field = `${prefix}.${key}`;
    if (!known.includes(key)) {
      errors.push({ field, message: `${quote(prefix)} has an unknown field ${quote(key)}${unknownHint(key) || didYouMean(key, known)}.` });
      continue;
    }
    const read = key === 'onExceed' ? readOnExceed(raw, field) : readThreshold(key as Threshold, raw, field);
    if ('error' in read) errors.push({ field, message: read.error });
    else Object.assign(limits, { [key]: read.value });
  }
  return { limits, errors };
}

/** A definition's `limits`. `onExceed: "restart"` needs a service: a job is never restarted mid-run. */
export function applyLimits(value: unknown, entry: Entry): void {
  if (!isObject(value)) {
    const hint = typeof value === 'number' ? ` (for memory write { "maxMemoryMB": ${value} })` : '';
    return report(entry, 'limits', `"limits" must be an object such as { "maxMemoryMB": 512 }; got ${typeName(value)}${hint}.`);
  }
  const { limits, errors } = readLimitsObject(value, 'limits', LIMIT_FIELDS, () => '');
  for (const error of errors) report(entry, error.field, error.message);
  if (errors.length > 0) return;
  if (limits.onExceed === 'restart' && entry.spec.kind !== 'service') {
    return report(entry, 'limits.onExceed', `"limits.onExceed": "restart" is for services; a job is not restarted mid-run (use "alert").`);
  }
  if (Object.keys(limits).length > 0) entry.spec.limits = limits;
}

/** `devProcesses.alerts`: the thresholds of every definition that does not set its own. Never throws. */
export function readAlertDefaults(raw: unknown): { limits: Limits; errors: string[] } {
  if (raw === undefined || raw === null) return { limits: {}, errors: [] };
  if (!isObject(raw)) {
    return { limits: {}, errors: [`${quote(ALERTS_SETTING)} must be an object such as { "maxMemoryMB": 1024 }; got ${typeName(raw)}.`] };
  }
  const onExceedHint = (key: string) => (key === 'onExceed' ? ' (set "onExceed" per definition, under "limits")' : '');
  const { limits, errors } = readLimitsObject(raw, ALERTS_SETTING, THRESHOLD_FIELDS, onExceedHint);
  return { limits, errors: errors.map((e) => e.message) };
}

/** `devProcesses.monitor.intervalMs`: an integer of at least 100; anything else gives the default, 1000. */
export function readMonitorInterval(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < MIN_MONITOR_INTERVAL_MS) return DEFAULT_MONITOR_INTERVAL_MS;
  return Math.min(raw, MAX_TIMER_MS);
}
