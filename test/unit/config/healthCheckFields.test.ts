import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import type { DefinitionContext } from '../../../src/config/types';
import {
  DEFAULT_PROBE_HOST,
  HEALTH_CHECK_FIELDS,
  LIVENESS_PROBE_TYPES,
  PROBE_FIELDS,
  PROBE_TIMING_FIELDS,
  PROBE_TYPES,
  REQUIRED_PROBE_FIELD,
} from '../../../src/config/healthCheckFields';
import { DEFAULT_PROBE_TIMING } from '../../../src/core/defaults';
import type { HealthCheck, ProbeType } from '../../../src/core/types';
import packageJson from '../../../package.json';

const ctx: DefinitionContext = { workspaceFolder: '/ws', env: { PORT: '8080', HOST: 'db' }, homeDir: '/home/ada' };
const noFolder: DefinitionContext = { ...ctx, workspaceFolder: undefined };

function checkWith(healthCheck: unknown, context = ctx, fields: Record<string, unknown> = {}): HealthCheck | undefined {
  const set = parseDefinitions([{ name: 'web', command: 'x', healthCheck, ...fields }], context);
  assert.deepEqual(set.errors, []);
  return set.specs[0].healthCheck;
}

/** The errors of a definition with this readiness probe, as [field, message]. */
function readinessErrors(readiness: unknown, context = ctx): [string | undefined, string][] {
  return errorsWith({ healthCheck: { readiness } }, context);
}

function errorsWith(fields: Record<string, unknown>, context = ctx): [string | undefined, string][] {
  const set = parseDefinitions([{ name: 'web', command: 'x', ...fields }], context);
  assert.equal(set.specs.length, 0, 'an entry with errors gives no spec');
  return set.errors.map((e) => [e.field, e.message]);
}

/** Only the messages, for the common case of one problem with an obvious field. */
function readinessMessages(readiness: unknown, context = ctx): string[] {
  return readinessErrors(readiness, context).map(([, message]) => message);
}

describe('healthCheck: valid probes', () => {
  test('absent, or with no probe: none', () => {
    const set = parseDefinitions([{ name: 'web', command: 'x' }], ctx);
    assert.ok(!Object.hasOwn(set.specs[0], 'healthCheck'));
    assert.equal(checkWith({}), undefined);
  });

  test('http: the url, an optional status, and the default timing', () => {
    assert.deepEqual(checkWith({ readiness: { type: 'http', url: 'http://localhost:3000/health' } }), {
      readiness: { type: 'http', url: 'http://localhost:3000/health', ...DEFAULT_PROBE_TIMING },
    });
    const liveness = { type: 'http', url: 'https://127.0.0.1:8443/', expectStatus: 204, intervalMs: 100, timeoutMs: 1, initialDelayMs: 0, failureThreshold: 1, successThreshold: 5 };
    assert.deepEqual(checkWith({ liveness }), { liveness });
  });

  test('http: variables expand in the url; ${instance} is left for each replica', () => {
    assert.equal(checkWith({ readiness: { type: 'http', url: 'http://localhost:${env:PORT}/' } })?.readiness?.url, 'http://localhost:8080/');
    assert.equal(checkWith({ readiness: { type: 'http', url: 'http://localhost:300${instance}/' } })?.readiness?.url, 'http://localhost:300${instance}/');
  });

  test('tcp: a port, on 127.0.0.1 unless a host is set', () => {
    assert.deepEqual(checkWith({ readiness: { type: 'tcp', port: 5432 } })?.readiness, { type: 'tcp', host: DEFAULT_PROBE_HOST, port: 5432, ...DEFAULT_PROBE_TIMING });
    assert.equal(DEFAULT_PROBE_HOST, '127.0.0.1');
    assert.equal(checkWith({ liveness: { type: 'tcp', host: '${env:HOST}.local', port: 65535 } })?.liveness?.host, 'db.local');
  });

  test('exec: a command and its args, variables expanded; no args by default', () => {
    assert.deepEqual(checkWith({ liveness: { type: 'exec', command: '${workspaceFolder}/bin/check', args: ['-p', '${env:PORT}'] } })?.liveness, {
      type: 'exec',
      command: '/ws/bin/check',
      args: ['-p', '8080'],
      ...DEFAULT_PROBE_TIMING,
    });
    assert.deepEqual(checkWith({ readiness: { type: 'exec', command: 'pg_isready' } })?.readiness?.args, []);
  });

  test('log: a pattern for readiness, kept as written', () => {
    assert.deepEqual(checkWith({ readiness: { type: 'log', pattern: 'listening on (port )?\\d+ ${env:PORT}' } }), {
      readiness: { type: 'log', pattern: 'listening on (port )?\\d+ ${env:PORT}', ...DEFAULT_PROBE_TIMING },
    });
  });

  test('readiness and liveness together', () => {
    const check = checkWith({ readiness: { type: 'log', pattern: 'ready' }, liveness: { type: 'tcp', port: 80 } });
    assert.deepEqual([check?.readiness?.type, check?.liveness?.type], ['log', 'tcp']);
  });
});

