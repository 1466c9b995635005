import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_AUTOMATIC_CONCURRENCY, parseDefinitions, readMaxConcurrent } from '../../../src/config/definitions';
import { ctx, specWith, messagesWith } from './entryHelpers';

const DEFAULT_RETRY_VALUES = { maxRetries: 0, initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 };

describe('priority', () => {
  test('takes each of the four priorities, normal by default', () => {
    for (const priority of ['low', 'normal', 'high', 'critical']) assert.equal(specWith({ priority }).priority, priority);
    assert.equal(specWith({}).priority, 'normal');
  });

  test('anything else is an error, with a suggestion when close', () => {
    assert.deepEqual(messagesWith({ priority: 'urgent' }), ['Task "web": "priority" must be "low", "normal", "high" or "critical"; got "urgent".']);
    assert.deepEqual(messagesWith({ priority: 'High' }), [
      'Task "web": "priority" must be "low", "normal", "high" or "critical"; got "High" (did you mean "high"?).',
    ]);
    assert.deepEqual(messagesWith({ priority: 2 }), ['Task "web": "priority" must be "low", "normal", "high" or "critical"; got a number.']);
  });
});

describe('timeoutMs', () => {
  test('an integer from 1 up to the largest timer delay; none when absent', () => {
    assert.equal(specWith({ timeoutMs: 1 }).timeoutMs, 1);
    assert.equal(specWith({ timeoutMs: 2_147_483_647 }).timeoutMs, 2_147_483_647);
    assert.equal(specWith({}).timeoutMs, undefined);
    assert.ok(!Object.hasOwn(specWith({}), 'timeoutMs'));
  });

  test('errors show the value, and a hint for a quoted number', () => {
    assert.deepEqual(messagesWith({ timeoutMs: 0 }), ['Task "web": "timeoutMs" must be a whole number, at least 1; got 0.']);
    assert.deepEqual(messagesWith({ timeoutMs: -5 }), ['Task "web": "timeoutMs" must be a whole number, at least 1; got -5.']);
    assert.deepEqual(messagesWith({ timeoutMs: 1.5 }), ['Task "web": "timeoutMs" must be a whole number, at least 1; got 1.5.']);
    assert.deepEqual(messagesWith({ timeoutMs: '5000' }), ['Task "web": "timeoutMs" must be a whole number, at least 1; got "5000" (remove the quotes).']);
    assert.deepEqual(messagesWith({ timeoutMs: null }), ['Task "web": "timeoutMs" must be a whole number, at least 1; got null.']);
  });

  test('a delay a timer cannot hold is an error, not a timeout that fires at once', () => {
    assert.deepEqual(messagesWith({ timeoutMs: 2_147_483_648 }), [
      'Task "web": "timeoutMs" must be at most 2147483647 (about 24 days); got 2147483648.',
    ]);
  });
});

