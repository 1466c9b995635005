import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  DEFAULT_STOP_TIMEOUT_MS,
  DEFINITION_FIELDS,
  WHOLE_SETTING,
  parseDefinitions,
  readMaxConcurrent,
  readStopTimeout,
} from '../../../src/config/definitions';
import type { DefinitionContext } from '../../../src/config/types';
import { DEPENDENCY_CONDITIONS, DEPENDENCY_FIELDS } from '../../../src/config/dependsOnFields';
import { DEFAULT_JITTER, INSTANCE_FIELDS, PRIORITIES, RETRY_FIELDS } from '../../../src/config/schedulingFields';
import { LIMIT_FIELDS, ON_EXCEED } from '../../../src/config/limitsFields';
import { JOB_STRATEGIES, RECOVERABLE_CODES, RECOVERY_STRATEGIES, RESTART_FIELDS, RESTART_MODES } from '../../../src/config/recoveryFields';
import { HEALTH_CHECK_FIELDS, PROBE_TYPES, REQUIRED_PROBE_FIELD } from '../../../src/config/healthCheckFields';
import { DEFAULT_JOB_RESTART, DEFAULT_SERVICE_RESTART } from '../../../src/core/defaults';
import type { ErrorCode } from '../../../src/core/errors';
import type { DefinitionSet, ProcessSpec } from '../../../src/core/types';
import { parseSources } from '../../../src/config/sources';
import packageJson from '../../../package.json';

const folder = '/home/ada/project';
const ctx: DefinitionContext = { workspaceFolder: folder, env: { PORT: '3000', ROOT: '/srv' }, homeDir: '/home/ada' };
const noFolder: DefinitionContext = { ...ctx, workspaceFolder: undefined };

function parse(raw: unknown, context: DefinitionContext = ctx): DefinitionSet {
  return parseDefinitions(raw, context);
}

/** The messages of parsing a single entry, which must give no spec. */
function messagesOf(entry: unknown, context: DefinitionContext = ctx): string[] {
  const set = parse([entry], context);
  assert.equal(set.specs.length, 0, 'an entry with errors gives no spec');
  return set.errors.map((e) => e.message);
}

/** The spec of a single entry, which must be valid. */
function specOf(entry: unknown, context: DefinitionContext = ctx) {
  const set = parse([entry], context);
  assert.deepEqual(set.errors, []);
  assert.equal(set.specs.length, 1);
  return set.specs[0];
}

describe('parseDefinitions: valid entries', () => {
  test('fills every default for a minimal entry', () => {
    assert.deepEqual(specOf({ name: 'web', command: 'npm' }), {
      name: 'web',
      kind: 'service',
      command: 'npm',
      args: [],
      cwd: folder,
      env: {},
      shell: false,
      autoStart: false,
      priority: 'normal',
      retry: { maxRetries: 0, initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 },
      dependsOn: [],
      instances: { min: 1, max: 1, initial: 1 },
      restart: DEFAULT_SERVICE_RESTART,
      recovery: {},
    });
    assert.equal(DEFAULT_SERVICE_RESTART.policy, 'on-failure');
  });

  test('keeps every field that is set', () => {
    const spec = specOf({
      name: 'build',
      command: 'make',
      args: ['-j', '4'],
      cwd: '/tmp/x',
      env: { A: '1', B: '' },
      envFile: '.env',
      shell: true,
      kind: 'job',
      autoStart: true,
    });
    assert.deepEqual(spec, {
      name: 'build',
      kind: 'job',
      command: 'make',
      args: ['-j', '4'],
      cwd: '/tmp/x',
      env: { A: '1', B: '' },
      envFile: path.join(folder, '.env'),
      shell: true,
      autoStart: true,
      priority: 'normal',
      retry: { maxRetries: 0, initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 },
      dependsOn: [],
      instances: { min: 1, max: 1, initial: 1 },
      restart: DEFAULT_JOB_RESTART,
      recovery: {},
    });
    assert.equal(DEFAULT_JOB_RESTART.policy, 'never');
  });

  test('expands variables in command, args, cwd, env values and envFile', () => {
    const spec = specOf({
      name: 'api',
      command: '${workspaceFolder}/bin/api',
      args: ['--port', '${env:PORT}', '--replica=${instance}', '${unknown}'],
      cwd: '${env:ROOT}/api',
      env: { URL: 'http://localhost:${env:PORT}', MISSING: '[${env:NOPE}]', PORT_FOR: '300${instance}' },
      envFile: '${workspaceFolder}/config/.env',
    });
    assert.equal(spec.command, `${folder}/bin/api`);
    assert.deepEqual(spec.args, ['--port', '3000', '--replica=${instance}', '${unknown}']);
    assert.equal(spec.cwd, '/srv/api');
    assert.deepEqual(spec.env, { URL: 'http://localhost:3000', MISSING: '[]', PORT_FOR: '300${instance}' });
    assert.equal(spec.envFile, `${folder}/config/.env`);
  });

  test('does not expand variables in env names', () => {
    assert.deepEqual(specOf({ name: 'a', command: 'x', env: { '${env:PORT}': 'v' } }).env, { '${env:PORT}': 'v' });
  });

  test('resolves relative cwd and envFile against the workspace folder, not against each other', () => {
    const spec = specOf({ name: 'a', command: 'x', cwd: 'packages/api', envFile: '../shared/.env' });
    assert.equal(spec.cwd, `${folder}/packages/api`);
    assert.equal(spec.envFile, '/home/ada/shared/.env');
  });

  test('normalizes absolute paths', () => {
    assert.equal(specOf({ name: 'a', command: 'x', cwd: '/srv//api/../web/' }).cwd, '/srv/web');
  });

  test('with no folder open: the home directory is the default cwd and absolute paths work', () => {
    assert.equal(specOf({ name: 'a', command: 'x' }, noFolder).cwd, '/home/ada');
    assert.equal(specOf({ name: 'a', command: 'x', cwd: '${env:ROOT}', envFile: '/etc/app.env' }, noFolder).cwd, '/srv');
  });

  test('an env key named like an Object.prototype member stays a plain variable', () => {
    const spec = specOf(JSON.parse('{"name":"a","command":"x","env":{"__proto__":"p","constructor":"c"}}'));
    assert.equal(Object.getPrototypeOf(spec.env), Object.prototype);
    assert.deepEqual(Object.entries(spec.env), [['__proto__', 'p'], ['constructor', 'c']]);
  });

  test('gives specs in the order of the entries, skipping invalid ones', () => {
    const set = parse([
      { name: 'a', command: 'x' },
      { name: 'b' },
      { name: 'c', command: 'x' },
    ]);
    assert.deepEqual(set.specs.map((s) => s.name), ['a', 'c']);
    assert.deepEqual(set.errors.map((e) => e.index), [1]);
  });

  test('an absent setting gives nothing', () => {
    assert.deepEqual(parse(undefined), { specs: [], errors: [] });
    assert.deepEqual(parse(null), { specs: [], errors: [] });
    assert.deepEqual(parse([]), { specs: [], errors: [] });
  });
});

