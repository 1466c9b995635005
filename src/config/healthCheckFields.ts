import { DEFAULT_PROBE_TIMING } from '../core/defaults';
import type { HealthCheck, ProbeSpec, ProbeType } from '../core/types';
import { report, reportUnknownKeys, type Entry } from './entry';
import { ENTRY_SCHEMA, choicesOf } from './schema';
import { readInteger, readIntegerBetween, readMilliseconds } from './schedulingFields';
import { describe, didYouMean, isNonBlank, isObject, quote, quoteChoices, quoteFix, quoteHint, quoteList, typeName } from './text';
import { expandVariables } from './variables';
import { readRegExp } from './problemMatcherFields';

export const HEALTH_CHECK_FIELDS: readonly (keyof HealthCheck)[] = ['readiness', 'liveness'];
const PROBES_SCHEMA = ENTRY_SCHEMA.healthCheck.properties;
export const PROBE_TYPES = choicesOf<ProbeType>(PROBES_SCHEMA.readiness.properties.type);
/** A line of output shows a process started, not that it still answers. */
export const LIVENESS_PROBE_TYPES = choicesOf<ProbeType>(PROBES_SCHEMA.liveness.properties.type);
export const PROBE_TIMING_FIELDS = ['intervalMs', 'timeoutMs', 'initialDelayMs', 'failureThreshold', 'successThreshold'] as const;
const TIMING_SCHEMA = PROBES_SCHEMA.readiness.properties;
/** A field a type of probe adds, as its branch of the readiness schema declares it. */
function branchField(type: ProbeType, key: string): { minimum: number; maximum: number } {
  const branch = PROBES_SCHEMA.readiness.allOf.find((b) => b.if.properties.type.const === type);
  return (branch?.then.properties as Record<string, unknown> | undefined)?.[key] as { minimum: number; maximum: number };
}
const EXPECT_STATUS = branchField('http', 'expectStatus');
const PORT = branchField('tcp', 'port');
/** Polling faster would load the service more than it tells. */
export const MIN_PROBE_INTERVAL_MS = TIMING_SCHEMA.intervalMs.minimum;
export const DEFAULT_PROBE_HOST = '127.0.0.1';

/** `matchers` is not written in a probe: a "problems" probe takes the definition's `problemMatcher`. */
type ProbeField = Exclude<keyof ProbeSpec, 'type' | 'matchers'>;

/** The fields each type of probe takes besides `type`. A log probe passes at the first matching line: it has no timing. */
export const PROBE_FIELDS: Readonly<Record<ProbeType, readonly ProbeField[]>> = {
  http: ['url', 'expectStatus', ...PROBE_TIMING_FIELDS],
  tcp: ['host', 'port', ...PROBE_TIMING_FIELDS],
  exec: ['command', 'args', ...PROBE_TIMING_FIELDS],
  log: ['pattern'],
  problems: [],
};

export const REQUIRED_PROBE_FIELD: Readonly<Partial<Record<ProbeType, ProbeField>>> = { http: 'url', tcp: 'port', exec: 'command', log: 'pattern' };

type Reader<T> = (value: unknown, field: string, entry: Entry) => T | undefined;

/** Every field a probe may have, in the order its errors are reported. */
const PROBE_READERS: { readonly [K in ProbeField]-?: Reader<ProbeSpec[K]> } = {
  url: readUrl,
  expectStatus: (value, field, entry) => readIntegerBetween(value, field, entry, EXPECT_STATUS.minimum, EXPECT_STATUS.maximum),
  host: readText,
  port: readPort,
  command: readText,
  args: readArgs,
  pattern: readPattern,
  intervalMs: (value, field, entry) => readMilliseconds(value, field, entry, MIN_PROBE_INTERVAL_MS),
  timeoutMs: (value, field, entry) => readMilliseconds(value, field, entry, TIMING_SCHEMA.timeoutMs.minimum),
  initialDelayMs: (value, field, entry) => readMilliseconds(value, field, entry, TIMING_SCHEMA.initialDelayMs.minimum),
  failureThreshold: (value, field, entry) => readInteger(value, field, entry, TIMING_SCHEMA.failureThreshold.minimum),
  successThreshold: (value, field, entry) => readInteger(value, field, entry, TIMING_SCHEMA.successThreshold.minimum),
};