describe('retry', () => {
  test('absent: no retries, with the default timing', () => {
    assert.deepEqual(specWith({}).retry, DEFAULT_RETRY_VALUES);
  });

  test('keeps every field that is set', () => {
    const retry = { maxRetries: 5, initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, jitter: 0.5 };
    assert.deepEqual(specWith({ retry }).retry, retry);
  });

  test('fills missing fields from the defaults; an empty object means no retries', () => {
    assert.deepEqual(specWith({ retry: { maxRetries: 3 } }).retry, { ...DEFAULT_RETRY_VALUES, maxRetries: 3 });
    assert.deepEqual(specWith({ retry: { maxRetries: 2, multiplier: 1.5 } }).retry, { ...DEFAULT_RETRY_VALUES, maxRetries: 2, multiplier: 1.5 });
    assert.deepEqual(specWith({ retry: {} }).retry, DEFAULT_RETRY_VALUES);
  });

  test('jitter: true is 0.2, false and 0 are none, else a fraction 0-1', () => {
    const jitterOf = (jitter: unknown) => specWith({ retry: { jitter } }).retry.jitter;
    assert.equal(jitterOf(true), 0.2);
    assert.equal(jitterOf(false), 0);
    assert.equal(jitterOf(0), 0);
    assert.equal(jitterOf(-0), 0);
    assert.equal(jitterOf(0.35), 0.35);
    assert.equal(jitterOf(1), 1);
  });

  test('jitter out of range, with a hint for a percentage', () => {
    assert.deepEqual(messagesWith({ retry: { jitter: 20 } }), [
      'Task "web": "retry.jitter" must be true, false or a fraction from 0 to 1; got 20 (for 20% write 0.2).',
    ]);
    assert.deepEqual(messagesWith({ retry: { jitter: -0.1 } }), ['Task "web": "retry.jitter" must be true, false or a fraction from 0 to 1; got -0.1.']);
    assert.deepEqual(messagesWith({ retry: { jitter: '0.2' } }), [
      'Task "web": "retry.jitter" must be true, false or a fraction from 0 to 1; got "0.2" (remove the quotes).',
    ]);
  });

  test('every bad field is reported, in a fixed order, with unknown fields last', () => {
    const errors = parseDefinitions([{ name: 'web', command: 'x', retry: { maxretries: 3, multiplier: 0.5, maxRetries: -1, initialDelayMs: 1.5 } }], ctx).errors;
    assert.deepEqual(errors.map((e) => [e.field, e.message]), [
      ['retry.maxRetries', 'Task "web": "retry.maxRetries" must be a whole number from 0 to 100; got -1.'],
      ['retry.initialDelayMs', 'Task "web": "retry.initialDelayMs" must be a whole number from 0 to 86400000; got 1.5.'],
      ['retry.multiplier', 'Task "web": "retry.multiplier" must be a number from 1 to 10; got 0.5.'],
      ['retry.maxretries', 'Task "web": "retry" has an unknown field "maxretries" (did you mean "maxRetries"?).'],
    ]);
  });

  test('delays must fit a timer', () => {
    assert.deepEqual(messagesWith({ retry: { maxDelayMs: 1e12 } }), [
      'Task "web": "retry.maxDelayMs" must be a whole number from 0 to 86400000; got 1000000000000 (at most one day).',
    ]);
  });

  test('maxDelayMs must be at least initialDelayMs, defaults named as such', () => {
    assert.deepEqual(messagesWith({ retry: { initialDelayMs: 5000, maxDelayMs: 1000 } }), [
      'Task "web": "retry.maxDelayMs" (1000) must be at least "retry.initialDelayMs" (5000).',
    ]);
    assert.deepEqual(parseDefinitions([{ name: 'web', command: 'x', retry: { maxDelayMs: 500 } }], ctx).errors, [
      { index: 0, name: 'web', field: 'retry.maxDelayMs', message: 'Task "web": "retry.maxDelayMs" (500) must be at least "retry.initialDelayMs" (1000 by default).' },
    ]);
    assert.deepEqual(parseDefinitions([{ name: 'web', command: 'x', retry: { initialDelayMs: 60_000 } }], ctx).errors, [
      { index: 0, name: 'web', field: 'retry.initialDelayMs', message: 'Task "web": "retry.maxDelayMs" (30000 by default) must be at least "retry.initialDelayMs" (60000).' },
    ]);
    assert.equal(specWith({ retry: { initialDelayMs: 700, maxDelayMs: 700 } }).retry.maxDelayMs, 700);
  });

  test('must be an object, with a hint for a bare count', () => {
    assert.deepEqual(messagesWith({ retry: 3 }), ['Task "web": "retry" must be an object such as { "maxRetries": 3 }; got a number (write { "maxRetries": 3 }).']);
    assert.deepEqual(messagesWith({ retry: true }), ['Task "web": "retry" must be an object such as { "maxRetries": 3 }; got a boolean.']);
    assert.deepEqual(messagesWith({ retry: [] }), ['Task "web": "retry" must be an object such as { "maxRetries": 3 }; got an array.']);
  });
});

describe('instances', () => {
  test('missing fields: min 1, initial = min, max = the largest of min, initial and 1', () => {
    const cases: [Record<string, number>, { min: number; max: number; initial: number }][] = [
      [{}, { min: 1, max: 1, initial: 1 }],
      [{ min: 0 }, { min: 0, max: 1, initial: 0 }],
      [{ min: 2 }, { min: 2, max: 2, initial: 2 }],
      [{ max: 3 }, { min: 1, max: 3, initial: 1 }],
      [{ initial: 3 }, { min: 1, max: 3, initial: 3 }],
      [{ min: 0, initial: 2 }, { min: 0, max: 2, initial: 2 }],
      [{ min: 0, max: 4, initial: 0 }, { min: 0, max: 4, initial: 0 }],
      [{ min: 2, max: 5, initial: 3 }, { min: 2, max: 5, initial: 3 }],
    ];
    for (const [instances, expected] of cases) assert.deepEqual(specWith({ instances }).instances, expected, JSON.stringify(instances));
    assert.deepEqual(specWith({}).instances, { min: 1, max: 1, initial: 1 });
  });

  test('min, max and initial must agree', () => {
    assert.deepEqual(messagesWith({ instances: { min: 4, max: 2 } }), ['Task "web": "instances.min" (4) must be at most "instances.max" (2).']);
    assert.deepEqual(messagesWith({ instances: { initial: 0 } }), ['Task "web": "instances.initial" (0) must be at least "instances.min" (1 by default).']);
    assert.deepEqual(messagesWith({ instances: { min: 2, initial: 1, max: 3 } }), ['Task "web": "instances.initial" (1) must be at least "instances.min" (2).']);
    assert.deepEqual(messagesWith({ instances: { max: 2, initial: 3 } }), ['Task "web": "instances.initial" (3) must be at most "instances.max" (2).']);
  });

  test('each field must be a whole number in range; unknown fields are errors', () => {
    assert.deepEqual(messagesWith({ instances: { min: -1, max: 0, initial: 1.5, mx: 2 } }), [
      'Task "web": "instances.min" must be a whole number from 0 to 64; got -1.',
      'Task "web": "instances.max" must be a whole number from 1 to 64; got 0.',
      'Task "web": "instances.initial" must be a whole number from 0 to 64; got 1.5.',
      'Task "web": "instances" has an unknown field "mx" (did you mean "max"?).',
    ]);
  });

  test('must be an object, with a hint for a bare count', () => {
    assert.deepEqual(messagesWith({ instances: 3 }), [
      'Task "web": "instances" must be an object such as { "min": 1, "max": 3 }; got a number (for a fixed count write { "min": 3, "max": 3 }).',
    ]);
    assert.deepEqual(messagesWith({ instances: '2' }), ['Task "web": "instances" must be an object such as { "min": 1, "max": 3 }; got a string.']);
  });

  test('is for services only, wherever "kind" is written in the entry', () => {
    assert.deepEqual(parseDefinitions([{ name: 'web', command: 'x', instances: { max: 2 }, kind: 'job' }], ctx).errors, [
      { index: 0, name: 'web', field: 'instances', message: 'Task "web": "instances" is for services; use several jobs.' },
    ]);
    assert.deepEqual(specWith({ instances: { max: 2 }, kind: 'service' }).instances, { min: 1, max: 2, initial: 1 });
  });

  test('a job keeps a single instance', () => {
    assert.deepEqual(specWith({ kind: 'job' }).instances, { min: 1, max: 1, initial: 1 });
  });
});