describe('parseDefinitions: error messages', () => {
  test('a missing name names the entry by position', () => {
    assert.deepEqual(parse([{ name: 'a', command: 'x' }, { command: 'x' }]).errors, [
      { index: 1, field: 'name', message: 'devProcesses.tasks[1]: "name" is required.' },
    ]);
  });

  test('an empty, blank or non-string name', () => {
    assert.deepEqual(messagesOf({ name: '', command: 'x' }), ['devProcesses.tasks[0]: "name" must be a non-empty string.']);
    assert.deepEqual(messagesOf({ name: '  ', command: 'x' }), ['devProcesses.tasks[0]: "name" must be a non-empty string.']);
    assert.deepEqual(messagesOf({ name: 7, command: 'x' }), ['devProcesses.tasks[0]: "name" must be a non-empty string; got a number.']);
  });

  test('errors of a named entry carry its name and field', () => {
    assert.deepEqual(parse([{ name: 'web' }]).errors, [
      { index: 0, name: 'web', field: 'command', message: 'Task "web": "command" is required.' },
    ]);
  });

  test('command must be a non-empty string', () => {
    assert.deepEqual(messagesOf({ name: 'web', command: '' }), ['Task "web": "command" must be a non-empty string; got an empty string.']);
    assert.deepEqual(messagesOf({ name: 'web', command: ['npm'] }), ['Task "web": "command" must be a non-empty string; got an array.']);
  });

  test('a command that expands to nothing', () => {
    assert.deepEqual(messagesOf({ name: 'web', command: '${env:EDITOR}' }), [
      'Task "web": "command" is empty after expanding variables in "${env:EDITOR}".',
    ]);
  });

  test('args must be an array of strings', () => {
    assert.deepEqual(parse([{ name: 'web', command: 'x', args: ['a', 'b', 8080] }]).errors, [
      {
        index: 0,
        name: 'web',
        field: 'args[2]',
        message: 'Task "web": "args" must be an array of strings; item 2 is a number (put it in quotes: "8080").',
        fix: { kind: 'quote' },
      },
    ]);
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', args: [{}] }), ['Task "web": "args" must be an array of strings; item 0 is an object.']);
    assert.deepEqual(messagesOf({ name: 'web', command: 'npm', args: 'run dev' }), [
      'Task "web": "args" must be an array of strings; got a string (write it as a list: ["run", "dev"]).',
    ]);
  });

  test('env values must be strings, each bad value reported', () => {
    assert.deepEqual(parse([{ name: 'web', command: 'x', env: { PORT: 3000, DEBUG: true, OK: 'y', NULL: null } }]).errors, [
      { index: 0, name: 'web', field: 'env.PORT', message: 'Task "web": "env.PORT" must be a string; got a number (put it in quotes: "3000").', fix: { kind: 'quote' } },
      { index: 0, name: 'web', field: 'env.DEBUG', message: 'Task "web": "env.DEBUG" must be a string; got a boolean (put it in quotes: "true").', fix: { kind: 'quote' } },
      { index: 0, name: 'web', field: 'env.NULL', message: 'Task "web": "env.NULL" must be a string; got null.' },
    ]);
  });

  test('env must be an object with usable names', () => {
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', env: ['A=1'] }), [
      'Task "web": "env" must be an object of string values, e.g. { "PORT": "3000" }; got an array.',
    ]);
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', env: { 'A=B': '1', '': '2' } }), [
      'Task "web": "env" has an invalid variable name "A=B"; a name must be non-empty, without "=".',
      'Task "web": "env" has an invalid variable name ""; a name must be non-empty, without "=".',
    ]);
  });

  test('booleans must be booleans, with a hint for quoted ones', () => {
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', shell: 'true', autoStart: 1 }), [
      'Task "web": "shell" must be true or false; got "true" (remove the quotes).',
      'Task "web": "autoStart" must be true or false; got a number.',
    ]);
  });

  test('kind must be service or job, with a suggestion', () => {
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', kind: 'servce' }), [
      'Task "web": "kind" must be "service" or "job"; got "servce" (did you mean "service"?).',
    ]);
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', kind: 'daemon' }), ['Task "web": "kind" must be "service" or "job"; got "daemon".']);
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', kind: null }), ['Task "web": "kind" must be "service" or "job"; got null.']);
  });

  test('unknown fields are errors, with a suggestion when one is close', () => {
    assert.deepEqual(parse([{ name: 'web', command: 'x', comand: 'y' }]).errors, [
      { index: 0, name: 'web', field: 'comand', message: 'Task "web": unknown field "comand" (did you mean "command"?).', fix: { kind: 'replace', text: '"command"' } },
    ]);
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', autostart: true, Env: {}, retries: 3 }), [
      'Task "web": unknown field "autostart" (did you mean "autoStart"?).',
      'Task "web": unknown field "Env" (did you mean "env"?).',
      'Task "web": unknown field "retries".',
    ]);
    // Two letters swapped count as one edit.
    assert.ok(parse([{ nmae: 'web', command: 'x' }]).errors.some((e) => e.message === 'devProcesses.tasks[0]: unknown field "nmae" (did you mean "name"?).'));
  });

  test('a problem whose fix is known carries it: the key or value meant, or quotes', () => {
    const fixes = (entry: unknown) => parse([entry]).errors.map((e) => [e.field, e.fix]);
    assert.deepEqual(fixes({ nmae: 'web', command: 'x' }), [
      ['name', undefined],
      ['nmae', { kind: 'replace', text: '"name"' }],
    ]);
    assert.deepEqual(fixes({ name: 'web', command: 'x', retry: { maxRetires: 2 }, kind: 'servce' }), [
      ['kind', { kind: 'replace', text: '"service"' }],
      ['retry.maxRetires', { kind: 'replace', text: '"maxRetries"' }],
    ]);
    assert.deepEqual(fixes({ name: 'web', command: 'x', args: ['--port', 3000], env: { PORT: 3000, DEBUG: true, TOKEN: 5 } }), [
      ['args[1]', { kind: 'quote' }],
      ['env.PORT', { kind: 'quote' }],
      ['env.DEBUG', { kind: 'quote' }],
      ['env.TOKEN', { kind: 'quote' }],
    ]);
    // Nothing to offer: no close name, or a value that quotes would not fix.
    assert.deepEqual(fixes({ name: 'web', command: 'x', retries: 3, env: { A: null } }), [
      ['env.A', undefined],
      ['retries', undefined],
    ]);
  });

  test('paths: wrong type, empty after expansion', () => {
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', cwd: '', envFile: 5 }), [
      'Task "web": "cwd" must be a non-empty path; got an empty string.',
      'Task "web": "envFile" must be a non-empty path; got a number.',
    ]);
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', cwd: '${env:NOPE}' }), [
      'Task "web": "cwd" is empty after expanding variables in "${env:NOPE}".',
    ]);
  });

  test('with no folder open: relative paths and ${workspaceFolder} are errors', () => {
    assert.deepEqual(messagesOf({ name: 'web', command: 'x', cwd: 'src', envFile: '.env' }, noFolder), [
      'Task "web": "cwd" is a relative path ("src") and no workspace folder is open to resolve it against; use an absolute path.',
      'Task "web": "envFile" is a relative path (".env") and no workspace folder is open to resolve it against; use an absolute path.',
    ]);
    assert.deepEqual(messagesOf({ name: 'web', command: '${workspaceFolder}/run', args: ['${workspaceFolder}'] }, noFolder), [
      'Task "web": "command" uses ${workspaceFolder}, but no workspace folder is open.',
      'Task "web": "args[0]" uses ${workspaceFolder}, but no workspace folder is open.',
    ]);
  });

  test('reports every problem of an entry, in field order, then unknown fields', () => {
    assert.deepEqual(messagesOf({ zzz: 1, kind: 'x', args: 1, name: 3 }), [
      'devProcesses.tasks[0]: "name" must be a non-empty string; got a number.',
      'devProcesses.tasks[0]: "command" is required.',
      'devProcesses.tasks[0]: "args" must be an array of strings; got a number.',
      'devProcesses.tasks[0]: "kind" must be "service" or "job"; got "x".',
      'devProcesses.tasks[0]: unknown field "zzz".',
    ]);
  });

  test('long user text is cut short and escaped in messages', () => {
    const long = 'x'.repeat(10_000);
    const [message] = messagesOf({ name: `a"b\n${long}` });
    assert.ok(message.startsWith('Task "a\\"b\\nxxx'));
    assert.ok(message.length < 200, message);
  });
});

