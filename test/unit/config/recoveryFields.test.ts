import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import { RECOVERABLE_CODES, RECOVERY_STRATEGIES, RESTART_FIELDS, RESTART_MODES } from '../../../src/config/recoveryFields';
import { DEFAULT_JOB_RESTART, DEFAULT_SERVICE_RESTART } from '../../../src/core/defaults';
import packageJson from '../../../package.json';
import { ctx, specWith, messagesWith } from './entryHelpers';

function errorsWith(fields: Record<string, unknown>): [string | undefined, string][] {
  const set = parseDefinitions([{ name: 'web', command: 'x', ...fields }], ctx);
  assert.equal(set.specs.length, 0, 'an entry with errors gives no spec');
  return set.errors.map((e) => [e.field, e.message]);
}

describe('restart', () => {
  test("absent: a service restarts on failure, a job never, wherever \"kind\" is written", () => {
    assert.deepEqual(specWith({}).restart, DEFAULT_SERVICE_RESTART);
    assert.deepEqual(specWith({ kind: 'job' }).restart, DEFAULT_JOB_RESTART);
    const [jobFirst] = parseDefinitions([{ kind: 'job', name: 'a', command: 'x' }], ctx).specs;
    assert.deepEqual(jobFirst.restart, DEFAULT_JOB_RESTART);
    assert.notEqual(specWith({}).restart.successExitCodes, DEFAULT_SERVICE_RESTART.successExitCodes, 'each spec has its own array');
  });

  test('keeps every field that is set', () => {
    const restart = { policy: 'always', successExitCodes: [143, 0], initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, jitter: 0.5, resetAfterMs: 0, maxRestarts: 0, windowMs: 1 };
    assert.deepEqual(specWith({ restart }).restart, restart);
  });

  test("fills missing fields from a service's defaults", () => {
    assert.deepEqual(specWith({ restart: {} }).restart, DEFAULT_SERVICE_RESTART);
    assert.deepEqual(specWith({ restart: { policy: 'never' } }).restart, { ...DEFAULT_SERVICE_RESTART, policy: 'never' });
    assert.deepEqual(specWith({ restart: { maxRestarts: 10, windowMs: 300_000 } }).restart, { ...DEFAULT_SERVICE_RESTART, maxRestarts: 10, windowMs: 300_000 });
  });

  test('jitter: true is 0.2, false is none, else a fraction', () => {
    assert.equal(specWith({ restart: { jitter: true } }).restart.jitter, 0.2);
    assert.equal(specWith({ restart: { jitter: false } }).restart.jitter, 0);
    assert.equal(specWith({ restart: { jitter: 0.35 } }).restart.jitter, 0.35);
  });

  test('every bad field is reported, in a fixed order, with unknown fields last', () => {
    const restart = { maxRestart: 3, windowMs: 0, maxRestarts: -1, resetAfterMs: 1.5, jitter: 20, multiplier: 0.5, initialDelayMs: -1, successExitCodes: [1, 256, '3'], policy: 'onfailure' };
    assert.deepEqual(errorsWith({ restart }), [
      ['restart.policy', 'Task "web": "restart.policy" must be "never", "on-failure" or "always"; got "onfailure" (did you mean "on-failure"?).'],
      ['restart.successExitCodes[1]', 'Task "web": "restart.successExitCodes[1]" must be a whole number from 0 to 255; got 256.'],
      ['restart.successExitCodes[2]', 'Task "web": "restart.successExitCodes[2]" must be a whole number from 0 to 255; got "3" (remove the quotes).'],
      ['restart.initialDelayMs', 'Task "web": "restart.initialDelayMs" must be a whole number from 0 to 86400000; got -1.'],
      ['restart.multiplier', 'Task "web": "restart.multiplier" must be a number from 1 to 10; got 0.5.'],
      ['restart.jitter', 'Task "web": "restart.jitter" must be true, false or a fraction from 0 to 1; got 20 (for 20% write 0.2).'],
      ['restart.resetAfterMs', 'Task "web": "restart.resetAfterMs" must be a whole number from 0 to 86400000; got 1.5.'],
      ['restart.maxRestarts', 'Task "web": "restart.maxRestarts" must be a whole number from 0 to 1000; got -1.'],
      ['restart.windowMs', 'Task "web": "restart.windowMs" must be a whole number from 1 to 86400000; got 0.'],
      ['restart.maxRestart', 'Task "web": "restart" has an unknown field "maxRestart" (did you mean "maxRestarts"?).'],
    ]);
  });

  test('policy: anything but the three modes', () => {
    assert.deepEqual(messagesWith({ restart: { policy: 'unless-stopped' } }), [
      'Task "web": "restart.policy" must be "never", "on-failure" or "always"; got "unless-stopped".',
    ]);
    assert.deepEqual(messagesWith({ restart: { policy: null } }), ['Task "web": "restart.policy" must be "never", "on-failure" or "always"; got null.']);
  });

  test('successExitCodes must be an array, with a hint for a bare code', () => {
    assert.deepEqual(messagesWith({ restart: { successExitCodes: 143 } }), [
      'Task "web": "restart.successExitCodes" must be an array of exit codes from 0 to 255, such as [143]; got a number (write [143]).',
    ]);
    assert.deepEqual(messagesWith({ restart: { successExitCodes: '0' } }), [
      'Task "web": "restart.successExitCodes" must be an array of exit codes from 0 to 255, such as [143]; got a string.',
    ]);
  });

  test('maxDelayMs must be at least initialDelayMs, defaults named as such', () => {
    assert.deepEqual(messagesWith({ restart: { initialDelayMs: 5000, maxDelayMs: 1000 } }), [
      'Task "web": "restart.maxDelayMs" (1000) must be at least "restart.initialDelayMs" (5000).',
    ]);
    assert.deepEqual(errorsWith({ restart: { maxDelayMs: 100 } }), [
      ['restart.maxDelayMs', 'Task "web": "restart.maxDelayMs" (100) must be at least "restart.initialDelayMs" (500 by default).'],
    ]);
    assert.deepEqual(errorsWith({ restart: { initialDelayMs: 60_000 } }), [
      ['restart.initialDelayMs', 'Task "web": "restart.maxDelayMs" (30000 by default) must be at least "restart.initialDelayMs" (60000).'],
    ]);
  });

  test('delays and windows must fit a timer', () => {
    assert.deepEqual(messagesWith({ restart: { windowMs: 1e12 } }), [
      'Task "web": "restart.windowMs" must be a whole number from 1 to 86400000; got 1000000000000 (at most one day).',
    ]);
  });

  test('must be an object, with a hint for a bare policy', () => {
    assert.deepEqual(messagesWith({ restart: 'always' }), [
      'Task "web": "restart" must be an object such as { "policy": "always" }; got a string (write { "policy": "always" }).',
    ]);
    assert.deepEqual(messagesWith({ restart: true }), ['Task "web": "restart" must be an object such as { "policy": "always" }; got a boolean.']);
    assert.deepEqual(messagesWith({ restart: [] }), ['Task "web": "restart" must be an object such as { "policy": "always" }; got an array.']);
  });

  test('is for services only, wherever "kind" is written', () => {
    assert.deepEqual(errorsWith({ restart: { policy: 'always' }, kind: 'job' }), [['restart', 'Task "web": "restart" is for services; for a job, use "retry".']]);
    assert.equal(specWith({ kind: 'service', restart: { policy: 'always' } }).restart.policy, 'always');
  });
});

