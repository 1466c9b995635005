import type { DebugSpec } from '../core/types';
import { report, reportUnknownKeys, type Entry } from './entry';
import { ENTRY_SCHEMA, choicesOf } from './schema';
import { describe, didYouMean, didYouMeanFix, isNonBlank, isObject, quote, quoteChoices, typeName } from './text';
import { readArgs, readEnv } from './valueFields';

const DEBUG_SCHEMA = ENTRY_SCHEMA.debug;
export const DEBUG_FIELDS = Object.keys(DEBUG_SCHEMA.properties);
export const DEBUG_PRESETS = choicesOf<NonNullable<DebugSpec['type']>>(DEBUG_SCHEMA.properties.type);

/** A definition's `debug`: a preset (`type`) or an `attach` configuration, with `env`, `args` and `stopWithSession`. */
export function applyDebug(value: unknown, entry: Entry): void {
  if (!isObject(value)) {
    const hint = typeof value === 'string' ? ` (write { "type": ${quote(value)} })` : '';
    return report(entry, 'debug', `"debug" must be an object such as { "type": "node" } or { "attach": { ... } }; got ${typeName(value)}${hint}.`);
  }
  const before = entry.errors.length;
  reportUnknownKeys(value, 'debug', DEBUG_FIELDS, entry);
  const debug: DebugSpec = { env: {}, args: [], stopWithSession: false };
  if (Object.hasOwn(value, 'type')) debug.type = readPreset(value.type, entry);
  if (Object.hasOwn(value, 'attach')) debug.attach = readAttach(value.attach, entry);
  if (!Object.hasOwn(value, 'type') && !Object.hasOwn(value, 'attach')) {
    report(entry, 'debug', `"debug" needs "type" (a preset: ${quoteChoices(DEBUG_PRESETS)}) or "attach" (a launch.json attach configuration).`);
  }
  if (Object.hasOwn(value, 'env')) debug.env = readEnv(value.env, 'debug.env', entry) ?? {};
  if (Object.hasOwn(value, 'args')) debug.args = readArgs(value.args, 'debug.args', entry) ?? [];
  if (Object.hasOwn(value, 'stopWithSession')) {
    if (typeof value.stopWithSession === 'boolean') debug.stopWithSession = value.stopWithSession;
    else report(entry, 'debug.stopWithSession', `"debug.stopWithSession" must be true or false; got ${describe(value.stopWithSession)}.`);
  }
  if (entry.errors.length === before) entry.spec.debug = debug;
}

function readPreset(value: unknown, entry: Entry): DebugSpec['type'] {
  const found = DEBUG_PRESETS.find((preset) => preset === value);
  if (found !== undefined) return found;
  const hint = typeof value === 'string' ? didYouMean(value, DEBUG_PRESETS) : '';
  const fix = typeof value === 'string' ? didYouMeanFix(value, DEBUG_PRESETS) : undefined;
  report(entry, 'debug.type', `"debug.type" must be ${quoteChoices(DEBUG_PRESETS)}; got ${describe(value)}${hint}. For another debugger, give its "attach" configuration.`, fix);
  return undefined;
}

/** Kept as written: the editor resolves its variables when the session starts. */
function readAttach(value: unknown, entry: Entry): Record<string, unknown> | undefined {
  if (!isObject(value)) {
    report(entry, 'debug.attach', `"debug.attach" must be a launch.json attach configuration such as { "type": "debugpy", "request": "attach", "connect": { "port": 5678 } }; got ${typeName(value)}.`);
    return undefined;
  }
  if (!isNonBlank(value.type)) {
    const got = Object.hasOwn(value, 'type') ? `; got ${describe(value.type)}` : '';
    report(entry, 'debug.attach.type', `"debug.attach.type" must name the debugger as in launch.json (e.g. "debugpy", "go", "node")${got}.`);
    return undefined;
  }
  if (Object.hasOwn(value, 'request') && value.request !== 'attach') {
    report(entry, 'debug.attach.request', `"debug.attach.request" must be "attach" (the run is started here, the debugger attaches to it); got ${describe(value.request)}.`);
    return undefined;
  }
  return value;
}