describe('parseDefinitions: unique names', () => {
  test('a duplicate is reported on the later entry; the first stays valid', () => {
    const set = parse([
      { name: 'web', command: 'x' },
      { name: 'api', command: 'x' },
      { name: 'api', command: 'y' },
      { name: 'api', command: 'z' },
    ]);
    assert.deepEqual(set.specs.map((s) => [s.name, s.command]), [['web', 'x'], ['api', 'x']]);
    assert.deepEqual(set.errors, [
      { index: 2, name: 'api', field: 'name', message: 'Task "api": the name is already used by devProcesses.tasks[1]; names must be unique.' },
      { index: 3, name: 'api', field: 'name', message: 'Task "api": the name is already used by devProcesses.tasks[1]; names must be unique.' },
    ]);
  });

  test('an invalid first entry still holds its name', () => {
    const set = parse([{ name: 'api' }, { name: 'api', command: 'x' }]);
    assert.equal(set.specs.length, 0);
    assert.deepEqual(set.errors.map((e) => e.message), [
      'Task "api": "command" is required.',
      'Task "api": the name is already used by devProcesses.tasks[0]; names must be unique.',
    ]);
  });

  test('names are compared exactly', () => {
    assert.equal(parse([{ name: 'api', command: 'x' }, { name: 'API', command: 'x' }, { name: 'api ', command: 'x' }]).specs.length, 3);
  });
});

