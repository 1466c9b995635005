import { defaultRestart } from '../core/defaults';
import type { ErrorCode } from '../core/errors';
import type { ProcessSpec, RecoveryStrategy, RestartMode, RestartPolicy } from '../core/types';
import { report, reportUnknownKeys, type Entry } from './entry';
import { ENTRY_SCHEMA, choicesOf } from './schema';
import { MAX_RESTARTS, delaysInOrder, readIntegerBetween, readJitter, readMultiplier, readPolicyMs } from './schedulingFields';
import { describe, didYouMean, isObject, quote, quoteChoices, typeName } from './text';

const RESTART_SCHEMA = ENTRY_SCHEMA.restart.properties;
const EXIT_CODE = RESTART_SCHEMA.successExitCodes.items;
export const RESTART_MODES = choicesOf<RestartMode>(RESTART_SCHEMA.policy);
export const RECOVERY_STRATEGIES = choicesOf<RecoveryStrategy>(ENTRY_SCHEMA.recovery.properties.crashed);
/** A job has no instances to replace or scale; `restart` runs its `retry`. */
export const JOB_STRATEGIES: readonly RecoveryStrategy[] = ['restart', 'notify', 'none'];

type Reader<T> = (value: unknown, field: string, entry: Entry) => T | undefined;

const RESTART_READERS: { readonly [K in keyof RestartPolicy]: Reader<RestartPolicy[K]> } = {
  policy: readRestartMode,
  successExitCodes: readExitCodes,
  initialDelayMs: (value, field, entry) => readPolicyMs(value, field, entry, RESTART_SCHEMA.initialDelayMs.minimum),
  maxDelayMs: (value, field, entry) => readPolicyMs(value, field, entry, RESTART_SCHEMA.maxDelayMs.minimum),
  multiplier: readMultiplier,
  jitter: readJitter,
  resetAfterMs: (value, field, entry) => readPolicyMs(value, field, entry, RESTART_SCHEMA.resetAfterMs.minimum),
  maxRestarts: (value, field, entry) => readIntegerBetween(value, field, entry, RESTART_SCHEMA.maxRestarts.minimum, MAX_RESTARTS),
  windowMs: (value, field, entry) => readPolicyMs(value, field, entry, RESTART_SCHEMA.windowMs.minimum),
};

/** Every field of `restart`, in the order its errors are reported. */
export const RESTART_FIELDS = Object.keys(RESTART_READERS) as readonly (keyof RestartPolicy)[];

/**
 * Per error code: null when `recovery` may set it, else why not. A Record, so that a new code
 * cannot be added to the union without a decision here.
 */
const NOT_RECOVERABLE: Readonly<Record<ErrorCode, string | null>> = {
  crashed: null,
  'exit-code': null,
  timeout: null,
  'resource-exhausted': null,
  hung: null,
  'spawn-failed': 'a command that could not start is never restarted; fix the command',
  permission: 'a command the system refused to run is never restarted; fix its permissions',
  'dependency-failed': 'a run whose dependency failed is never restarted; recover the dependency',
  canceled: 'a run stopped on request is never restarted',
  'crash-loop': 'a run that gave up is never restarted; raise "restart.maxRestarts" instead',
  'launcher-lost': 'a run whose exit status was lost follows one rule: a service restarts per "restart", a job is not retried',
  'not-found': 'an unknown name is a rejected request, never a process failure',
  'invalid-state': 'an action asked of a run in the wrong state is a rejected request, never a process failure',
  'limit-reached': 'a scale beyond "instances" is a rejected request, never a process failure',
  'invalid-argument': 'a bad argument is a rejected request, never a process failure',
};

/** The error codes `recovery` may set: the ways a process that did start can fail. */
export const RECOVERABLE_CODES = (Object.keys(NOT_RECOVERABLE) as ErrorCode[]).filter((code) => NOT_RECOVERABLE[code] === null);

