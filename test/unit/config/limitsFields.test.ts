import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import {
  LIMIT_FIELDS,
  MIN_MONITOR_INTERVAL_MS,
  ON_EXCEED,
  THRESHOLD_FIELDS,
  readAlertDefaults,
  readMonitorInterval,
} from '../../../src/config/limitsFields';
import packageJson from '../../../package.json';
import { ctx, specWith } from './entryHelpers';

function errorsWith(fields: Record<string, unknown>): { field?: string; message: string }[] {
  const set = parseDefinitions([{ name: 'web', command: 'x', ...fields }], ctx);
  assert.equal(set.specs.length, 0, 'an entry with errors gives no spec');
  return set.errors.map(({ field, message }) => ({ field, message }));
}

describe('limits', () => {
  test('keeps every threshold and onExceed; none when absent or empty', () => {
    const limits = { maxMemoryMB: 512.5, maxCpuPercent: 150, maxIdleMs: 60_000, maxErrorRate: 0.5, onExceed: 'restart' };
    assert.deepEqual(specWith({ limits }).limits, limits);
    assert.ok(!Object.hasOwn(specWith({}), 'limits'));
    assert.ok(!Object.hasOwn(specWith({ limits: {} }), 'limits'));
    assert.deepEqual(specWith({ kind: 'job', limits: { onExceed: 'alert', maxCpuPercent: 90 } }).limits, { onExceed: 'alert', maxCpuPercent: 90 });
  });

  const bad: [string, Record<string, unknown>, { field: string; message: string }[]][] = [
    ['zero memory', { maxMemoryMB: 0 }, [{ field: 'limits.maxMemoryMB', message: 'Task "web": "limits.maxMemoryMB" must be a number greater than 0; got 0.' }]],
    ['quoted number', { maxErrorRate: '10' }, [{ field: 'limits.maxErrorRate', message: 'Task "web": "limits.maxErrorRate" must be a number greater than 0; got "10" (remove the quotes).' }]],
    ['a fraction for CPU', { maxCpuPercent: -0.5 }, [{ field: 'limits.maxCpuPercent', message: 'Task "web": "limits.maxCpuPercent" must be a number greater than 0; got -0.5.' }]],
    ['idle not whole', { maxIdleMs: 1.5 }, [{ field: 'limits.maxIdleMs', message: 'Task "web": "limits.maxIdleMs" must be a whole number, at least 1; got 1.5.' }]],
    ['unknown onExceed', { onExceed: 'restrat' }, [{ field: 'limits.onExceed', message: 'Task "web": "limits.onExceed" must be "alert" or "restart"; got "restrat" (did you mean "restart"?).' }]],
    ['unknown field', { maxMemoryMb: 5 }, [{ field: 'limits.maxMemoryMb', message: 'Task "web": "limits" has an unknown field "maxMemoryMb" (did you mean "maxMemoryMB"?).' }]],
  ];
  for (const [what, limits, expected] of bad) {
    test(`${what} is an error naming the field`, () => assert.deepEqual(errorsWith({ limits }), expected));
  }

  test('every bad field is reported, not only the first', () => {
    assert.equal(errorsWith({ limits: { maxMemoryMB: -1, maxIdleMs: 0, extra: 1 } }).length, 3);
  });

  test('not an object, with a hint for a bare number', () => {
    assert.deepEqual(errorsWith({ limits: 512 }), [
      { field: 'limits', message: 'Task "web": "limits" must be an object such as { "maxMemoryMB": 512 }; got a number (for memory write { "maxMemoryMB": 512 }).' },
    ]);
  });

  test('restart on exceed is for services, wherever "kind" is written', () => {
    const expected = [{ field: 'limits.onExceed', message: 'Task "web": "limits.onExceed": "restart" is for services; a job is not restarted mid-run (use "alert").' }];
    assert.deepEqual(errorsWith({ limits: { onExceed: 'restart' }, kind: 'job' }), expected);
    assert.deepEqual(parseDefinitions([{ kind: 'job', name: 'web', command: 'x', limits: { onExceed: 'restart' } }], ctx).errors.map((e) => e.field), ['limits.onExceed']);
  });
});