describe('parseDefinitions: malformed input', () => {
  test('a setting that is not an array is one error for the whole setting', () => {
    assert.deepEqual(parse({ name: 'web', command: 'x' }), {
      specs: [],
      errors: [{ index: WHOLE_SETTING, message: '"devProcesses.tasks" must be an array of entries; got an object (put the entry inside [ ]).' }],
    });
    assert.deepEqual(parse('npm run dev').errors.map((e) => e.message), ['"devProcesses.tasks" must be an array of entries; got a string.']);
    assert.deepEqual(parse(42).errors.map((e) => e.index), [WHOLE_SETTING]);
  });

  test('an entry that is not an object', () => {
    const set = parse([null, 'web', [], 3, { name: 'ok', command: 'x' }]);
    assert.deepEqual(set.specs.map((s) => s.name), ['ok']);
    assert.deepEqual(set.errors.map((e) => e.message), [
      'devProcesses.tasks[0]: each entry must be an object with "name" and "command"; got null.',
      'devProcesses.tasks[1]: each entry must be an object with "name" and "command"; got a string.',
      'devProcesses.tasks[2]: each entry must be an object with "name" and "command"; got an array.',
      'devProcesses.tasks[3]: each entry must be an object with "name" and "command"; got a number.',
    ]);
  });

  test('ignores inherited fields and objects without a prototype', () => {
    const inherited = Object.create({ name: 'web', command: 'x' });
    assert.deepEqual(messagesOf(inherited), ['devProcesses.tasks[0]: "name" is required.', 'devProcesses.tasks[0]: "command" is required.']);
    const bare = Object.assign(Object.create(null), { name: 'web', command: 'x' });
    assert.equal(specOf(bare).name, 'web');
  });

  test('an entry that throws when read is reported and the others still parse', () => {
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('boom'); }, get: () => { throw new Error('boom'); } });
    const set = parse([hostile, { name: 'ok', command: 'x' }]);
    assert.deepEqual(set.specs.map((s) => s.name), ['ok']);
    assert.deepEqual(set.errors, [{ index: 0, message: 'devProcesses.tasks[0]: the entry could not be read.' }]);
  });

  test('a setting that throws when read is one error', () => {
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    assert.deepEqual(parse(proxy), { specs: [], errors: [{ index: WHOLE_SETTING, message: '"devProcesses.tasks" could not be read.' }] });
  });

  test('huge values are read whole, with every error reported', () => {
    const set = parse([
      { name: 'n'.repeat(1_000_000), command: 'x', args: Array.from({ length: 100_000 }, (_, i) => `a${i}`) },
      { name: 'b', command: 'x', ['k'.repeat(1_000_000)]: 1, env: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`V${i}`, i])) },
    ]);
    assert.equal(set.specs.length, 1);
    assert.equal(set.specs[0].args.length, 100_000);
    assert.equal(set.errors.length, 10_001);
  });
});

