import type { StopSignal, StopSpec } from '../core/types';
import { report, reportUnknownKeys, type Entry } from './entry';
import { readArgs } from './healthCheckFields';
import { readMilliseconds } from './schedulingFields';
import { ENTRY_SCHEMA, choicesOf } from './schema';
import { describe, didYouMean, didYouMeanFix, isObject, quote, quoteChoices, quoteList, typeName } from './text';

const STOP_SCHEMA = ENTRY_SCHEMA.stop.properties;
export const STOP_SIGNALS = choicesOf<StopSignal>(STOP_SCHEMA.signal);
export const STOP_FIELDS: readonly (keyof StopSpec)[] = ['signal', 'command', 'timeoutMs'];

/** `stop`: `{ signal, command, timeoutMs }`, each optional. */
export function applyStop(value: unknown, entry: Entry): void {
  if (!isObject(value)) {
    const hint = typeof value === 'string' && STOP_SIGNALS.includes(value as StopSignal) ? ` (write { "signal": ${quote(value)} })` : '';
    return report(entry, 'stop', `"stop" must be an object such as { "signal": "SIGINT" }; got ${typeName(value)}${hint}.`);
  }
  const errorsBefore = entry.errors.length;
  const stop: StopSpec = {};
  if (Object.hasOwn(value, 'signal')) stop.signal = readSignal(value.signal, entry);
  if (Object.hasOwn(value, 'command')) stop.command = readCommand(value.command, entry);
  if (Object.hasOwn(value, 'timeoutMs')) stop.timeoutMs = readMilliseconds(value.timeoutMs, 'stop.timeoutMs', entry, STOP_SCHEMA.timeoutMs.minimum);
  reportUnknownKeys(value, 'stop', STOP_FIELDS, entry);
  if (entry.errors.length === errorsBefore) entry.spec.stop = stop;
}

function readSignal(value: unknown, entry: Entry): StopSignal | undefined {
  if (STOP_SIGNALS.includes(value as StopSignal)) return value as StopSignal;
  // "sigint", "INT": the signal meant is plain, so say how to write it.
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : '';
  const meant = STOP_SIGNALS.find((s) => s === upper || s === `SIG${upper}`);
  const hint = meant !== undefined ? ` (write ${quote(meant)})` : typeof value === 'string' ? didYouMean(value, STOP_SIGNALS) : '';
  const fix = meant !== undefined ? { kind: 'replace' as const, text: JSON.stringify(meant) } : typeof value === 'string' ? didYouMeanFix(value, STOP_SIGNALS) : undefined;
  report(entry, 'stop.signal', `"stop.signal" must be ${quoteChoices(STOP_SIGNALS)}; got ${describe(value)}${hint}.`, fix);
  return undefined;
}

/** An argv, no shell: a string with spaces is shown as the list it should be. */
function readCommand(value: unknown, entry: Entry): string[] | undefined {
  if (typeof value === 'string') {
    report(entry, 'stop.command', `"stop.command" must be an array: the program, then its arguments; got a string (write it as a list: ${quoteList(value.trim().split(/\s+/))}).`);
    return undefined;
  }
  const argv = readArgs(value, 'stop.command', entry);
  if (argv === undefined) return undefined;
  if (argv.length > 0 && argv[0].trim() !== '') return argv;
  report(entry, 'stop.command', `"stop.command" must start with the program to run, e.g. ["docker", "compose", "down"]; got ${argv.length === 0 ? 'an empty list' : 'an empty program'}.`);
  return undefined;
}