describe('healthCheck: errors', () => {
  test('must be an object holding probes', () => {
    assert.deepEqual(errorsWith({ healthCheck: 'http://localhost:3000/' }), [
      ['healthCheck', 'Task "web": "healthCheck" must be an object such as { "readiness": { "type": "http", "url": "http://localhost:3000/" } }; got a string.'],
    ]);
    assert.deepEqual(errorsWith({ healthCheck: { type: 'http', url: 'http://localhost:3000/' } }), [
      ['healthCheck', 'Task "web": "healthCheck" takes its probes under "readiness" and "liveness"; move this one into either, e.g. { "readiness": { "type": "http", ... } }.'],
    ]);
    assert.deepEqual(errorsWith({ healthCheck: { readyness: {} } }), [
      ['healthCheck.readyness', 'Task "web": "healthCheck" has an unknown field "readyness" (did you mean "readiness"?).'],
    ]);
  });

  test('a probe must be an object, with a hint for a bare URL', () => {
    assert.deepEqual(readinessErrors('http://localhost:3000'), [
      ['healthCheck.readiness', 'Task "web": "healthCheck.readiness" must be an object such as { "type": "http", "url": "http://localhost:3000/" }; got a string (write { "type": "http", "url": "http://localhost:3000" }).'],
    ]);
    assert.deepEqual(readinessMessages(null), ['Task "web": "healthCheck.readiness" must be an object such as { "type": "http", "url": "http://localhost:3000/" }; got null.']);
  });

  test('type is required and must be known; liveness cannot be a log probe', () => {
    assert.deepEqual(readinessErrors({ url: 'http://localhost/' }), [
      ['healthCheck.readiness.type', 'Task "web": "healthCheck.readiness.type" is required; use "http", "tcp", "exec", "log" or "problems".'],
    ]);
    assert.deepEqual(errorsWith({ healthCheck: { liveness: { port: 80 } } }), [
      ['healthCheck.liveness.type', 'Task "web": "healthCheck.liveness.type" is required; use "http", "tcp" or "exec".'],
    ]);
    assert.deepEqual(readinessMessages({ type: 'HTTP', url: 'http://localhost/' }), [
      'Task "web": "healthCheck.readiness.type" must be "http", "tcp", "exec", "log" or "problems"; got "HTTP" (did you mean "http"?).',
    ]);
    assert.deepEqual(readinessMessages({ type: 'grpc' }), ['Task "web": "healthCheck.readiness.type" must be "http", "tcp", "exec", "log" or "problems"; got "grpc".']);
    assert.deepEqual(errorsWith({ healthCheck: { liveness: { type: 'log', pattern: 'ready' } } }), [
      ['healthCheck.liveness.type', 'Task "web": "healthCheck.liveness.type" cannot be "log": a line of output shows a process started, not that it still answers; use "http", "tcp" or "exec".'],
    ]);
  });

  test("each type's own field is required", () => {
    const missing: [ProbeType, string][] = [['http', 'url'], ['tcp', 'port'], ['exec', 'command'], ['log', 'pattern']];
    for (const [type, field] of missing) {
      assert.deepEqual(readinessErrors({ type }), [
        [`healthCheck.readiness.${field}`, `Task "web": "healthCheck.readiness.${field}" is required when "type" is "${type}".`],
      ]);
    }
  });

  test("fields of another type are errors, naming the type they belong to", () => {
    assert.deepEqual(readinessErrors({ type: 'tcp', port: 80, url: 'http://localhost/', args: [] }), [
      ['healthCheck.readiness.url', 'Task "web": "healthCheck.readiness.url" is for "http" probes; this one is "tcp".'],
      ['healthCheck.readiness.args', 'Task "web": "healthCheck.readiness.args" is for "exec" probes; this one is "tcp".'],
    ]);
    assert.deepEqual(readinessMessages({ type: 'log', pattern: 'ready', timeoutMs: 5000 }), [
      'Task "web": "healthCheck.readiness.timeoutMs" is for "http", "tcp" or "exec" probes; a "log" probe has no timing: it passes at the first matching line of output.',
    ]);
  });

  test('unknown fields, with a suggestion', () => {
    assert.deepEqual(readinessErrors({ type: 'http', url: 'http://localhost/', timeout: 5 }), [
      ['healthCheck.readiness.timeout', 'Task "web": "healthCheck.readiness" has an unknown field "timeout" (did you mean "timeoutMs"?).'],
    ]);
  });

  test('url: http or https, with a hint when the scheme is missing', () => {
    const wanted = 'Task "web": "healthCheck.readiness.url" must be an http:// or https:// URL such as "http://localhost:3000/health"';
    const urlMessages = (url: unknown, context = ctx) => readinessMessages({ type: 'http', url }, context);
    assert.deepEqual(urlMessages('localhost:3000/health'), [`${wanted}; got "localhost:3000/health" (write "http://localhost:3000/health").`]);
    assert.deepEqual(urlMessages('ftp://files.local/'), [`${wanted}; got "ftp://files.local/".`]);
    assert.deepEqual(urlMessages('http://'), [`${wanted}; got "http://".`]);
    assert.deepEqual(urlMessages('${env:NOPE}'), [`${wanted}; got "\${env:NOPE}".`]);
    assert.deepEqual(urlMessages(''), [`${wanted}; got an empty string.`]);
    assert.deepEqual(urlMessages(3000), [`${wanted}; got a number.`]);
    assert.deepEqual(urlMessages('${workspaceFolder}/health', noFolder), [
      'Task "web": "healthCheck.readiness.url" uses ${workspaceFolder}, but no workspace folder is open.',
    ]);
  });

  test('expectStatus: a whole number from 100 to 599', () => {
    const statusMessages = (expectStatus: unknown) => readinessMessages({ type: 'http', url: 'http://localhost/', expectStatus });
    assert.deepEqual(statusMessages(600), ['Task "web": "healthCheck.readiness.expectStatus" must be a whole number from 100 to 599; got 600.']);
    assert.deepEqual(statusMessages(99), ['Task "web": "healthCheck.readiness.expectStatus" must be a whole number from 100 to 599; got 99.']);
    assert.deepEqual(statusMessages('200'), ['Task "web": "healthCheck.readiness.expectStatus" must be a whole number from 100 to 599; got "200" (remove the quotes).']);
  });

  test('port: a number from 1 to 65535, never a string with variables', () => {
    const portMessages = (port: unknown) => readinessMessages({ type: 'tcp', port });
    assert.deepEqual(portMessages(0), ['Task "web": "healthCheck.readiness.port" must be a whole number from 1 to 65535; got 0.']);
    assert.deepEqual(portMessages(65536), ['Task "web": "healthCheck.readiness.port" must be a whole number from 1 to 65535; got 65536.']);
    assert.deepEqual(portMessages('3000'), ['Task "web": "healthCheck.readiness.port" must be a whole number from 1 to 65535; got "3000" (remove the quotes).']);
    assert.deepEqual(portMessages('300${instance}'), [
      'Task "web": "healthCheck.readiness.port" must be a whole number from 1 to 65535; got "300${instance}" (variables do not expand in a port; write a number).',
    ]);
  });

  test('host and command: non-empty strings, also after expansion', () => {
    assert.deepEqual(readinessMessages({ type: 'tcp', port: 80, host: '' }), ['Task "web": "healthCheck.readiness.host" must be a non-empty string; got an empty string.']);
    assert.deepEqual(readinessMessages({ type: 'tcp', port: 80, host: '${env:NOPE}' }), [
      'Task "web": "healthCheck.readiness.host" is empty after expanding variables in "${env:NOPE}".',
    ]);
    assert.deepEqual(readinessMessages({ type: 'exec', command: ['curl'] }), ['Task "web": "healthCheck.readiness.command" must be a non-empty string; got an array.']);
  });

  test('args: an array of strings', () => {
    assert.deepEqual(readinessErrors({ type: 'exec', command: 'curl', args: '-f http://localhost/' }), [
      ['healthCheck.readiness.args', 'Task "web": "healthCheck.readiness.args" must be an array of strings; got a string (write it as a list: ["-f", "http://localhost/"]).'],
    ]);
    assert.deepEqual(readinessErrors({ type: 'exec', command: 'nc', args: ['-z', 5432] }), [
      ['healthCheck.readiness.args[1]', 'Task "web": "healthCheck.readiness.args" must be an array of strings; item 1 is a number (put it in quotes: "5432").'],
    ]);
  });

  test('pattern: a regular expression that compiles, the reason shown', () => {
    assert.deepEqual(readinessMessages({ type: 'log', pattern: '(ready' }), [
      'Task "web": "healthCheck.readiness.pattern" is not a valid regular expression: Unterminated group (in "(ready").',
    ]);
    assert.deepEqual(readinessMessages({ type: 'log', pattern: '*ready' }), [
      'Task "web": "healthCheck.readiness.pattern" is not a valid regular expression: Nothing to repeat (in "*ready").',
    ]);
    assert.deepEqual(readinessMessages({ type: 'log', pattern: '' }), [
      'Task "web": "healthCheck.readiness.pattern" must be a non-empty regular expression such as "listening on"; got an empty string.',
    ]);
    assert.deepEqual(readinessMessages({ type: 'log', pattern: /ready/ }), [
      'Task "web": "healthCheck.readiness.pattern" must be a non-empty regular expression such as "listening on"; got an object.',
    ]);
  });

  test('timing: each bound, and every bad field in order', () => {
    const timing = { successThreshold: 1.5, failureThreshold: 0, initialDelayMs: -1, timeoutMs: 0, intervalMs: 99 };
    assert.deepEqual(readinessMessages({ type: 'tcp', port: 80, ...timing }), [
      'Task "web": "healthCheck.readiness.intervalMs" must be a whole number, at least 100; got 99.',
      'Task "web": "healthCheck.readiness.timeoutMs" must be a whole number, at least 1; got 0.',
      'Task "web": "healthCheck.readiness.initialDelayMs" must be a whole number, at least 0; got -1.',
      'Task "web": "healthCheck.readiness.failureThreshold" must be a whole number, at least 1; got 0.',
      'Task "web": "healthCheck.readiness.successThreshold" must be a whole number, at least 1; got 1.5.',
    ]);
    assert.deepEqual(readinessMessages({ type: 'tcp', port: 80, timeoutMs: 1e12 }), [
      'Task "web": "healthCheck.readiness.timeoutMs" must be at most 2147483647 (about 24 days); got 1000000000000.',
    ]);
  });

  test('an invalid type still checks the values and names of the other fields', () => {
    assert.deepEqual(readinessMessages({ type: 'htp', url: 'localhost', intervalMs: 5, bogus: 1 }), [
      'Task "web": "healthCheck.readiness.type" must be "http", "tcp", "exec", "log" or "problems"; got "htp" (did you mean "http"?).',
      'Task "web": "healthCheck.readiness.url" must be an http:// or https:// URL such as "http://localhost:3000/health"; got "localhost" (write "http://localhost").',
      'Task "web": "healthCheck.readiness.intervalMs" must be a whole number, at least 100; got 5.',
      'Task "web": "healthCheck.readiness" has an unknown field "bogus".',
    ]);
  });

  test('is for services only, wherever "kind" is written', () => {
    assert.deepEqual(errorsWith({ healthCheck: { readiness: { type: 'tcp', port: 80 } }, kind: 'job' }), [
      ['healthCheck', 'Task "web": "healthCheck" is for services; dependents wait for a job to complete.'],
    ]);
  });
});

