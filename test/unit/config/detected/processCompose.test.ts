import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcessCompose } from '../../../../src/config/detected/processCompose';
import { assertValidEntries, byName, detectFixture, readFixture } from './helpers';

const folder = detectFixture('process-compose');
const file = detectFixture('process-compose', 'process-compose.yaml');
const read = () => parseProcessCompose(readFixture('process-compose', 'process-compose.yaml'), file, folder);

test('processes with depends_on conditions, probes, restart and shutdown map to our fields; disabled ones are left out', () => {
  const { entries, problems } = read();
  assert.deepEqual(problems, []);
  assert.deepEqual(entries.map((e) => e.name), ['process-compose: postgres', 'process-compose: migrate', 'process-compose: api', 'process-compose: web']);
  const found = byName(entries);
  assert.deepEqual(found.get('process-compose: postgres')?.entry, {
    name: 'process-compose: postgres',
    command: 'postgres -D ./data/pg -p 5432',
    shell: true,
    cwd: 'infra',
    env: { GLOBAL_ENV: '1' },
    kind: 'service',
    healthCheck: {
      readiness: { type: 'exec', command: 'sh', args: ['-c', 'pg_isready -h localhost -p 5432'], initialDelayMs: 2000, intervalMs: 5000, timeoutMs: 3000, failureThreshold: 10, successThreshold: 1 },
    },
    restart: { policy: 'on-failure' },
    stop: { signal: 'SIGINT', timeoutMs: 10000 },
  });
  assert.deepEqual(found.get('process-compose: postgres')?.at, { file, line: 9, column: 2 });
  assertValidEntries(entries);
});

test('a process waited on to complete is a job, without the service-only fields', () => {
  const migrate = byName(read().entries).get('process-compose: migrate');
  assert.deepEqual(migrate?.entry, {
    name: 'process-compose: migrate', command: './bin/migrate up', shell: true, env: { GLOBAL_ENV: '1' }, kind: 'job',
    dependsOn: [{ name: 'process-compose: postgres', condition: 'healthy' }],
  });
});

test('http probes become URLs, too-fast periods our minimum, and ready_log_line a log probe', () => {
  const found = byName(read().entries);
  const api = found.get('process-compose: api')?.entry;
  assert.deepEqual(api?.env, { GLOBAL_ENV: '1', PORT: '8080', DATABASE_URL: 'postgres://localhost:5432/app?sslmode=disable' });
  assert.deepEqual(api?.dependsOn, [{ name: 'process-compose: migrate', condition: 'completed' }, { name: 'process-compose: postgres', condition: 'healthy' }]);
  assert.deepEqual(api?.healthCheck, {
    readiness: { type: 'http', url: 'http://127.0.0.1:8080/healthz', intervalMs: 100 },
    liveness: { type: 'http', url: 'http://127.0.0.1:8080/livez' },
  });
  assert.deepEqual(api?.restart, { policy: 'always' });
  const web = found.get('process-compose: web')?.entry;
  assert.deepEqual(web?.healthCheck, { readiness: { type: 'log', pattern: 'ready in' } });
  assert.deepEqual(web?.dependsOn, [{ name: 'process-compose: api', condition: 'started' }]);
  assert.equal(web?.cwd, 'web');
  assert.equal(web?.group, 'frontend', 'a namespace is a group');
});

test('a dependency on a disabled or unknown process skips the dependent, with a problem at the dependency', () => {
  const text = [
    'processes:',
    '  off:', '    command: "x"', '    disabled: true',
    '  web:', '    command: "npm start"', '    depends_on:', '      off:', '        condition: process_started',
    '  api:', '    command: "go run ."', '    depends_on:', '      nowhere: {}',
    '  ok:', '    command: "true"',
  ].join('\n');
  const { entries, problems } = parseProcessCompose(text, '/ws/process-compose.yaml', '/ws');
  assert.deepEqual(entries.map((e) => e.name), ['process-compose: ok']);
  assert.deepEqual(problems.map((p) => [p.line, p.message.replace(/,.*/, '')]), [[7, '"web" depends on "off"'], [12, '"api" depends on "nowhere"']]);
});

test('a malformed process-compose.yaml is one problem at its place', () => {
  const bad = detectFixture('malformed', 'process-compose.yaml');
  const { entries, problems } = parseProcessCompose(readFixture('malformed', 'process-compose.yaml'), bad, detectFixture('malformed'));
  assert.deepEqual(entries, []);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].line, 3);
  assert.match(problems[0].message, /process-compose\.yaml is not valid YAML: /);
});

test('hostile YAML gives one clear problem or nothing, never an exception', () => {
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  laughs.push('processes: { x: { command: *i } }');
  const cases: [string, RegExp | undefined][] = [
    [laughs.join('\n'), /aliases \(\*name\) too many times/],
    ['- a\n- b\n', /must hold a mapping .* got a list/],
    ['', /must hold a mapping .* got nothing/],
    ['processes: [1, 2]', /"processes" must be a mapping/],
    ['processes:\n  web: "npm start"', /process "web" must be a mapping/],
    ['processes:\n  web:\n    command: 42', /process "web" has no "command"/],
    [`processes:\n  ${'n'.repeat(300)}:\n    command: x`, /longer than 200/],
    // YAML itself refuses an implicit key this long.
    [`processes:\n  ${'n'.repeat(10_000)}:\n    command: x`, /not valid YAML/],
    ['processes:\n  "a\\u0000b":\n    command: x', /control characters/],
    [`processes: ${'['.repeat(20_000)}${']'.repeat(20_000)}`, /./],
    ['a: 1\n---\nb: 2\n', /not valid YAML/],
    [' '.repeat(5 * 1024 * 1024), /larger than 4 MB/],
    ['version: "0.5"\n', undefined],
  ];
  for (const [text, expected] of cases) {
    const { entries, problems } = parseProcessCompose(text, '/ws/process-compose.yaml', '/ws');
    assert.deepEqual(entries, [], text.slice(0, 40));
    if (expected === undefined) assert.deepEqual(problems, []);
    else {
      assert.equal(problems.length, 1, text.slice(0, 40));
      assert.match(problems[0].message, expected);
    }
  }
});
