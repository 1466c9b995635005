// Fuzzes the definition validator (parseDefinitions, parseSources) with fast-check: arbitrary
// values, valid definitions, and valid definitions mutated the ways hand-edited settings go wrong
// (keys dropped or misspelt, types swapped, huge strings, deep nesting, unicode, `__proto__` and
// `constructor` keys), plus hostile objects a caller might pass. Whatever comes in, it never
// throws, never takes long, and answers with valid specs or errors located at their entry.
//
// The seed is fixed so a failure reproduces; DEVPROC_FUZZ_SEED and DEVPROC_FUZZ_RUNS explore more.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { TASKS_SETTING, WHOLE_SETTING, parseDefinitions } from '../../../src/config/definitions';
import type { DefinitionContext } from '../../../src/config/types';
import { MAX_INSTANCES } from '../../../src/core/defaults';
import { DEPENDENCY_CONDITIONS } from '../../../src/config/dependsOnFields';
import { LIVENESS_PROBE_TYPES, MIN_PROBE_INTERVAL_MS, PROBE_FIELDS, PROBE_TIMING_FIELDS, PROBE_TYPES } from '../../../src/config/healthCheckFields';
import { LIMIT_FIELDS, ON_EXCEED } from '../../../src/config/limitsFields';
import { JOB_STRATEGIES, RECOVERABLE_CODES, RECOVERY_STRATEGIES, RESTART_MODES } from '../../../src/config/recoveryFields';
import { MAX_MULTIPLIER, MAX_POLICY_MS, MAX_RESTARTS, MAX_RETRIES, MAX_TIMER_MS, PRIORITIES } from '../../../src/config/schedulingFields';
import { parseSources, type DefinitionSource } from '../../../src/config/sources';
import { quote } from '../../../src/config/text';
import type { ErrorCode } from '../../../src/core/errors';
import type { DefinitionError, DefinitionSet, ProbeSpec, ProcessSpec } from '../../../src/core/types';

const SEED = Number(process.env.DEVPROC_FUZZ_SEED ?? 20_260_501);
const RUNS = Number(process.env.DEVPROC_FUZZ_RUNS ?? 2000);
/** A budget per property: interrupted runs count as passed (fast-check's default), so CI stays bounded. */
const TIME_LIMIT_MS = Number(process.env.DEVPROC_FUZZ_TIME_LIMIT_MS ?? 20_000);
/** One parse of one setting, however hostile, must not take longer than this (measured, generous). */
const SLOW_CALL_MS = 2000;

console.log(`fuzz: seed ${SEED}, up to ${RUNS} runs per property (DEVPROC_FUZZ_SEED, DEVPROC_FUZZ_RUNS)`);

