import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCompose } from '../../../../src/config/detected/compose';
import { readPnpmWorkspace } from '../../../../src/config/detected/pnpmWorkspace';
import { assertValidEntries, detectFixture, readFixture } from './helpers';

test('each compose service runs as docker compose up SERVICE with this file, stopped by an interrupt', () => {
  const folder = detectFixture('docker');
  const file = detectFixture('docker', 'docker-compose.yml');
  const { entries, problems } = parseCompose(readFixture('docker', 'docker-compose.yml'), file, folder);
  assert.deepEqual(problems, []);
  assert.deepEqual(entries.map((e) => e.name), ['compose: db', 'compose: redis', 'compose: app']);
  assert.deepEqual(entries[0].entry, {
    name: 'compose: db', command: 'docker', args: ['compose', '-f', 'docker-compose.yml', 'up', 'db'], kind: 'service', stop: { signal: 'SIGINT' },
  });
  assert.deepEqual(entries[1].at, { file, line: 18, column: 2 });
  assert.equal(entries[2].entry.group, 'app', 'profiles are groups');
  assertValidEntries(entries);
});

test('a compose file below the folder runs in its own folder', () => {
  const { entries } = parseCompose('services:\n  db:\n    image: postgres\n', '/ws/infra/compose.yaml', '/ws');
  assert.equal(entries[0].entry.cwd, 'infra');
  assert.deepEqual(entries[0].entry.args, ['compose', '-f', 'compose.yaml', 'up', 'db']);
});

test('a malformed compose file is one problem at its place', () => {
  const bad = detectFixture('malformed', 'docker-compose.yml');
  const { entries, problems } = parseCompose(readFixture('malformed', 'docker-compose.yml'), bad, detectFixture('malformed'));
  assert.deepEqual(entries, []);
  assert.equal(problems.length, 1);
  assert.deepEqual([problems[0].source, problems[0].line], ['compose', 4]);
  assert.match(problems[0].message, /docker-compose\.yml is not valid YAML/);
});

test('odd services are skipped with a problem; a file without services gives nothing', () => {
  const { entries, problems } = parseCompose('services:\n  web: nginx\n  ok:\n    image: nginx\n', '/ws/compose.yaml', '/ws');
  assert.deepEqual(entries.map((e) => e.name), ['compose: ok']);
  assert.match(problems[0].message, /service "web" must be a mapping/);
  assert.deepEqual(parseCompose('volumes:\n  data: {}\n', '/ws/compose.yaml', '/ws'), { entries: [], problems: [] });
  assert.match(parseCompose('services: 3\n', '/ws/compose.yaml', '/ws').problems[0].message, /"services" must be a mapping/);
});

test('pnpm-workspace.yaml gives its package globs, negations included; a wrong shape is a problem', () => {
  const globs = readPnpmWorkspace(readFixture('pnpm-monorepo', 'pnpm-workspace.yaml'), '/ws/pnpm-workspace.yaml');
  assert.deepEqual(globs, { globs: ['apps/*', 'packages/*', '!packages/legacy'], problems: [] });
  const bad = readPnpmWorkspace(readFixture('malformed', 'pnpm-workspace.yaml'), '/ws/pnpm-workspace.yaml');
  assert.deepEqual(bad.globs, []);
  assert.match(bad.problems[0].message, /"packages" must be a list of folder globs/);
  assert.equal(readPnpmWorkspace('packages: [', '/ws/pnpm-workspace.yaml').problems.length, 1);
});