describe('recovery', () => {
  test('absent: none set, so every failure restarts by the restart or retry policy', () => {
    assert.deepEqual(specWith({}).recovery, {});
    assert.deepEqual(specWith({ recovery: {} }).recovery, {});
  });

  test('keeps a strategy per error code', () => {
    const recovery = { crashed: 'restart', 'exit-code': 'notify', timeout: 'none', 'resource-exhausted': 'scaleDown', hung: 'replace' };
    assert.deepEqual(specWith({ recovery }).recovery, recovery);
    assert.deepEqual(specWith({ recovery: { crashed: 'scaleUp' } }).recovery, { crashed: 'scaleUp' });
  });

  test('a job may restart (by its retry), notify or do nothing', () => {
    const recovery = { crashed: 'restart', 'exit-code': 'notify', timeout: 'none' };
    assert.deepEqual(specWith({ kind: 'job', recovery }).recovery, recovery);
  });

  test('a job cannot replace or scale, wherever "kind" is written', () => {
    assert.deepEqual(errorsWith({ recovery: { crashed: 'replace', timeout: 'scaleUp', hung: 'none' }, kind: 'job' }), [
      ['recovery.crashed', 'Task "web": "recovery.crashed": "replace" is for services; a job can use "restart" (runs its "retry"), "notify" or "none".'],
      ['recovery.timeout', 'Task "web": "recovery.timeout": "scaleUp" is for services; a job can use "restart" (runs its "retry"), "notify" or "none".'],
    ]);
  });

  test('strategies must be one of six, with a suggestion when close', () => {
    assert.deepEqual(errorsWith({ recovery: { crashed: 'restrat', hung: 'scaleup', timeout: 5 } }), [
      ['recovery.crashed', 'Task "web": "recovery.crashed" must be "restart", "replace", "scaleUp", "scaleDown", "notify" or "none"; got "restrat" (did you mean "restart"?).'],
      ['recovery.hung', 'Task "web": "recovery.hung" must be "restart", "replace", "scaleUp", "scaleDown", "notify" or "none"; got "scaleup" (did you mean "scaleUp"?).'],
      ['recovery.timeout', 'Task "web": "recovery.timeout" must be "restart", "replace", "scaleUp", "scaleDown", "notify" or "none"; got a number.'],
    ]);
  });

  test('unknown error codes: a suggestion when close, else the list', () => {
    assert.deepEqual(messagesWith(JSON.parse('{"recovery":{"crash":"restart","exitCode":"none","oom":"restart","__proto__":"none"}}')), [
      'Task "web": "recovery" has an unknown error code "crash" (did you mean "crashed"?).',
      'Task "web": "recovery" has an unknown error code "exitCode" (did you mean "exit-code"?).',
      'Task "web": "recovery" has an unknown error code "oom"; use "crashed", "exit-code", "timeout", "resource-exhausted" or "hung".',
      'Task "web": "recovery" has an unknown error code "__proto__"; use "crashed", "exit-code", "timeout", "resource-exhausted" or "hung".',
    ]);
  });

  test('failures that are never restarted cannot be set, and say why', () => {
    const recovery = { 'spawn-failed': 'restart', permission: 'restart', 'dependency-failed': 'restart', canceled: 'restart', 'crash-loop': 'restart' };
    assert.deepEqual(errorsWith({ recovery }), [
      ['recovery.spawn-failed', 'Task "web": "recovery" cannot set "spawn-failed": a command that could not start is never restarted; fix the command.'],
      ['recovery.permission', 'Task "web": "recovery" cannot set "permission": a command the system refused to run is never restarted; fix its permissions.'],
      ['recovery.dependency-failed', 'Task "web": "recovery" cannot set "dependency-failed": a run whose dependency failed is never restarted; recover the dependency.'],
      ['recovery.canceled', 'Task "web": "recovery" cannot set "canceled": a run stopped on request is never restarted.'],
      ['recovery.crash-loop', 'Task "web": "recovery" cannot set "crash-loop": a run that gave up is never restarted; raise "restart.maxRestarts" instead.'],
    ]);
  });

  test('caller mistakes cannot be set: they are rejected requests, never process failures', () => {
    const recovery = { 'not-found': 'restart', 'invalid-state': 'restart', 'limit-reached': 'restart', 'invalid-argument': 'restart' };
    assert.deepEqual(errorsWith({ recovery }), [
      ['recovery.not-found', 'Task "web": "recovery" cannot set "not-found": an unknown name is a rejected request, never a process failure.'],
      ['recovery.invalid-state', 'Task "web": "recovery" cannot set "invalid-state": an action asked of a run in the wrong state is a rejected request, never a process failure.'],
      ['recovery.limit-reached', 'Task "web": "recovery" cannot set "limit-reached": a scale beyond "instances" is a rejected request, never a process failure.'],
      ['recovery.invalid-argument', 'Task "web": "recovery" cannot set "invalid-argument": a bad argument is a rejected request, never a process failure.'],
    ]);
  });

  test('must be an object, with a hint for a bare strategy', () => {
    assert.deepEqual(messagesWith({ recovery: 'restart' }), [
      'Task "web": "recovery" must be an object such as { "crashed": "restart", "hung": "replace" }; got a string (set it per failure, e.g. { "crashed": "restart" }).',
    ]);
    assert.deepEqual(messagesWith({ recovery: null }), ['Task "web": "recovery" must be an object such as { "crashed": "restart", "hung": "replace" }; got null.']);
  });
});