/** Every field is optional; a missing one keeps the value of the kind's default policy. */
export function applyRestart(value: unknown, entry: Entry): void {
  if (!isObject(value)) {
    const hint = RESTART_MODES.some((mode) => mode === value) ? ` (write { "policy": ${quote(value as string)} })` : '';
    return report(entry, 'restart', `"restart" must be an object such as { "policy": "always" }; got ${typeName(value)}${hint}.`);
  }
  const errorsBefore = entry.errors.length;
  const written: Partial<RestartPolicy> = {};
  for (const key of RESTART_FIELDS) {
    if (Object.hasOwn(value, key)) Object.assign(written, { [key]: RESTART_READERS[key](value[key], `restart.${key}`, entry) });
  }
  reportUnknownKeys(value, 'restart', RESTART_FIELDS, entry);
  if (entry.errors.length > errorsBefore) return;

  const restart: RestartPolicy = { ...defaultRestart(entry.spec.kind), ...written };
  if (delaysInOrder('restart', restart, written, entry)) entry.spec.restart = restart;
}

/** Strategies per error code, over the defaults (`restart`: the restart or retry policy decides). */
export function applyRecovery(value: unknown, entry: Entry): void {
  if (!isObject(value)) {
    const hint = RECOVERY_STRATEGIES.some((strategy) => strategy === value) ? ` (set it per failure, e.g. { "crashed": ${quote(value as string)} })` : '';
    return report(entry, 'recovery', `"recovery" must be an object such as { "crashed": "restart", "hung": "replace" }; got ${typeName(value)}${hint}.`);
  }
  const errorsBefore = entry.errors.length;
  const recovery: ProcessSpec['recovery'] = {};
  for (const [key, raw] of Object.entries(value)) {
    const field = `recovery.${key}`;
    if (!Object.hasOwn(NOT_RECOVERABLE, key)) {
      const hint = didYouMean(key, RECOVERABLE_CODES) || `; use ${quoteChoices(RECOVERABLE_CODES)}`;
      report(entry, field, `"recovery" has an unknown error code ${quote(key)}${hint}.`);
      continue;
    }
    const code = key as ErrorCode;
    const whyNot = NOT_RECOVERABLE[code];
    if (whyNot !== null) {
      report(entry, field, `"recovery" cannot set ${quote(code)}: ${whyNot}.`);
      continue;
    }
    const strategy = readStrategy(raw, field, entry);
    if (strategy !== undefined) recovery[code] = strategy;
  }
  if (entry.errors.length === errorsBefore) entry.spec.recovery = recovery;
}

/** `entry.spec.kind` is known here: `kind` comes before `recovery` in the field rules. */
function readStrategy(value: unknown, field: string, entry: Entry): RecoveryStrategy | undefined {
  const strategy = RECOVERY_STRATEGIES.find((s) => s === value);
  if (strategy === undefined) {
    const hint = typeof value === 'string' ? didYouMean(value, RECOVERY_STRATEGIES) : '';
    report(entry, field, `${quote(field)} must be ${quoteChoices(RECOVERY_STRATEGIES)}; got ${describe(value)}${hint}.`);
    return undefined;
  }
  if (entry.spec.kind === 'job' && !JOB_STRATEGIES.includes(strategy)) {
    report(entry, field, `${quote(field)}: ${quote(strategy)} is for services; a job can use "restart" (runs its "retry"), "notify" or "none".`);
    return undefined;
  }
  return strategy;
}

function readRestartMode(value: unknown, field: string, entry: Entry): RestartMode | undefined {
  const mode = RESTART_MODES.find((m) => m === value);
  if (mode !== undefined) return mode;
  const hint = typeof value === 'string' ? didYouMean(value, RESTART_MODES) : '';
  report(entry, field, `${quote(field)} must be ${quoteChoices(RESTART_MODES)}; got ${describe(value)}${hint}.`);
  return undefined;
}

function readExitCodes(value: unknown, field: string, entry: Entry): number[] | undefined {
  if (!Array.isArray(value)) {
    const hint = typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255 ? ` (write [${value}])` : '';
    report(entry, field, `${quote(field)} must be an array of exit codes from 0 to 255, such as [143]; got ${typeName(value)}${hint}.`);
    return undefined;
  }
  const codes = value.map((code: unknown, i) => readIntegerBetween(code, `${field}[${i}]`, entry, EXIT_CODE.minimum, EXIT_CODE.maximum));
  return codes.every((code) => code !== undefined) ? codes : undefined;
}