describe('package.json schema for healthCheck', () => {
  interface Branch {
    if: { properties: { type: { const: string } }; required: string[] };
    then: { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
  }
  interface Probe {
    required: string[];
    properties: Record<string, { enum?: string[]; enumDescriptions?: string[]; default?: unknown; minimum?: number; maximum?: number }>;
    allOf: Branch[];
    default: unknown;
    defaultSnippets: { label: string; body: Record<string, unknown> }[];
  }
  const healthCheck = packageJson.contributes.configuration.properties['devProcesses.tasks'].items.properties.healthCheck;
  const probes = healthCheck.properties as unknown as Record<'readiness' | 'liveness', Probe>;
  const typesOf = (role: 'readiness' | 'liveness') => (role === 'readiness' ? PROBE_TYPES : LIVENESS_PROBE_TYPES);
  /** A snippet body as inserted with its placeholders' defaults: "${1:x}" gives "x", "^${1:5}" gives 5. */
  const accepted = (body: unknown): unknown =>
    JSON.parse(JSON.stringify(body).replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/"\^([^"]*)"/g, '$1'));

  test('holds readiness and liveness, nothing else', () => {
    assert.deepEqual(Object.keys(healthCheck.properties), HEALTH_CHECK_FIELDS);
    assert.equal(healthCheck.additionalProperties, false);
  });

  test('each probe needs a type, then closes over exactly the fields the validator takes for it', () => {
    for (const role of HEALTH_CHECK_FIELDS) {
      const probe = probes[role];
      const types = typesOf(role);
      assert.deepEqual(probe.required, ['type'], role);
      assert.equal(probe.properties.type.enumDescriptions?.length, types.length, role);
      assert.deepEqual(Object.keys(probe.properties), ['type', ...PROBE_TIMING_FIELDS], `${role}: offered before the type is chosen`);
      assert.deepEqual(probe.allOf.map((branch) => branch.if.properties.type.const), types, role);
      for (const { if: condition, then } of probe.allOf) {
        const type = condition.properties.type.const as ProbeType;
        assert.deepEqual(condition.required, ['type'], `${role} ${type}: an absent type matches no branch`);
        assert.deepEqual(Object.keys(then.properties).sort(), ['type', ...PROBE_FIELDS[type]].sort(), `${role} ${type}`);
        assert.deepEqual(then.required, REQUIRED_PROBE_FIELD[type] && [REQUIRED_PROBE_FIELD[type]], `${role} ${type}`);
        assert.equal(then.additionalProperties, false, `${role} ${type}`);
        for (const [key, schema] of Object.entries(then.properties)) {
          if (schema === true) assert.ok(key in probe.properties, `${role} ${type}: ${key} is described once, on the probe`);
        }
      }
    }
  });

  test("timing and host defaults are the validator's", () => {
    for (const role of HEALTH_CHECK_FIELDS) {
      const timing = Object.fromEntries(PROBE_TIMING_FIELDS.map((key) => [key, probes[role].properties[key].default]));
      assert.deepEqual(timing, DEFAULT_PROBE_TIMING, role);
    }
    const tcp = probes.readiness.allOf.find((branch) => branch.if.properties.type.const === 'tcp');
    assert.equal((tcp?.then.properties.host as { default: string }).default, DEFAULT_PROBE_HOST);
  });

  test('numeric bounds match the validator: the bound passes, one past it fails', () => {
    const probeSchemas = probes.readiness.allOf.flatMap((branch) => Object.entries(branch.then.properties));
    const bounds = (key: string) => (probes.readiness.properties[key] ?? probeSchemas.find(([name]) => name === key)?.[1]) as { minimum: number; maximum?: number };
    const valid = (key: string, n: number) => {
      const probe = key === 'expectStatus' ? { type: 'http', url: 'http://localhost/' } : { type: 'tcp', port: 80 };
      return parseDefinitions([{ name: 'a', command: 'x', healthCheck: { readiness: { ...probe, [key]: n } } }], ctx).errors.length === 0;
    };
    for (const key of [...PROBE_TIMING_FIELDS, 'expectStatus', 'port']) {
      const { minimum, maximum } = bounds(key);
      assert.ok(valid(key, minimum) && !valid(key, minimum - 1), `${key} minimum`);
      if (maximum !== undefined) assert.ok(valid(key, maximum) && !valid(key, maximum + 1), `${key} maximum`);
    }
  });

  test('defaults and snippets are valid probes, one snippet per type', () => {
    assert.deepEqual(checkWith(healthCheck.default), { readiness: { ...DEFAULT_PROBE_TIMING, ...healthCheck.default.readiness } });
    for (const role of HEALTH_CHECK_FIELDS) {
      const { defaultSnippets, default: fallback } = probes[role];
      assert.deepEqual(defaultSnippets.map((s) => s.body.type), typesOf(role), role);
      for (const probe of [fallback, ...defaultSnippets.map((s) => accepted(s.body))]) {
        // A "problems" probe reads the definition's background matcher.
        const fields = (probe as { type?: string }).type === 'problems' ? { problemMatcher: '$tsc-watch' } : {};
        assert.ok(checkWith({ [role]: probe }, ctx, fields)?.[role], `${role}: ${JSON.stringify(probe)}`);
      }
    }
  });
});