describe('package.json schema for restart and recovery', () => {
  const fields = packageJson.contributes.configuration.properties['devProcesses.tasks'].items.properties;
  const { restart, recovery } = fields;

  test("restart lists the validator's fields, its defaults and its policies", () => {
    assert.deepEqual(Object.keys(restart.properties).sort(), [...RESTART_FIELDS].sort());
    assert.equal(restart.additionalProperties, false);
    const defaults = Object.fromEntries(RESTART_FIELDS.map((key) => [key, restart.properties[key].default]));
    assert.deepEqual(defaults, DEFAULT_SERVICE_RESTART);
    assert.equal(restart.properties.policy.enumDescriptions.length, RESTART_MODES.length);
    assert.deepEqual(specWith({ restart: restart.default }).restart, { ...DEFAULT_SERVICE_RESTART, ...restart.default });
  });

  test('recovery lists the recoverable codes, each with every strategy described', () => {
    assert.deepEqual(Object.keys(recovery.properties), RECOVERABLE_CODES);
    assert.equal(recovery.additionalProperties, false);
    for (const code of RECOVERABLE_CODES) {
      const strategy: { enum: string[]; enumDescriptions: string[]; default: string } = recovery.properties[code as keyof typeof recovery.properties];
      assert.equal(strategy.enumDescriptions.length, RECOVERY_STRATEGIES.length, code);
      assert.equal(strategy.default, 'restart', code);
    }
    assert.deepEqual(specWith({ recovery: recovery.default }).recovery, recovery.default);
  });

  test('numeric bounds match the validator: the bound passes, one past it fails', () => {
    // Delays far apart, so that each value is judged alone and not against the other delay.
    const around = { initialDelayMs: 0, maxDelayMs: 86_400_000 };
    const valid = (key: string, n: unknown) => parseDefinitions([{ name: 'a', command: 'x', restart: { ...around, [key]: n } }], ctx).errors.length === 0;
    for (const key of RESTART_FIELDS.filter((k) => !['policy', 'successExitCodes', 'jitter'].includes(k))) {
      const { minimum, maximum } = restart.properties[key] as { minimum: number; maximum?: number };
      assert.ok(valid(key, minimum) && !valid(key, minimum - 1), `${key} minimum`);
      assert.ok(maximum !== undefined && valid(key, maximum) && !valid(key, maximum + 1), `${key} maximum`);
    }
    const code = restart.properties.successExitCodes.items;
    const validCode = (n: number) => valid('successExitCodes', [n]);
    assert.ok(validCode(code.minimum) && !validCode(code.minimum - 1) && validCode(code.maximum) && !validCode(code.maximum + 1));
    assert.deepEqual([restart.properties.jitter.oneOf[1].minimum, restart.properties.jitter.oneOf[1].maximum], [0, 1]);
  });
});
