import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcfile } from '../../../../src/config/detected/procfile';
import { assertValidEntries, byName, detectFixture, readFixture } from './helpers';

const folder = detectFixture('rails-app');

test('a Rails Procfile.dev: each line a service through the shell, PORT set as foreman does where the line uses it', () => {
  const file = detectFixture('rails-app', 'Procfile.dev');
  const { entries, problems } = parseProcfile(readFixture('rails-app', 'Procfile.dev'), file, folder);
  assert.deepEqual(problems, []);
  assert.deepEqual(entries.map((e) => e.name), ['Procfile: web', 'Procfile: js', 'Procfile: css', 'Procfile: worker']);
  const web = byName(entries).get('Procfile: web');
  assert.deepEqual(web?.entry, { name: 'Procfile: web', command: 'bin/rails server -p $PORT', shell: true, env: { PORT: '5000' }, kind: 'service' });
  assert.deepEqual(web?.at, { file, line: 1, column: 0 });
  assert.deepEqual(byName(entries).get('Procfile: worker')?.entry, { name: 'Procfile: worker', command: 'bundle exec sidekiq', shell: true, kind: 'service' });
  assertValidEntries(entries);
});

test('the release line of a Heroku Procfile is a job', () => {
  const { entries } = parseProcfile(readFixture('rails-app', 'Procfile'), detectFixture('rails-app', 'Procfile'), folder);
  assert.deepEqual(entries.map((e) => [e.name, e.entry.kind]), [['Procfile: web', 'service'], ['Procfile: worker', 'service'], ['Procfile: release', 'job']]);
  assertValidEntries(entries);
});

test('a Procfile below the folder runs in its own folder', () => {
  const { entries } = parseProcfile('web: node server.js\n', '/ws/api/Procfile', '/ws');
  assert.equal(entries[0].entry.cwd, 'api');
});

test('bad lines of a Procfile are one problem each, at the line; the good lines stay', () => {
  const file = detectFixture('malformed', 'Procfile');
  const { entries, problems } = parseProcfile(readFixture('malformed', 'Procfile'), file, detectFixture('malformed'));
  assert.deepEqual(entries.map((e) => [e.name, e.entry.command]), [['Procfile: web', 'bin/rails server'], ['Procfile: worker', 'bundle exec sidekiq']]);
  assert.deepEqual(problems.map((p) => p.line), [1, 2, 3, 4]);
  assert.match(problems[0].message, /line 2 is not "name: command" \(it needs a name, a colon and a command\)/);
  assert.match(problems[1].message, /a name may hold only letters/);
  assert.match(problems[2].message, /"empty" has no command/);
  assert.match(problems[3].message, /"web" is defined again; the first one is used/);
  assertValidEntries(entries);
});

test('a huge or binary Procfile gives a problem, never an exception', () => {
  assert.match(parseProcfile('a'.repeat(5 * 1024 * 1024), '/ws/Procfile', '/ws').problems[0].message, /larger than 4 MB/);
  const binary = parseProcfile('\u0000\u0001\u0002:\u0003\n', '/ws/Procfile', '/ws');
  assert.equal(binary.entries.length, 0);
  assert.equal(binary.problems.length, 1);
  const long = parseProcfile(`${'n'.repeat(10_000)}: echo\n`, '/ws/Procfile', '/ws');
  assert.match(long.problems[0].message, /longer than 200 characters/);
});