describe('readStopTimeout', () => {
  const cases: [unknown, number][] = [
    [undefined, DEFAULT_STOP_TIMEOUT_MS],
    [null, DEFAULT_STOP_TIMEOUT_MS],
    [0, 0],
    [-0, 0],
    [1500, 1500],
    [-1, DEFAULT_STOP_TIMEOUT_MS],
    [1.5, DEFAULT_STOP_TIMEOUT_MS],
    [NaN, DEFAULT_STOP_TIMEOUT_MS],
    [Infinity, DEFAULT_STOP_TIMEOUT_MS],
    ['3000', DEFAULT_STOP_TIMEOUT_MS],
    [true, DEFAULT_STOP_TIMEOUT_MS],
    [1e12, 2_147_483_647],
  ];
  for (const [raw, expected] of cases) {
    test(`${String(raw)} -> ${expected}`, () => assert.equal(readStopTimeout(raw), expected));
  }
  test('the default is 5000 ms', () => assert.equal(DEFAULT_STOP_TIMEOUT_MS, 5000));
});

describe('package.json schema', () => {
  const properties = packageJson.contributes.configuration.properties;
  const items = properties['devProcesses.tasks'].items;
  const fields = items.properties;

  test('lists exactly the fields the validator accepts, with the same required ones', () => {
    assert.deepEqual(Object.keys(items.properties).sort(), [...DEFINITION_FIELDS].sort());
    assert.deepEqual(items.required, ['name', 'command']);
    assert.equal(items.additionalProperties, false);
  });

  test('its snippets are valid definitions, given the definitions they depend on', () => {
    // As inserted with each placeholder's default: "${1:web}" gives "web" (a URL placeholder must give a valid URL).
    const accepted = (body: unknown): unknown => JSON.parse(JSON.stringify(body).replace(/\$\{\d+:([^}]*)\}/g, '$1'));
    const entrySnippets = items.defaultSnippets.map((s): unknown[] => [accepted(s.body)]);
    const arraySnippets = properties['devProcesses.tasks'].defaultSnippets.map((s): unknown[] => s.body.map(accepted));
    for (const bodies of [...entrySnippets, ...arraySnippets]) {
      const named = new Set(bodies.map((body) => (body as { name: string }).name));
      const dependencies = bodies.flatMap((body) => (body as { dependsOn?: string[] }).dependsOn ?? []);
      const standIns = dependencies.filter((name) => !named.has(name)).map((name) => ({ name, command: 'x', kind: 'job' }));
      assert.deepEqual(parse([...bodies, ...standIns]).errors, [], JSON.stringify(bodies));
    }
    assert.ok(items.defaultSnippets.some((s) => 'retry' in s.body && 'dependsOn' in s.body), 'a snippet shows retry and dependsOn');
    assert.ok(items.defaultSnippets.some((s) => 'healthCheck' in s.body), 'a snippet shows a readiness probe');
  });

  test('maxConcurrent is automatic (null) by default and at least 1', () => {
    const maxConcurrent = properties['devProcesses.maxConcurrent'];
    assert.deepEqual(maxConcurrent.type, ['integer', 'null']);
    assert.equal(maxConcurrent.default, null);
    assert.equal(maxConcurrent.minimum, 1);
    assert.equal(readMaxConcurrent(maxConcurrent.default, 6), 6);
    assert.equal(readMaxConcurrent(maxConcurrent.minimum, 6), 1);
  });

  test('enums have a description per choice', () => {
    assert.equal(fields.priority.default, 'normal');
    const condition = fields.dependsOn.items.oneOf[1].properties?.condition;
    for (const field of [fields.kind, fields.priority, condition]) assert.equal(field?.enumDescriptions.length, field?.enum.length);
  });

  test("nested objects list exactly the validator's fields and allow no others", () => {
    const [, dependencyObject] = fields.dependsOn.items.oneOf;
    const nested: [string, { properties?: object; additionalProperties?: boolean }, readonly string[]][] = [
      ['retry', fields.retry, RETRY_FIELDS],
      ['instances', fields.instances, INSTANCE_FIELDS],
      ['dependsOn item', dependencyObject, DEPENDENCY_FIELDS],
    ];
    for (const [what, schema, known] of nested) {
      assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), [...known].sort(), what);
      assert.equal(schema.additionalProperties, false, what);
    }
    assert.deepEqual(dependencyObject.required, ['name']);
  });

  test("retry defaults are the validator's defaults", () => {
    const retry = fields.retry.properties;
    const defaults = Object.fromEntries(RETRY_FIELDS.map((key) => [key, retry[key].default]));
    assert.deepEqual(defaults, specOf({ name: 'a', command: 'x' }).retry);
    assert.deepEqual(specOf({ name: 'a', command: 'x', retry: { jitter: true } }).retry.jitter, DEFAULT_JITTER);
  });

  test('the defaults offered for retry and instances are valid', () => {
    specOf({ name: 'a', command: 'x', retry: fields.retry.default, instances: fields.instances.default });
  });

  test('numeric bounds match the validator: the bound passes, one past it fails', () => {
    const service = (extra: object) => ({ name: 'a', command: 'x', kind: 'service', ...extra });
    // Neighbours are set so that each value is judged alone, not against another field.
    const retryAround = { initialDelayMs: 0, maxDelayMs: 86_400_000 };
    const instancesAround = { min: 0, max: 1, initial: 0 };
    const restartAround = { initialDelayMs: 0, maxDelayMs: 86_400_000 };
    const RESTART_NUMBERS = ['initialDelayMs', 'maxDelayMs', 'multiplier', 'resetAfterMs', 'maxRestarts', 'windowMs'] as const;
    type Bounds = { minimum?: number; maximum?: number };
    const cases: [string, Bounds, (n: number) => object][] = [
      ['timeoutMs', fields.timeoutMs, (n) => service({ timeoutMs: n })],
      ['idleTimeoutMs', fields.idleTimeoutMs, (n) => service({ idleTimeoutMs: n })],
      ...RETRY_FIELDS.filter((key) => key !== 'jitter').map((key): [string, Bounds, (n: number) => object] =>
        [`retry.${key}`, fields.retry.properties[key], (n) => service({ retry: { ...retryAround, [key]: n } })]),
      ...INSTANCE_FIELDS.map((key): [string, Bounds, (n: number) => object] =>
        [`instances.${key}`, fields.instances.properties[key], (n) => service({ instances: { ...instancesAround, max: Math.max(n, 1), ...(key === 'min' ? { initial: n } : {}), [key]: n } })]),
      ...RESTART_NUMBERS.map((key): [string, Bounds, (n: number) => object] =>
        [`restart.${key}`, fields.restart.properties[key], (n) => service({ restart: { ...restartAround, [key]: n } })]),
    ];
    for (const [field, bounds, entryWith] of cases) {
      assert.notEqual(bounds.minimum, undefined, `${field} has a minimum`);
      assert.deepEqual(parse([entryWith(bounds.minimum!)]).errors, [], `${field} = minimum`);
      assert.equal(parse([entryWith(bounds.minimum! - 1)]).specs.length, 0, `${field} below minimum`);
      assert.notEqual(bounds.maximum, undefined, `${field} has a maximum`);
      assert.deepEqual(parse([entryWith(bounds.maximum!)]).errors, [], `${field} = maximum`);
      assert.equal(parse([entryWith(bounds.maximum! + 1)]).specs.length, 0, `${field} above maximum`);
    }
    const jitter = fields.retry.properties.jitter.oneOf[1];
    assert.deepEqual([jitter.minimum, jitter.maximum], [0, 1]);
  });
});