const PROBE_KEYS: readonly string[] = ['type', ...Object.keys(PROBE_READERS)];
const EXAMPLE_PROBE = '{ "type": "http", "url": "http://localhost:3000/" }';

export function applyHealthCheck(value: unknown, entry: Entry): void {
  if (!isObject(value)) {
    return report(entry, 'healthCheck', `"healthCheck" must be an object such as { "readiness": ${EXAMPLE_PROBE} }; got ${typeName(value)}.`);
  }
  if (Object.hasOwn(value, 'type')) {
    return report(entry, 'healthCheck', `"healthCheck" takes its probes under "readiness" and "liveness"; move this one into either, e.g. { "readiness": { "type": "http", ... } }.`);
  }
  const errorsBefore = entry.errors.length;
  const check: HealthCheck = {};
  for (const role of HEALTH_CHECK_FIELDS) {
    const probe = Object.hasOwn(value, role) ? readProbe(value[role], role, entry) : undefined;
    if (probe) check[role] = probe;
  }
  reportUnknownKeys(value, 'healthCheck', HEALTH_CHECK_FIELDS, entry);
  if (entry.errors.length === errorsBefore && (check.readiness || check.liveness)) entry.spec.healthCheck = check;
}

function readProbe(value: unknown, role: keyof HealthCheck, entry: Entry): ProbeSpec | undefined {
  const field = `healthCheck.${role}`;
  if (!isObject(value)) {
    const hint = typeof value === 'string' && /^https?:\/\//i.test(value) ? ` (write { "type": "http", "url": ${quote(value)} })` : '';
    report(entry, field, `${quote(field)} must be an object such as ${EXAMPLE_PROBE}; got ${typeName(value)}${hint}.`);
    return undefined;
  }
  const errorsBefore = entry.errors.length;
  const type = readProbeType(value, role, entry);
  const read: Partial<ProbeSpec> = {};
  for (const key of Object.keys(PROBE_READERS) as ProbeField[]) {
    const keyField = `${field}.${key}`;
    if (!Object.hasOwn(value, key)) {
      if (type !== undefined && REQUIRED_PROBE_FIELD[type] === key) report(entry, keyField, `${quote(keyField)} is required when "type" is ${quote(type)}.`);
    } else if (type !== undefined && !PROBE_FIELDS[type].includes(key)) {
      report(entry, keyField, foreignFieldMessage(keyField, key, type));
    } else {
      Object.assign(read, { [key]: PROBE_READERS[key](value[key], keyField, entry) });
    }
  }
  reportUnknownKeys(value, field, PROBE_KEYS, entry);
  if (type === 'problems') return problemsProbe(entry, field);
  if (type === undefined || entry.errors.length > errorsBefore) return undefined;
  const typeDefaults = type === 'tcp' ? { host: DEFAULT_PROBE_HOST } : type === 'exec' ? { args: [] } : {};
  return { type, ...typeDefaults, ...DEFAULT_PROBE_TIMING, ...read };
}

/** Undefined, reported, when missing or invalid; the type's own fields are then not checked. */
function readProbeType(value: Record<string, unknown>, role: keyof HealthCheck, entry: Entry): ProbeType | undefined {
  const field = `healthCheck.${role}.type`;
  const choices = role === 'liveness' ? LIVENESS_PROBE_TYPES : PROBE_TYPES;
  if (!Object.hasOwn(value, 'type')) {
    report(entry, field, `${quote(field)} is required; use ${quoteChoices(choices)}.`);
    return undefined;
  }
  const type = PROBE_TYPES.find((t) => t === value.type);
  if (type === undefined) {
    const hint = typeof value.type === 'string' ? didYouMean(value.type, PROBE_TYPES) : '';
    report(entry, field, `${quote(field)} must be ${quoteChoices(choices)}; got ${describe(value.type)}${hint}.`);
    return undefined;
  }
  if (!choices.includes(type)) {
    report(entry, field, `${quote(field)} cannot be ${quote(type)}: a line of output shows a process started, not that it still answers; use ${quoteChoices(choices)}.`);
    return undefined;
  }
  return type;
}