describe('idleTimeoutMs', () => {
  test('an integer >= 1 on a service; none when absent', () => {
    assert.equal(specWith({ idleTimeoutMs: 60_000 }).idleTimeoutMs, 60_000);
    assert.equal(specWith({ idleTimeoutMs: 1, kind: 'service' }).idleTimeoutMs, 1);
    assert.equal(specWith({}).idleTimeoutMs, undefined);
  });

  test('invalid values and jobs are errors', () => {
    assert.deepEqual(messagesWith({ idleTimeoutMs: 0 }), ['Task "web": "idleTimeoutMs" must be a whole number, at least 1; got 0.']);
    assert.deepEqual(messagesWith({ idleTimeoutMs: 1000, kind: 'job' }), ['Task "web": "idleTimeoutMs" is for services; for a job, use "timeoutMs".']);
  });

  test('a job with both service-only fields gets both errors', () => {
    assert.deepEqual(messagesWith({ kind: 'job', idleTimeoutMs: -1, instances: { max: 2 } }), [
      'Task "web": "idleTimeoutMs" must be a whole number, at least 1; got -1.',
      'Task "web": "instances" is for services; use several jobs.',
      'Task "web": "idleTimeoutMs" is for services; for a job, use "timeoutMs".',
    ]);
  });
});

describe('maxOutputMBps', () => {
  test('a number of at least 0.1, for services and jobs; no cap when absent', () => {
    assert.equal(specWith({ maxOutputMBps: 20 }).maxOutputMBps, 20);
    assert.equal(specWith({ maxOutputMBps: 0.5, kind: 'job' }).maxOutputMBps, 0.5);
    assert.equal(specWith({}).maxOutputMBps, undefined);
  });

  test('anything else is an error; a tiny number hints at the unit', () => {
    assert.deepEqual(messagesWith({ maxOutputMBps: 0 }), ['Task "web": "maxOutputMBps" must be a number, at least 0.1; got 0.']);
    assert.deepEqual(messagesWith({ maxOutputMBps: '5' }), ['Task "web": "maxOutputMBps" must be a number, at least 0.1; got "5" (remove the quotes).']);
    assert.deepEqual(messagesWith({ maxOutputMBps: 0.001 }), [
      'Task "web": "maxOutputMBps" must be a number, at least 0.1; got 0.001 (it counts megabytes per second: 1 is 1,000,000 bytes a second).',
    ]);
  });
});

describe('readMaxConcurrent', () => {
  const cases: [unknown, number, number][] = [
    [undefined, 8, 8],
    [null, 8, 8],
    [null, 1, 2],
    [null, 0, 2],
    [null, NaN, 2],
    [1, 8, 1],
    [4, 8, 4],
    [64, 8, 64],
    [0, 8, 8],
    [-1, 8, 8],
    [2.5, 8, 8],
    ['4', 8, 8],
    [true, 8, 8],
  ];
  for (const [raw, cpus, expected] of cases) {
    test(`${String(raw)} with ${cpus} cores -> ${expected}`, () => assert.equal(readMaxConcurrent(raw, cpus), expected));
  }
  test('the automatic value is never below 2', () => assert.equal(MIN_AUTOMATIC_CONCURRENCY, 2));
});