describe('parseDefinitions: randomized robustness', () => {
  /** mulberry32: a tiny seeded generator, so a failure can be replayed. */
  function seeded(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const nestedKeys = [...RETRY_FIELDS, ...INSTANCE_FIELDS, ...DEPENDENCY_FIELDS, ...LIMIT_FIELDS, 'maxRetry',
    ...RESTART_FIELDS, ...HEALTH_CHECK_FIELDS, 'type', 'url', 'port', 'pattern', 'intervalMs', ...RECOVERABLE_CODES, 'spawn-failed'];
  const keys = [...DEFINITION_FIELDS, 'comand', 'Name', '__proto__', 'constructor', '', 'dependson', ...nestedKeys];
  const names = ['t0', 't1', 't2', 't3', 't4'];
  const strings = [
    '', ' ', 'web', 'api', 'service', 'job', 'true', '${workspaceFolder}', '${env:PORT}', '${instance}', '${', 'rel/dir', '/abs', '../up', 'A=B', '\0', 'x'.repeat(300),
    ...names, ...PRIORITIES, ...DEPENDENCY_CONDITIONS, '5000',
    ...RESTART_MODES, ...RECOVERY_STRATEGIES, ...PROBE_TYPES, 'http://localhost:300${instance}/', 'localhost:3000', '(', 'ready',
  ];
  const numbers = [0, -1, 1.5, 3000, 1e308, -0, Number.MAX_SAFE_INTEGER, 0.2, 1, 2, 5, 2_147_483_648];
  const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];

  function randomValue(random: () => number, depth: number): unknown {
    switch (Math.floor(random() * (depth > 3 ? 5 : 8))) {
      case 0: return null;
      case 1: return random() < 0.5;
      case 2: return pick(random, numbers);
      case 3:
      case 4: return pick(random, strings);
      case 5: return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
      default: {
        const object: Record<string, unknown> = {};
        for (let i = Math.floor(random() * 5); i > 0; i--) {
          Object.defineProperty(object, pick(random, keys), { value: randomValue(random, depth + 1), enumerable: true, configurable: true, writable: true });
        }
        return object;
      }
    }
  }

  /** Plausible values of the scheduling fields, mostly valid, so that resolution and cycles get exercised. */
  function plausibleValue(random: () => number, key: string, self = ''): unknown {
    const small = () => Math.floor(random() * 4);
    // Mostly other names: depending on itself is an error caught before resolution.
    const name = () => pick(random, random() < 0.9 ? names.filter((n) => n !== self) : names);
    switch (key) {
      case 'dependsOn':
        return Array.from({ length: 1 + Math.floor(random() * 2) }, () => (random() < 0.6 ? name() : { name: name(), condition: pick(random, DEPENDENCY_CONDITIONS) }));
      case 'retry':
        return { maxRetries: small(), initialDelayMs: pick(random, [0, 100, 1000]), maxDelayMs: pick(random, [100, 5000, 60_000]), jitter: pick(random, [true, false, 0, 0.5]) };
      case 'instances':
        return random() < 0.5 ? { max: 1 + small() } : { min: small(), max: small(), initial: small() };
      case 'priority':
        return pick(random, PRIORITIES);
      case 'kind':
        return pick(random, ['job', 'service']);
      case 'limits':
        return Object.fromEntries(LIMIT_FIELDS.filter(() => random() < 0.4).map((key) =>
          [key, key === 'onExceed' ? pick(random, ON_EXCEED) : pick(random, [0.5, 1, 90, 1000, 60_000])]));
      case 'restart':
        return { policy: pick(random, RESTART_MODES), successExitCodes: pick(random, [[], [143], [143, 0], [256]]), initialDelayMs: pick(random, [0, 500]), maxDelayMs: pick(random, [100, 30_000]), maxRestarts: small(), windowMs: pick(random, [0, 60_000, 60_000, 60_000]) };
      case 'recovery':
        return Object.fromEntries([...RECOVERABLE_CODES, 'spawn-failed'].filter(() => random() < 0.3).map((code) => [code, pick(random, RECOVERY_STRATEGIES)]));
      case 'healthCheck': {
        const probes = [{ type: 'http', url: 'http://localhost:300${instance}/' }, { type: 'tcp', port: 5432, intervalMs: 100 }, { type: 'exec', command: 'true', args: ['${env:PORT}'] }, { type: 'log', pattern: 'ready|listening' }, { type: 'log', pattern: '(' }];
        return Object.fromEntries(HEALTH_CHECK_FIELDS.filter(() => random() < 0.6).map((role) => [role, pick(random, probes)]));
      }
      default:
        return pick(random, [1, 1000, 60_000]);
    }
  }

  const scheduling = ['retry', 'instances', 'priority', 'timeoutMs', 'idleTimeoutMs', 'kind', 'limits', 'restart', 'recovery', 'healthCheck'];

  /** A valid entry, often with dependencies, with a few fields set, replaced, removed or added. */
  function mutatedEntry(random: () => number, index: number): unknown {
    const entry: Record<string, unknown> = { name: `t${index % 5}`, command: 'node', args: ['-e', '1'], cwd: 'sub', env: { A: '${env:PORT}' } };
    entry.kind = plausibleValue(random, 'kind');
    if (random() < 0.6) entry.dependsOn = plausibleValue(random, 'dependsOn', entry.name as string);
    for (let i = Math.floor(random() * 3); i > 0; i--) {
      const key = pick(random, scheduling);
      entry[key] = plausibleValue(random, key);
    }
    for (let i = random() < 0.5 ? 0 : Math.floor(random() * 3); i > 0; i--) {
      const key = keys[Math.floor(random() * keys.length)];
      if (random() < 0.3) delete entry[key];
      else Object.defineProperty(entry, key, { value: randomValue(random, 2), enumerable: true, configurable: true, writable: true });
    }
    return entry;
  }

  test('thousands of random settings never throw and account for every entry', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const random = seeded(seed);
      const raw = random() < 0.1
        ? randomValue(random, 0)
        : Array.from({ length: Math.floor(random() * 6) }, (_, i) => (random() < 0.6 ? mutatedEntry(random, i) : randomValue(random, 1)));
      const context = random() < 0.2 ? noFolder : ctx;
      let set: DefinitionSet;
      try {
        set = parseDefinitions(raw, context);
      } catch (err) {
        assert.fail(`seed ${seed} threw ${String(err)} for ${JSON.stringify(raw)}`);
      }
      checkInvariants(raw, set, seed);
      checkSameThroughSources(raw, context, set, seed);
    }
  });

  test('random settings spread over two folders keep dependencies resolvable and acyclic', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const random = seeded(seed);
      const entries = Array.from({ length: 2 + Math.floor(random() * 6) }, (_, i) => mutatedEntry(random, i));
      const cut = Math.floor(random() * entries.length);
      const set = parseSources([
        { raw: entries.slice(0, cut), folder: '/ws/a', workspaceFolder: '/ws/a' },
        { raw: entries.slice(cut), folder: '/ws/b', workspaceFolder: '/ws/b' },
      ], { env: ctx.env, homeDir: ctx.homeDir });
      checkSpecs(set.specs, `seed ${seed}`);
    }
  });

  /** One source through parseSources gives what parseDefinitions gives. */
  function checkSameThroughSources(raw: unknown, context: DefinitionContext, set: DefinitionSet, seed: number): void {
    const joined = parseSources([{ raw, folder: undefined, workspaceFolder: context.workspaceFolder }], { env: context.env, homeDir: context.homeDir });
    assert.deepEqual(joined, set, `seed ${seed}: parseSources with one source`);
  }

  function checkInvariants(raw: unknown, set: DefinitionSet, seed: number): void {
    const where = `seed ${seed}`;
    for (const error of set.errors) {
      assert.equal(typeof error.message, 'string', where);
      assert.ok(error.message.length > 0, where);
      if (Array.isArray(raw)) assert.ok(Number.isInteger(error.index) && error.index >= 0 && error.index < raw.length, where);
      else assert.equal(error.index, WHOLE_SETTING, where);
    }
    const entriesWithErrors = new Set(set.errors.map((e) => e.index)).size;
    const entries = Array.isArray(raw) ? raw.length : raw == null ? 0 : 1;
    assert.equal(set.specs.length + entriesWithErrors, entries, `${where}: each entry gives a spec or errors, not both`);
    assert.equal(new Set(set.specs.map((s) => s.name)).size, set.specs.length, `${where}: names are unique`);
    checkSpecs(set.specs, where);
  }

  function checkSpecs(specs: ProcessSpec[], where: string): void {
    const byName = new Map(specs.map((s) => [s.name, s]));
    for (const spec of specs) {
      assert.ok(spec.name.trim() !== '' && spec.command.trim() !== '', where);
      assert.ok(spec.args.every((a) => typeof a === 'string'), where);
      assert.ok(Object.values(spec.env).every((v) => typeof v === 'string'), where);
      assert.ok(path.isAbsolute(spec.cwd), where);
      assert.ok(spec.envFile === undefined || path.isAbsolute(spec.envFile), where);
      assert.ok(spec.kind === 'service' || spec.kind === 'job', where);
      assert.equal(typeof spec.shell, 'boolean', where);
      assert.equal(typeof spec.autoStart, 'boolean', where);
      assert.ok(PRIORITIES.includes(spec.priority), where);
      assert.ok(spec.timeoutMs === undefined || (Number.isInteger(spec.timeoutMs) && spec.timeoutMs >= 1), where);
      const { maxRetries, initialDelayMs, maxDelayMs, multiplier, jitter } = spec.retry;
      assert.ok(Number.isInteger(maxRetries) && maxRetries >= 0 && Number.isInteger(initialDelayMs) && initialDelayMs >= 0, where);
      assert.ok(Number.isInteger(maxDelayMs) && maxDelayMs >= initialDelayMs && multiplier >= 1 && jitter >= 0 && jitter <= 1, where);
      const { min, max, initial } = spec.instances;
      assert.ok(Number.isInteger(min) && Number.isInteger(max) && Number.isInteger(initial) && min >= 0 && max >= 1 && min <= initial && initial <= max, where);
      if (spec.limits) {
        const { onExceed, maxIdleMs, ...numbers } = spec.limits;
        assert.ok(Object.keys(spec.limits).length > 0 && Object.values(numbers).every((n) => typeof n === 'number' && n > 0), where);
        assert.ok(maxIdleMs === undefined || (Number.isInteger(maxIdleMs) && maxIdleMs >= 1), where);
        assert.ok(onExceed === undefined || ON_EXCEED.includes(onExceed), where);
        assert.ok(!(onExceed === 'restart' && spec.kind === 'job'), where);
      }
      const restart = spec.restart;
      assert.ok(RESTART_MODES.includes(restart.policy) && restart.successExitCodes.every((code) => Number.isInteger(code) && code >= 0 && code <= 255), where);
      assert.ok(restart.maxDelayMs >= restart.initialDelayMs && restart.multiplier >= 1 && restart.maxRestarts >= 0 && restart.windowMs >= 1, where);
      const strategies = spec.kind === 'job' ? JOB_STRATEGIES : RECOVERY_STRATEGIES;
      assert.ok(Object.entries(spec.recovery).every(([code, strategy]) => RECOVERABLE_CODES.includes(code as ErrorCode) && strategies.includes(strategy)), where);
      for (const role of HEALTH_CHECK_FIELDS) {
        const probe = spec.healthCheck?.[role];
        if (!probe) continue;
        const required = REQUIRED_PROBE_FIELD[probe.type];
        assert.ok((required === undefined ? probe.type === 'problems' && probe.matchers !== undefined : probe[required] !== undefined) && !(role === 'liveness' && probe.type === 'log'), where);
        assert.ok(probe.intervalMs >= 100 && probe.timeoutMs >= 1 && probe.failureThreshold >= 1 && probe.successThreshold >= 1, where);
      }
      if (spec.kind === 'job') {
        assert.deepEqual(spec.instances, { min: 1, max: 1, initial: 1 }, where);
        assert.equal(spec.idleTimeoutMs, undefined, where);
        assert.deepEqual([spec.restart, spec.healthCheck], [DEFAULT_JOB_RESTART, undefined], where);
      }
      assert.equal(new Set(spec.dependsOn.map((d) => d.name)).size, spec.dependsOn.length, `${where}: no name twice`);
      for (const { name, condition } of spec.dependsOn) {
        const target = byName.get(name);
        assert.ok(target && target !== spec, `${where}: ${spec.name} depends on a valid other spec ${name}`);
        assert.ok(DEPENDENCY_CONDITIONS.includes(condition), where);
        assert.ok(!(condition === 'healthy' && target.kind === 'job'), where);
      }
    }
    assert.ok(isAcyclic(specs), `${where}: no cycles`);
  }

  /** Kahn's algorithm, written apart from the one under test. */
  function isAcyclic(specs: ProcessSpec[]): boolean {
    const done = new Set<string>();
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const spec of specs) {
        if (!done.has(spec.name) && spec.dependsOn.every((d) => done.has(d.name))) {
          done.add(spec.name);
          progressed = true;
        }
      }
    }
    return done.size === specs.length;
  }
});