/** Ready when a round of the definition's background matcher ends with no errors: there must be one. */
function problemsProbe(entry: Entry, field: string): ProbeSpec | undefined {
  const matchers = entry.spec.problemMatcher;
  if (matchers?.some((m) => m.background)) return { type: 'problems', matchers, ...DEFAULT_PROBE_TIMING };
  // A matcher with its own problem is reported at its field already.
  if (!entry.errors.some((e) => e.field?.startsWith('problemMatcher'))) {
    report(entry, `${field}.type`, `${quote(`${field}.type`)} "problems" needs a "problemMatcher" with "background" (such as "$tsc-watch"), whose rounds tell when it is ready.`);
  }
  return undefined;
}

function foreignFieldMessage(field: string, key: ProbeField, type: ProbeType): string {
  const owners = PROBE_TYPES.filter((t) => PROBE_FIELDS[t].includes(key));
  const reason = type === 'log' ? 'a "log" probe has no timing: it passes at the first matching line of output' : type === 'problems' ? 'a "problems" probe has no fields: it passes when a round of the background "problemMatcher" ends with no errors' : `this one is ${quote(type)}`;
  return `${quote(field)} is for ${quoteChoices(owners)} probes; ${reason}.`;
}

/** `${workspaceFolder}` and `${env:NAME}` expand as in `command`; `${instance}` is left for each replica. */
export function expandText(text: string, field: string, entry: Entry): string | undefined {
  const { text: expanded, unresolved } = expandVariables(text, entry.ctx);
  if (unresolved.length === 0) return expanded;
  report(entry, field, `${quote(field)} uses \${${unresolved[0]}}, but no workspace folder is open.`);
  return undefined;
}

function readText(value: unknown, field: string, entry: Entry): string | undefined {
  if (!isNonBlank(value)) {
    report(entry, field, `${quote(field)} must be a non-empty string; got ${describe(value)}.`);
    return undefined;
  }
  const text = expandText(value, field, entry);
  if (text === undefined || text.trim() !== '') return text;
  report(entry, field, `${quote(field)} is empty after expanding variables in ${quote(value)}.`);
  return undefined;
}

function readUrl(value: unknown, field: string, entry: Entry): string | undefined {
  const wanted = `${quote(field)} must be an http:// or https:// URL such as "http://localhost:3000/health"`;
  if (!isNonBlank(value)) {
    report(entry, field, `${wanted}; got ${describe(value)}.`);
    return undefined;
  }
  const url = expandText(value, field, entry);
  if (url === undefined || isHttpUrl(url)) return url;
  const hint = !url.includes('://') && isHttpUrl(`http://${url}`) ? ` (write ${quote(`http://${value}`)})` : '';
  report(entry, field, `${wanted}; got ${quote(value)}${hint}.`);
  return undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    // Checked as replica 0 would see it: "http://localhost:300${instance}/" is a valid URL per replica.
    const url = new URL(text.replaceAll('${instance}', '0'));
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A JSON number, as the schema says: variables expand in strings only. */
function readPort(value: unknown, field: string, entry: Entry): number | undefined {
  const hint = typeof value === 'string' && value.includes('${') ? ' (variables do not expand in a port; write a number)' : '';
  return readIntegerBetween(value, field, entry, PORT.minimum, PORT.maximum, hint);
}

export function readArgs(value: unknown, field: string, entry: Entry): string[] | undefined {
  if (!Array.isArray(value)) {
    const hint = typeof value === 'string' ? ` (write it as a list: ${quoteList(value.split(/\s+/))})` : '';
    report(entry, field, `${quote(field)} must be an array of strings; got ${typeName(value)}${hint}.`);
    return undefined;
  }
  const args: string[] = [];
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'string') {
      report(entry, `${field}[${i}]`, `${quote(field)} must be an array of strings; item ${i} is ${typeName(item)}${quoteHint(item)}.`, quoteFix(item));
      return undefined;
    }
    const arg = expandText(item, `${field}[${i}]`, entry);
    if (arg === undefined) return undefined;
    args.push(arg);
  }
  return args;
}

/** Compiled as the engine compiles it (no flags). Not expanded: a value would need escaping. */
function readPattern(value: unknown, field: string, entry: Entry): string | undefined {
  return readRegExp(value, field, entry, ' such as "listening on"');
}