describe('readAlertDefaults', () => {
  const cases: [string, unknown, ReturnType<typeof readAlertDefaults>][] = [
    ['absent', undefined, { limits: {}, errors: [] }],
    ['null', null, { limits: {}, errors: [] }],
    ['valid', { maxMemoryMB: 1024, maxCpuPercent: 200 }, { limits: { maxMemoryMB: 1024, maxCpuPercent: 200 }, errors: [] }],
    ['keeps the valid fields of a partly bad object', { maxMemoryMB: 1024, maxIdleMs: -1 }, {
      limits: { maxMemoryMB: 1024 },
      errors: ['"devProcesses.alerts.maxIdleMs" must be a whole number, at least 1; got -1.'],
    }],
    ['onExceed belongs to a definition', { onExceed: 'restart' }, {
      limits: {},
      errors: ['"devProcesses.alerts" has an unknown field "onExceed" (set "onExceed" per definition, under "limits").'],
    }],
    ['not an object', [1], { limits: {}, errors: ['"devProcesses.alerts" must be an object such as { "maxMemoryMB": 1024 }; got an array.'] }],
  ];
  for (const [what, raw, expected] of cases) test(what, () => assert.deepEqual(readAlertDefaults(raw), expected));
});

describe('readMonitorInterval', () => {
  const cases: [unknown, number][] = [
    [undefined, 1000], [null, 1000], [250, 250], [100, 100], [99, 1000], [0, 1000], [-5, 1000], [1.5, 1000], ['500', 1000], [1e12, 2_147_483_647],
  ];
  for (const [raw, expected] of cases) test(`${String(raw)} -> ${expected}`, () => assert.equal(readMonitorInterval(raw), expected));
});

describe('package.json schema for limits and alerts', () => {
  const properties = packageJson.contributes.configuration.properties;
  const limits = properties['devProcesses.tasks'].items.properties.limits;
  const alerts = properties['devProcesses.alerts'];
  const interval = properties['devProcesses.monitor.intervalMs'];

  test("lists exactly the validator's fields and allows no others", () => {
    assert.deepEqual(Object.keys(limits.properties).sort(), [...LIMIT_FIELDS].sort());
    assert.equal(limits.additionalProperties, false);
    assert.deepEqual(Object.keys(alerts.properties).sort(), [...THRESHOLD_FIELDS].sort());
    assert.equal(alerts.additionalProperties, false);
    assert.equal(limits.properties.onExceed.enumDescriptions.length, ON_EXCEED.length);
  });

  test('bounds match the validator: the bound fails or passes as the schema says', () => {
    for (const key of THRESHOLD_FIELDS) {
      const schema: { exclusiveMinimum?: number; minimum?: number; type: string } = limits.properties[key];
      const valid = (n: number) => readAlertDefaults({ [key]: n }).errors.length === 0;
      if (schema.exclusiveMinimum !== undefined) {
        assert.ok(!valid(schema.exclusiveMinimum) && valid(schema.exclusiveMinimum + 0.5), key);
      } else {
        assert.equal(schema.type, 'integer', key);
        assert.ok(valid(schema.minimum!) && !valid(schema.minimum! - 1) && !valid(schema.minimum! + 0.5), key);
      }
      const global: { exclusiveMinimum?: number; minimum?: number; type: string } = alerts.properties[key];
      assert.deepEqual([global.type, global.minimum, global.exclusiveMinimum], [schema.type, schema.minimum, schema.exclusiveMinimum], `${key}: the same bounds in both places`);
    }
  });

  test('CPU is described with 100 as one core', () => {
    assert.match(limits.properties.maxCpuPercent.markdownDescription, /100 is one full core/);
    assert.match(interval.markdownDescription, /100% = one core/);
  });

  test('defaults are valid', () => {
    assert.equal(readMonitorInterval(interval.minimum), MIN_MONITOR_INTERVAL_MS);
    assert.deepEqual(readAlertDefaults(alerts.default).errors, []);
    assert.deepEqual(specWith({ limits: limits.default }).limits, limits.default);
  });
});