/** Runs a property with the fixed seed; on failure fast-check's message names the seed and path to replay. */
function check<T>(property: fc.IProperty<T>, runs = RUNS): void {
  const details = fc.check(property, { seed: SEED, numRuns: runs, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] });
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${fc.defaultReportMessage(details) ?? 'property failed'}\nFailed with: ${cause}`);
  }
  console.log(`fuzz: ${details.numRuns} runs${details.interrupted ? ' (time budget reached)' : ''}, slowest parse ${Math.round(slowest)} ms`);
}

let slowest = 0;

/** Times one call and bounds it: a parse that hangs or goes quadratic on big input shows here. */
function timed<T>(fn: () => T): T {
  const started = performance.now();
  const result = fn();
  const took = performance.now() - started;
  slowest = Math.max(slowest, took);
  assert.ok(took < SLOW_CALL_MS, `one parse took ${Math.round(took)} ms`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// What a valid answer is.

/** Counts (maxRetries, thresholds) have no upper bound in the schema: 2 ** 53 is an integer too. */
const isInt = (v: unknown, min: number, max = Number.MAX_VALUE): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max && !Object.is(v, -0);
const isFraction = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1 && !Object.is(v, -0);
const isNumberAtLeast = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isFinite(v) && v >= min;
const isNonBlank = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const hasOnly = (o: object, keys: readonly string[]): boolean => Object.keys(o).every((k) => keys.includes(k));

const SPEC_KEYS = ['name', 'kind', 'command', 'args', 'cwd', 'env', 'envFile', 'shell', 'autoStart', 'priority', 'timeoutMs', 'retry', 'dependsOn', 'instances', 'idleTimeoutMs', 'restart', 'recovery', 'healthCheck', 'problemMatcher', 'limits'];
const DELAY_KEYS = ['initialDelayMs', 'maxDelayMs'];

function probeProblems(probe: ProbeSpec, role: 'readiness' | 'liveness'): string[] {
  const p: string[] = [];
  const ok = (cond: boolean, what: string) => void (cond || p.push(`healthCheck.${role}.${what}`));
  ok(PROBE_TYPES.includes(probe.type), 'type');
  if (role === 'liveness') ok(LIVENESS_PROBE_TYPES.includes(probe.type), 'type (liveness)');
  // Timing is always filled in (the type requires it), even for a log probe, which ignores it.
  ok(hasOnly(probe, ['type', ...(PROBE_FIELDS[probe.type] ?? []), ...PROBE_TIMING_FIELDS, ...(probe.type === 'problems' ? ['matchers'] : [])]), `fields of ${probe.type}`);
  if (probe.type === 'log') {
    ok(typeof probe.pattern === 'string' && probe.pattern !== '', 'pattern');
    ok((() => { try { return new RegExp(probe.pattern!) instanceof RegExp; } catch { return false; } })(), 'pattern compiles');
    return p;
  }
  ok(isInt(probe.intervalMs, MIN_PROBE_INTERVAL_MS, MAX_TIMER_MS), 'intervalMs');
  ok(isInt(probe.timeoutMs, 1, MAX_TIMER_MS), 'timeoutMs');
  ok(isInt(probe.initialDelayMs, 0, MAX_TIMER_MS), 'initialDelayMs');
  ok(isInt(probe.failureThreshold, 1), 'failureThreshold');
  ok(isInt(probe.successThreshold, 1), 'successThreshold');
  if (probe.type === 'http') {
    ok(typeof probe.url === 'string' && /^https?:\/\//i.test(probe.url), 'url');
    ok(probe.expectStatus === undefined || isInt(probe.expectStatus, 100, 599), 'expectStatus');
  }
  if (probe.type === 'tcp') {
    ok(isInt(probe.port, 1, 65535), 'port');
    ok(isNonBlank(probe.host), 'host');
  }
  if (probe.type === 'exec') {
    ok(isNonBlank(probe.command), 'command');
    ok(Array.isArray(probe.args) && probe.args.every((a) => typeof a === 'string'), 'args');
  }
  return p;
}

/** Everything wrong with one spec; empty when it is what the engine may take. */
function specProblems(s: ProcessSpec): string[] {
  const p: string[] = [];
  const ok = (cond: boolean, what: string) => void (cond || p.push(what));
  ok(hasOnly(s, SPEC_KEYS), `keys ${Object.keys(s).filter((k) => !SPEC_KEYS.includes(k))}`);
  ok(isNonBlank(s.name) && !/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/.test(s.name), 'name');
  ok(s.kind === 'service' || s.kind === 'job', 'kind');
  ok(isNonBlank(s.command), 'command');
  ok(Array.isArray(s.args) && s.args.every((a) => typeof a === 'string'), 'args');
  ok(typeof s.cwd === 'string' && path.isAbsolute(s.cwd), 'cwd is absolute');
  ok(isPlainObject(s.env) && Object.entries(s.env).every(([k, v]) => k !== '' && !k.includes('=') && !k.includes('\0') && typeof v === 'string'), 'env');
  ok(s.envFile === undefined || (typeof s.envFile === 'string' && path.isAbsolute(s.envFile)), 'envFile is absolute');
  ok(typeof s.shell === 'boolean', 'shell');
  ok(typeof s.autoStart === 'boolean', 'autoStart');
  ok(PRIORITIES.includes(s.priority), 'priority');
  ok(s.timeoutMs === undefined || isInt(s.timeoutMs, 1, MAX_TIMER_MS), 'timeoutMs');
  const r = s.retry;
  ok(isPlainObject(r) && hasOnly(r, ['maxRetries', 'multiplier', 'jitter', ...DELAY_KEYS]), 'retry');
  ok(isInt(r?.maxRetries, 0, MAX_RETRIES) && isInt(r?.initialDelayMs, 0, MAX_POLICY_MS) && isInt(r?.maxDelayMs, r?.initialDelayMs ?? 0, MAX_POLICY_MS), 'retry counts and delays');
  ok(isNumberAtLeast(r?.multiplier, 1) && r.multiplier <= MAX_MULTIPLIER && isFraction(r?.jitter), 'retry multiplier and jitter');
  ok(Array.isArray(s.dependsOn) && s.dependsOn.every((d) => isPlainObject(d) && hasOnly(d, ['name', 'condition']) && isNonBlank(d.name) && d.name !== s.name && DEPENDENCY_CONDITIONS.includes(d.condition)), 'dependsOn');
  ok(new Set(s.dependsOn?.map((d) => d.name)).size === s.dependsOn?.length, 'dependsOn names once each');
  const i = s.instances;
  ok(isPlainObject(i) && hasOnly(i, ['min', 'max', 'initial']) && isInt(i.min, 0) && isInt(i.max, 1, MAX_INSTANCES) && isInt(i.initial, i.min) && i.initial <= i.max, 'instances');
  if (s.kind === 'job') ok(i?.min === 1 && i?.max === 1 && i?.initial === 1, 'a job has one instance');
  ok(s.idleTimeoutMs === undefined || (s.kind === 'service' && isInt(s.idleTimeoutMs, 1, MAX_TIMER_MS)), 'idleTimeoutMs');
  const rs = s.restart;
  ok(isPlainObject(rs) && RESTART_MODES.includes(rs.policy) && Array.isArray(rs.successExitCodes) && rs.successExitCodes.every((c) => isInt(c, 0, 255)), 'restart policy and codes');
  ok(isInt(rs?.initialDelayMs, 0, MAX_POLICY_MS) && isInt(rs?.maxDelayMs, rs?.initialDelayMs ?? 0, MAX_POLICY_MS) && isInt(rs?.resetAfterMs, 0, MAX_POLICY_MS), 'restart delays');
  ok(isNumberAtLeast(rs?.multiplier, 1) && rs.multiplier <= MAX_MULTIPLIER && isFraction(rs?.jitter) && isInt(rs?.maxRestarts, 0, MAX_RESTARTS) && isInt(rs?.windowMs, 1, MAX_POLICY_MS), 'restart limits');
  if (s.kind === 'job') ok(rs?.policy === 'never', 'a job never restarts');
  const allowed = s.kind === 'job' ? JOB_STRATEGIES : RECOVERY_STRATEGIES;
  ok(isPlainObject(s.recovery) && Object.entries(s.recovery).every(([code, strategy]) => RECOVERABLE_CODES.includes(code as ErrorCode) && allowed.includes(strategy)), 'recovery');
  if (s.healthCheck !== undefined) {
    ok(s.kind === 'service' && isPlainObject(s.healthCheck) && hasOnly(s.healthCheck, ['readiness', 'liveness']), 'healthCheck');
    ok(s.healthCheck.readiness !== undefined || s.healthCheck.liveness !== undefined, 'healthCheck has a probe');
    if (s.healthCheck.readiness) p.push(...probeProblems(s.healthCheck.readiness, 'readiness'));
    if (s.healthCheck.liveness) p.push(...probeProblems(s.healthCheck.liveness, 'liveness'));
  }
  if (s.limits !== undefined) {
    const l = s.limits;
    ok(isPlainObject(l) && Object.keys(l).length > 0 && hasOnly(l, LIMIT_FIELDS), 'limits');
    for (const key of ['maxMemoryMB', 'maxCpuPercent', 'maxErrorRate'] as const) ok(l[key] === undefined || (isNumberAtLeast(l[key], 0) && l[key] > 0), `limits.${key}`);
    ok(l.maxIdleMs === undefined || isInt(l.maxIdleMs, 1), 'limits.maxIdleMs');
    ok(l.onExceed === undefined || (ON_EXCEED.includes(l.onExceed) && (l.onExceed !== 'restart' || s.kind === 'service')), 'limits.onExceed');
  }
  return p;
}

/** The dependency graph of the accepted specs is closed (every name is a spec) and has no cycle. */
function graphProblems(specs: readonly ProcessSpec[]): string[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const p: string[] = [];
  for (const s of specs) {
    for (const d of s.dependsOn) {
      const target = byName.get(d.name);
      if (!target) p.push(`${s.name} depends on unknown ${d.name}`);
      else if (d.condition === 'healthy' && target.kind === 'job') p.push(`${s.name} waits for job ${d.name} to be healthy`);
    }
  }
  // Kahn: whatever cannot be ordered lies on or behind a cycle.
  const indegree = new Map(specs.map((s) => [s.name, 0]));
  for (const s of specs) for (const d of s.dependsOn) if (byName.has(d.name)) indegree.set(s.name, indegree.get(s.name)! + 1);
  const ready = specs.filter((s) => indegree.get(s.name) === 0).map((s) => s.name);
  const dependents = new Map<string, string[]>();
  for (const s of specs) for (const d of s.dependsOn) dependents.set(d.name, [...(dependents.get(d.name) ?? []), s.name]);
  let ordered = 0;
  while (ready.length > 0) {
    ordered++;
    for (const next of dependents.get(ready.pop()!) ?? []) {
      indegree.set(next, indegree.get(next)! - 1);
      if (indegree.get(next) === 0) ready.push(next);
    }
  }
  if (ordered !== specs.length) p.push('the accepted specs have a dependency cycle');
  return p;
}

const ownName = (entry: unknown): unknown => (typeof entry === 'object' && entry !== null && !Array.isArray(entry) && Object.hasOwn(entry, 'name') ? (entry as { name: unknown }).name : undefined);

/**
 * An error is located: its index points into the setting (or is -1 for the whole setting), its
 * message names the entry (its name, else its position), its name is the entry's own, and its
 * field is one the entry wrote (or a required one). Messages stay short whatever the input.
 */
function errorProblems(e: DefinitionError, raw: unknown): string[] {
  const p: string[] = [];
  const ok = (cond: boolean, what: string) => void (cond || p.push(`${what}: ${JSON.stringify(e).slice(0, 300)}`));
  ok(typeof e.message === 'string' && e.message.trim() !== '', 'a message');
  ok(e.message.length < 2000, `a message of ${e.message.length} characters`);
  ok(!e.message.includes('[object '), 'a message without [object ...]');
  if (e.index === WHOLE_SETTING) {
    ok(e.name === undefined && e.message.includes(`"${TASKS_SETTING}"`), 'a whole-setting error names the setting');
    return p;
  }
  ok(Array.isArray(raw) && isInt(e.index, 0, (raw as unknown[]).length - 1), 'an index in range');
  if (!Array.isArray(raw) || !isInt(e.index, 0, raw.length - 1)) return p;
  const entry: unknown = raw[e.index];
  if (e.name !== undefined) {
    ok(ownName(entry) === e.name, "the error's name is the entry's own");
    ok(e.message.startsWith(`Task ${quote(e.name)}`), 'the message names the entry');
  } else {
    ok(e.message.startsWith(`${TASKS_SETTING}[${e.index}]`), 'the message gives the position');
  }
  if (e.field !== undefined && typeof entry === 'object' && entry !== null) {
    const head = e.field.split(/[.[]/)[0];
    ok(['name', 'command'].includes(e.field) || Object.hasOwn(entry, e.field) || Object.hasOwn(entry, head), `field ${e.field.slice(0, 60)} is in the entry`);
  }
  return p;
}

/**
 * Every entry of one setting gives a spec or errors at its index, never both: a spec comes from
 * the first entry that has its name.
 */
function coverageProblems(raw: unknown[], specs: readonly ProcessSpec[], errors: readonly DefinitionError[]): string[] {
  const p: string[] = [];
  const withErrors = new Set(errors.map((e) => e.index));
  const specNames = new Set(specs.map((s) => s.name));
  raw.forEach((entry, index) => {
    const name = ownName(entry);
    const first = raw.findIndex((other) => ownName(other) === name);
    const gaveSpec = typeof name === 'string' && specNames.has(name) && first === index;
    if (gaveSpec === withErrors.has(index)) p.push(`entry ${index} has ${gaveSpec ? 'a spec and errors' : 'neither a spec nor an error'}`);
  });
  return p;
}

function assertValidAnswer(set: DefinitionSet, raw: unknown, coverage = true): void {
  assert.ok(Array.isArray(set.specs) && Array.isArray(set.errors));
  const names = set.specs.map((s) => s.name);
  assert.equal(new Set(names).size, names.length, 'spec names are unique');
  const problems = [
    ...set.specs.flatMap((s) => specProblems(s).map((what) => `spec ${JSON.stringify(s.name).slice(0, 40)}: ${what}`)),
    ...graphProblems(set.specs),
    ...set.errors.flatMap((e) => errorProblems(e, raw)),
  ];
  if (raw === undefined || raw === null) assert.deepEqual(set, { specs: [], errors: [] });
  else if (!Array.isArray(raw)) assert.ok(set.specs.length === 0 && set.errors.length === 1 && set.errors[0].index === WHOLE_SETTING, 'a setting that is not an array is one whole-setting error');
  else if (coverage) problems.push(...coverageProblems(raw, set.specs, set.errors));
  assert.deepEqual(problems, []);
  assert.deepEqual(Object.keys(Object.prototype), [], 'Object.prototype was not polluted');
}

// ---------------------------------------------------------------------------------------------
// Generators.

const ODD_TEXT = ['', ' ', '\t', '${workspaceFolder}', '${env:HOME}', '${env:__proto__}', '${env:constructor}', '${env:}', '${instance}', '${unknown}', '${', '$${workspaceFolder}}', 'a\u0000b', '\uD800', '\uDFFF', '\u202Eevil', 'ﬁ', 'true', '3000', '-1', 'null', '__proto__', 'constructor'];
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_TEXT) },
);
const plainText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== '' && !s.includes('${'));
const NAMES = ['web', 'db', 'build', 'api', 'test', 'Web', 'wéb', '数据库', '🚀 rocket', 'a.b', 'x[0]', '__proto__', 'constructor', 'toString'];
/** Names a message must escape or shorten when it quotes them. */
const TRICKY_NAMES = ['say "hi"', 'back\\slash', 'tab\there', `long-${'n'.repeat(70)}`];
const nameArbOf = (pool: readonly string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: plainText });
const smallMs = fc.integer({ min: 0, max: 100_000 });
const jitter = fc.oneof(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }));
const multiplier = fc.double({ min: 1, max: 10, noNaN: true });

/** Keeps `maxDelayMs` at least `initialDelayMs`, counting the defaults for a missing one. */
function delaysInOrder<T extends { initialDelayMs?: number; maxDelayMs?: number }>(o: T, defaults: { initial: number; max: number }): T {
  const initial = o.initialDelayMs ?? defaults.initial;
  const max = o.maxDelayMs ?? defaults.max;
  if (max >= initial) return o;
  return o.maxDelayMs !== undefined ? { ...o, maxDelayMs: initial } : { ...o, initialDelayMs: max };
}

const retryArb = fc.record({ maxRetries: fc.nat(10), initialDelayMs: smallMs, maxDelayMs: smallMs, multiplier, jitter }, { requiredKeys: [] }).map((r) => delaysInOrder(r, { initial: 1000, max: 30_000 }));
const restartArb = fc
  .record(
    {
      policy: fc.constantFrom(...RESTART_MODES),
      successExitCodes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }),
      initialDelayMs: smallMs,
      maxDelayMs: smallMs,
      multiplier,
      jitter,
      resetAfterMs: smallMs,
      maxRestarts: fc.nat(20),
      windowMs: fc.integer({ min: 1, max: MAX_POLICY_MS }),
    },
    { requiredKeys: [] },
  )
  .map((r) => delaysInOrder(r, { initial: 500, max: 30_000 }));
const instancesArb = fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4)).map((n) => {
  const [min, initial, max] = n.sort((a, b) => a - b);
  return { min, initial, max: Math.max(max, 1) };
});
const timing = { intervalMs: fc.integer({ min: MIN_PROBE_INTERVAL_MS, max: 100_000 }), timeoutMs: fc.integer({ min: 1, max: 100_000 }), initialDelayMs: smallMs, failureThreshold: fc.integer({ min: 1, max: 10 }), successThreshold: fc.integer({ min: 1, max: 10 }) };
const livenessArb = fc.oneof(
  fc.record({ type: fc.constant('http'), url: fc.constantFrom('http://localhost:3000/', 'https://example.test/health', 'http://127.0.0.1:300${instance}/'), expectStatus: fc.integer({ min: 100, max: 599 }), ...timing }, { requiredKeys: ['type', 'url'] }),
  fc.record({ type: fc.constant('tcp'), port: fc.integer({ min: 1, max: 65535 }), host: fc.constantFrom('localhost', '127.0.0.1', '::1'), ...timing }, { requiredKeys: ['type', 'port'] }),
  fc.record({ type: fc.constant('exec'), command: fc.constantFrom('curl', 'pg_isready', '${workspaceFolder}/check.sh'), args: fc.array(text, { maxLength: 3 }), ...timing }, { requiredKeys: ['type', 'command'] }),
);
const readinessArb = fc.oneof(livenessArb, fc.record({ type: fc.constant('log'), pattern: fc.constantFrom('listening', '^ready$', 'port (\\d+)', 'é+') }));
const healthCheckArb = fc.record({ readiness: readinessArb, liveness: livenessArb }, { requiredKeys: [] });
const limitsArb = fc.record(
  {
    maxMemoryMB: fc.double({ min: 0.5, max: 1e6, noNaN: true }),
    maxCpuPercent: fc.double({ min: 0.5, max: 800, noNaN: true }),
    maxIdleMs: fc.integer({ min: 1, max: MAX_TIMER_MS }),
    maxErrorRate: fc.double({ min: 0.5, max: 1e4, noNaN: true }),
    onExceed: fc.constantFrom(...ON_EXCEED),
  },
  { requiredKeys: [] },
);
const envKey = fc.oneof(fc.constantFrom('PORT', 'NODE_ENV', 'API_TOKEN', '__proto__', 'constructor', 'toString', 'ÜMLAUT', 'a.b-c'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((k) => !k.includes('=') && !k.includes('\0')));
/** fromEntries: a `__proto__` key becomes an own property, as JSON.parse makes it. */
const envArb = fc.array(fc.tuple(envKey, text), { maxLength: 4 }).map((pairs) => Object.fromEntries(pairs));

/** One valid entry without its name and dependsOn: fields for the other kind are left out. */
const entryBodyArb = fc
  .record(
    {
      kind: fc.constantFrom('service', 'job'),
      command: fc.oneof(fc.constantFrom('node', 'npm', '/usr/bin/env', '${env:HOME}/bin/tool', '${workspaceFolder}/run.sh'), plainText),
      args: fc.array(text, { maxLength: 4 }),
      cwd: fc.constantFrom('.', 'sub', '/abs/dir', '${workspaceFolder}/x', '../up', 'dir with spaces/ünï'),
      env: envArb,
      envFile: fc.constantFrom('.env', '/etc/app.env', '${workspaceFolder}/.env.local'),
      shell: fc.boolean(),
      autoStart: fc.boolean(),
      priority: fc.constantFrom(...PRIORITIES),
      timeoutMs: fc.integer({ min: 1, max: MAX_TIMER_MS }),
      retry: retryArb,
      instances: instancesArb,
      idleTimeoutMs: fc.integer({ min: 1, max: MAX_TIMER_MS }),
      restart: restartArb,
      recovery: fc.record(Object.fromEntries(RECOVERABLE_CODES.map((code) => [code, fc.constantFrom(...RECOVERY_STRATEGIES)])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] }),
      healthCheck: healthCheckArb,
      limits: limitsArb,
    },
    { requiredKeys: ['kind', 'command'] },
  )
  .map((entry) => {
    const e: Record<string, unknown> = { ...entry };
    if (entry.kind === 'job') {
      for (const key of ['instances', 'idleTimeoutMs', 'restart', 'healthCheck']) delete e[key];
      if (entry.recovery) e.recovery = Object.fromEntries(Object.entries(entry.recovery).filter(([, s]) => s !== undefined && (JOB_STRATEGIES as readonly string[]).includes(s)));
      if (entry.limits?.onExceed === 'restart') e.limits = { ...entry.limits, onExceed: 'alert' };
    }
    return e;
  });

/** Valid entries with unique names; each may depend (by bare name) on entries before it, so no cycle. */
const validEntriesOf = (pool: readonly string[]) => fc.uniqueArray(nameArbOf(pool), { maxLength: 8 }).chain((names) =>
  fc.tuple(
    ...names.map((name, i) =>
      fc.tuple(entryBodyArb, fc.subarray(names.slice(0, i), { maxLength: Math.min(3, i) })).map(([body, deps]) => ({ name, ...body, ...(deps.length > 0 ? { dependsOn: deps } : {}) })),
    ),
  ),
);
const validEntriesArb = validEntriesOf([...NAMES, ...TRICKY_NAMES]);

const contextArb: fc.Arbitrary<DefinitionContext> = fc.record({
  workspaceFolder: fc.option(fc.constantFrom('/home/ada/project', '/ws/with space', '/ws/ünïcødé/数据', '/'), { nil: undefined }),
  env: fc.constantFrom<Record<string, string | undefined>>({}, { HOME: '/home/ada', PORT: '3000' }, JSON.parse('{"__proto__":"x","constructor":"y","HOME":""}')),
  homeDir: fc.constantFrom('/home/ada', '/root'),
});

/** Nested arrays and objects, `depth` deep, around a leaf. */
function nest(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { value };
  return value;
}

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const SWAPS: unknown[] = [-1, 0, -0, 1.5, 1e308, 2 ** 53, -(2 ** 53), MAX_TIMER_MS + 1, '', ' ', 'true', '3000', '1e3', null, [], {}, true, false, [[]], [{}], { name: 'x' }];

/** One way a hand edit goes wrong, applied at a slot (a key of some object or array in the setting). */
const mutationArb = fc.oneof(
  fc.record({ op: fc.constant('drop'), at: fc.nat() }),
  fc.record({ op: fc.constant('rename'), at: fc.nat(), how: fc.constantFrom('plural', 'upper', 'first-dropped', 'space', 'homoglyph', '__proto__', 'constructor') }),
  fc.record({ op: fc.constant('swap'), at: fc.nat(), value: fc.oneof(fc.constantFrom(...SWAPS), fc.jsonValue({ maxDepth: 3 })) }),
  fc.record({ op: fc.constant('huge'), at: fc.nat(), size: fc.constantFrom(100_000, 1_000_000), unit: fc.constantFrom('x', 'é😀', '${env:HOME}', ' ') }),
  fc.record({ op: fc.constant('nest'), at: fc.nat(), depth: fc.constantFrom(50, 300, 1000), leaf: fc.constantFrom<unknown>('node', 1, null, {}) }),
  fc.record({ op: fc.constant('unicode'), at: fc.nat(), value: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.constantFrom('\uD800', 'a\u0000b', '\u202E', '\uFEFF', 'ǅ')) }),
  fc.record({ op: fc.constant('protoKey'), at: fc.nat(), key: fc.constantFrom(...PROTO_KEYS), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ op: fc.constant('wrap'), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate'), at: fc.nat() }),
  fc.record({ op: fc.constant('replaceEntry'), at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

type Slot = { container: Record<string, unknown> | unknown[]; key: string | number };

/** Every (container, key) pair in the setting, outermost first. */
function slots(value: unknown, into: Slot[] = [], depth = 0): Slot[] {
  if (depth > 20 || typeof value !== 'object' || value === null) return into;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      into.push({ container: value, key: i });
      slots(item, into, depth + 1);
    });
  } else {
    for (const key of Object.keys(value)) {
      into.push({ container: value as Record<string, unknown>, key });
      slots((value as Record<string, unknown>)[key], into, depth + 1);
    }
  }
  return into;
}

function setOwn(container: Slot['container'], key: string | number, value: unknown): void {
  Object.defineProperty(container, key, { value, enumerable: true, configurable: true, writable: true });
}

/** Cyrillic letters that look like Latin ones. */
const HOMOGLYPHS: Record<string, string> = { a: '\u0430', e: '\u0435', i: '\u0456', o: '\u043e' };

function renamed(key: string, how: string): string {
  switch (how) {
    case 'plural': return `${key}s`;
    case 'upper': return key.toUpperCase();
    case 'first-dropped': return key.slice(1);
    case 'space': return ` ${key}`;
    case 'homoglyph': return key.replace(/[aeio]/, (c) => HOMOGLYPHS[c] ?? c);
    default: return how;
  }
}

/** Applies mutations to a JSON copy of `entries` (fast-check's values are never changed in place). */
function mutate(entries: unknown[], mutations: readonly Mutation[]): unknown[] {
  const raw = JSON.parse(JSON.stringify(entries)) as unknown[];
  for (const m of mutations) {
    if (m.op === 'duplicate') {
      if (raw.length > 0) raw.push(JSON.parse(JSON.stringify(raw[m.at % raw.length])));
      continue;
    }
    if (m.op === 'replaceEntry') {
      if (raw.length > 0) raw[m.at % raw.length] = m.value;
      else raw.push(m.value);
      continue;
    }
    const all = slots(raw);
    if (all.length === 0) continue;
    const { container, key } = all[m.at % all.length];
    const current = (container as Record<string | number, unknown>)[key];
    switch (m.op) {
      case 'drop':
        if (Array.isArray(container)) container.splice(key as number, 1);
        else delete container[key as string];
        break;
      case 'rename':
        if (!Array.isArray(container)) {
          delete container[key as string];
          setOwn(container, renamed(key as string, m.how), current);
        }
        break;
      case 'swap':
        setOwn(container, key, m.value);
        break;
      case 'huge':
        setOwn(container, key, m.unit.repeat(Math.ceil(m.size / m.unit.length)));
        break;
      case 'nest':
        setOwn(container, key, nest(m.depth, m.leaf));
        break;
      case 'unicode':
        setOwn(container, key, m.value);
        break;
      case 'protoKey': {
        // Into the object at the slot, or the one holding it.
        const target = typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as Record<string, unknown>) : container;
        setOwn(target, Array.isArray(target) ? target.length : m.key, m.value);
        break;
      }
      case 'wrap':
        setOwn(container, key, [current]);
        break;
    }
  }
  return raw;
}

/** Objects a caller (not settings.json) might pass: throwing getters, proxies, odd prototypes. */
const HOSTILE: Record<string, () => unknown> = {
  'throwing getter': () => Object.defineProperty({ command: 'node' }, 'name', { enumerable: true, get: () => { throw new Error('boom'); } }),
  'throwing getter on a field': () => Object.defineProperty({ name: '\u0001getter', command: 'node' }, 'args', { enumerable: true, get: () => { throw new Error('boom'); } }),
  'throwing proxy': () => new Proxy({ name: '\u0001p', command: 'node' }, { ownKeys: () => { throw new Error('boom'); }, get: () => { throw new Error('boom'); } }),
  'revoked proxy': () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; },
  'null prototype': () => Object.assign(Object.create(null), { name: '\u0001np', command: 'node', env: Object.assign(Object.create(null), { A: '1' }) }),
  'class instance': () => new (class Task { name = '\u0001ci'; command = 'node'; })(),
  'symbol keys and values': () => ({ name: '\u0001sym', command: 'node', [Symbol('x')]: 1, args: [Symbol.iterator as unknown as string] }),
  'bigint and function values': () => ({ name: '\u0001big', command: 'node', timeoutMs: 10n, retry: () => 3, env: { A: 1n } }),
  'NaN and Infinity': () => ({ name: '\u0001nan', command: 'node', timeoutMs: NaN, retry: { maxRetries: Infinity, multiplier: NaN }, instances: { min: -Infinity } }),
  'undefined values': () => ({ name: '\u0001u', command: 'node', args: undefined, cwd: undefined, env: { A: undefined } }),
  'Date, Map, Set': () => ({ name: '\u0001dms', command: 'node', env: new Map([['A', '1']]), args: new Set(['a']), cwd: new Date(0) }),
  'sparse array': () => ({ name: '\u0001sparse', command: 'node', args: Array.from({ length: 3 }).fill('a', 1) }),
  'array with extra keys': () => Object.assign(['a'], { name: '\u0001arr', command: 'node' }),
  'getter on an array entry': () => Object.defineProperty([], 0, { get: () => { throw new Error('boom'); }, enumerable: true }),
  'frozen entry': () => Object.freeze({ name: '\u0001frozen', command: 'node', env: Object.freeze({ A: 'b' }) }),
  'a boxed string': () => Object('node'),
};

// ---------------------------------------------------------------------------------------------

describe('definition validator fuzz', () => {
  test('arbitrary values as the whole setting or as its entries: never throws, valid answer', { timeout: 120_000 }, () => {
    const anything = fc.anything({ maxDepth: 3, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withUnicodeString: true });
    const setting = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }),
      fc.array(fc.object({ maxDepth: 2, key: fc.oneof(fc.constantFrom('name', 'command', 'kind', 'args', 'env', 'dependsOn', '__proto__'), fc.string()) }), { maxLength: 6 }),
      anything,
      fc.array(anything, { maxLength: 4 }),
    );
    check(fc.property(setting, contextArb, (raw, ctx) => assertValidAnswer(timed(() => parseDefinitions(raw, ctx)), raw)));
  });

  test('valid definitions are accepted whole, each as written', { timeout: 120_000 }, () => {
    const folder = contextArb.filter((ctx) => ctx.workspaceFolder !== undefined);
    check(
      fc.property(validEntriesArb, folder, (entries, ctx) => {
        const set = timed(() => parseDefinitions(entries, ctx));
        assert.deepEqual(set.errors, []);
        assert.deepEqual(set.specs.map((s) => s.name), entries.map((e) => e.name));
        assertValidAnswer(set, entries);
      }),
    );
  });

  test('mutated valid definitions: never throws, never changes its input, valid specs or located errors', { timeout: 120_000 }, () => {
    check(
      fc.property(validEntriesArb, fc.array(mutationArb, { minLength: 1, maxLength: 5 }), contextArb, (entries, mutations, ctx) => {
        const raw = mutate(entries, mutations);
        const before = JSON.stringify(raw);
        const set = timed(() => parseDefinitions(raw, ctx));
        assert.equal(JSON.stringify(raw), before, 'the setting was not changed');
        assertValidAnswer(set, raw);
      }),
    );
  });

  test('hostile objects among valid entries: never throws, the others still read', { timeout: 60_000 }, () => {
    check(
      fc.property(validEntriesArb, fc.array(fc.tuple(fc.constantFrom(...Object.keys(HOSTILE)), fc.nat()), { minLength: 1, maxLength: 3 }), contextArb, (entries, hostile, ctx) => {
        const raw: unknown[] = [...entries];
        for (const [kind, at] of hostile) raw.splice(at % (raw.length + 1), 0, HOSTILE[kind]());
        const set = timed(() => parseDefinitions(raw, ctx));
        // Coverage is not checked: reading a hostile entry's name for the check would throw too.
        assertValidAnswer(set, raw, false);
        assert.ok(set.errors.every((e) => e.index >= 0), 'one bad entry never spoils the whole setting');
        // Hostile entries are named with a control character, which no valid name here has.
        const validRead = entries.every((e) => set.specs.some((s) => s.name === e.name) || set.errors.some((x) => x.name === e.name));
        assert.ok(validRead, 'every valid entry still gives a spec (or, with no folder open, its own error)');
      }),
      Math.min(RUNS, 500),
    );
    // A setting that throws as a whole is one whole-setting error.
    const throwing = new Proxy([], { get: () => { throw new Error('boom'); } });
    const set = parseDefinitions(throwing, { workspaceFolder: '/w', env: {}, homeDir: '/h' });
    assert.deepEqual(set.specs, []);
    assert.equal(set.errors.length, 1);
    assert.equal(set.errors[0].index, WHOLE_SETTING);
  });

  test('several folders (parseSources): names unique in the window, errors tagged with their folder and index', { timeout: 120_000 }, () => {
    const FOLDERS = [undefined, '/ws/b', '/ws/c ü'];
    const sourcesArb = fc.array(fc.tuple(validEntriesArb, fc.array(mutationArb, { maxLength: 3 })), { minLength: 1, maxLength: 3 });
    check(
      fc.property(sourcesArb, contextArb, (parts, ctx) => {
        const sources: DefinitionSource[] = parts.map(([entries, mutations], i) => ({
          raw: mutate(entries, mutations),
          folder: FOLDERS[i],
          workspaceFolder: FOLDERS[i] ?? '/ws/a',
        }));
        const set = timed(() => parseSources(sources, { env: ctx.env, homeDir: ctx.homeDir }));
        const names = set.specs.map((s) => s.name);
        assert.equal(new Set(names).size, names.length, 'names are unique in the window');
        const problems = [...set.specs.flatMap((s) => specProblems(s)), ...graphProblems(set.specs)];
        for (const e of set.errors) {
          const source = sources.find((s) => s.folder === e.folder);
          assert.ok(source, `the error's folder ${e.folder} is one of the sources`);
          problems.push(...errorProblems(e, source.raw));
        }
        assert.deepEqual(problems, []);
        // Every spec came from an entry of one of the sources.
        for (const spec of set.specs) {
          const from = sources.find((s) => Array.isArray(s.raw) && s.raw.some((entry) => ownName(entry) === spec.name));
          assert.ok(from, `${spec.name} comes from a source`);
        }
      }),
      Math.min(RUNS, 1000),
    );
  });

  test('a name repeated across folders is quoted and shortened in its message like any other', () => {
    for (const name of TRICKY_NAMES) {
      const sources: DefinitionSource[] = ['/ws/a', '/ws/b'].map((folder) => ({ raw: [{ name, command: 'node' }], folder, workspaceFolder: folder }));
      const set = parseSources(sources, { env: {}, homeDir: '/h' });
      assert.equal(set.errors.length, 1);
      assert.deepEqual(errorProblems(set.errors[0], sources[1].raw), []);
    }
  });
});
