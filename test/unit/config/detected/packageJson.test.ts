import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packageEntries, packageManagerOf, readPackageJson } from '../../../../src/config/detected/packageJson';
import { scriptKind } from '../../../../src/config/detected/kind';
import { assertValidEntries, byName, detectFixture, readFixture } from './helpers';

const folder = detectFixture('vite-app');
const file = detectFixture('vite-app', 'package.json');

test('a Vite app gives one entry per script, run by npm in the folder, with the script key as its place', () => {
  const { manifest, problems } = readPackageJson(readFixture('vite-app', 'package.json'), file);
  assert.deepEqual(problems, []);
  assert.ok(manifest);
  assert.equal(manifest.name, 'vite-react-app');
  const entries = packageEntries(manifest, { folder, manager: 'npm', label: undefined });
  assert.deepEqual(entries.map((e) => e.name), ['npm: dev', 'npm: build', 'npm: lint', 'npm: preview', 'npm: test', 'npm: test:watch', 'npm: typecheck', 'npm: prepare']);
  const dev = byName(entries).get('npm: dev');
  assert.deepEqual(dev?.entry, { name: 'npm: dev', command: 'npm', args: ['run', 'dev'], kind: 'service' });
  assert.deepEqual(dev?.at, { file, line: 6, column: 4 });
  assert.equal(dev?.source, 'npm');
  assert.equal(dev?.folder, folder);
  assertValidEntries(entries);
});

test('a package below the folder runs there, with its label and its package manager', () => {
  const { manifest } = readPackageJson('{ "scripts": { "dev": "next dev" } }', '/ws/apps/web/package.json');
  assert.ok(manifest);
  const [entry] = packageEntries(manifest, { folder: '/ws', manager: 'pnpm', label: 'web' });
  assert.deepEqual(entry.entry, { name: 'npm: web/dev', command: 'pnpm', args: ['run', 'dev'], cwd: 'apps/web', kind: 'service' });
});

test('scripts that keep running are services, the rest jobs', () => {
  const services: [string, string][] = [
    ['dev', 'vite'], ['start', 'node server.js'], ['serve', 'x'], ['build:watch', 'tsc -b'], ['storybook', 'storybook dev -p 6006'],
    ['web', 'vite --port 3000'], ['ui', 'vite preview'], ['api', 'nodemon src/index.js'], ['compile', 'tsc -w'], ['jest', 'jest --watchAll'],
    ['app', 'next dev'], ['docs', 'webpack serve'], ['static', 'http-server dist'],
  ];
  const jobs: [string, string][] = [
    ['build', 'tsc && vite build'], ['test', 'vitest run'], ['lint', 'eslint .'], ['prepare', 'husky'], ['prestart', 'npm run build'],
    ['deploy', 'wrangler deploy'], ['clean', 'rimraf dist'], ['format', 'prettier --write .'], ['devtools-check', 'node check.js'],
  ];
  for (const [name, text] of services) assert.equal(scriptKind(name, text), 'service', `${name}: ${text}`);
  for (const [name, text] of jobs) assert.equal(scriptKind(name, text), 'job', `${name}: ${text}`);
});

test('workspace globs as an array or as { packages }, and the package manager from the field or the lockfile', () => {
  const asArray = readPackageJson('{ "workspaces": ["packages/*", "!packages/old", 3] }', '/ws/package.json').manifest;
  assert.deepEqual(asArray?.workspaces, ['packages/*', '!packages/old']);
  const asObject = readPackageJson('{ "workspaces": { "packages": ["apps/*"], "nohoist": ["**/x"] }, "packageManager": "yarn@4.1.0" }', '/ws/package.json').manifest;
  assert.deepEqual(asObject?.workspaces, ['apps/*']);
  assert.equal(packageManagerOf(asObject, new Set(['pnpm-lock.yaml'])), 'yarn');
  assert.equal(packageManagerOf(asArray, new Set(['pnpm-lock.yaml'])), 'pnpm');
  assert.equal(packageManagerOf(asArray, new Set(['yarn.lock'])), 'yarn');
  assert.equal(packageManagerOf(asArray, new Set(['bun.lock'])), 'bun');
  assert.equal(packageManagerOf(asArray, new Set()), 'npm');
  assert.equal(packageManagerOf(undefined, new Set()), 'npm');
});

test('a malformed package.json is one problem at the syntax error', () => {
  const bad = detectFixture('malformed', 'package.json');
  const { manifest, problems } = readPackageJson(readFixture('malformed', 'package.json'), bad);
  assert.equal(manifest, undefined);
  assert.equal(problems.length, 1);
  assert.deepEqual({ ...problems[0], message: '' }, { source: 'npm', file: bad, line: 5, column: 2, message: '' });
  assert.match(problems[0].message, /package\.json is not valid JSON: property name expected/);
});

test('hostile package.json files give a clear problem, never an exception', () => {
  const cases: [string, RegExp][] = [
    ['[1, 2]', /must hold an object; got an array/],
    ['"scripts"', /must hold an object; got a string/],
    ['', /not valid JSON/],
    [`${'['.repeat(100_000)}${']'.repeat(100_000)}`, /must hold an object|could not be read/],
    [' '.repeat(5 * 1024 * 1024), /larger than 4 MB/],
  ];
  for (const [text, expected] of cases) {
    const { manifest, problems } = readPackageJson(text, '/ws/package.json');
    assert.equal(manifest, undefined);
    assert.equal(problems.length, 1, text.slice(0, 20));
    assert.match(problems[0].message, expected);
  }
});

test('"scripts" that is not an object is one problem; the package still counts', () => {
  const { manifest, problems } = readPackageJson('{ "name": "x", "scripts": ["dev"] }', '/ws/package.json');
  assert.deepEqual(manifest?.scripts, []);
  assert.match(problems[0].message, /"scripts" must be an object of script names and command lines; got an array/);
});

test('a script that is not a string, or whose name is unusable, is skipped with a problem; the others stay', () => {
  const long = 'x'.repeat(10_000);
  const text = JSON.stringify({ scripts: { dev: 'vite', build: 42, test: ['a'], lint: '', [long]: 'echo', 'a\nb': 'echo', 'c\u001bd': 'echo' } }, null, 2);
  const { manifest, problems } = readPackageJson(text, '/ws/package.json');
  assert.deepEqual(manifest?.scripts.map((s) => s.name), ['dev']);
  assert.equal(problems.length, 6);
  assert.match(problems[0].message, /script "build" must be a command line \(a string\); got a number; skipped/);
  assert.deepEqual([problems[0].line, problems[0].column], [3, 13]);
  assert.match(problems[3].message, /longer than 200 characters/);
  assert.ok(problems[3].message.length < 200);
  assert.match(problems[4].message, /control characters/);
});

test('a script key given twice: the last one counts, as npm reads it', () => {
  const { manifest } = readPackageJson('{ "scripts": { "dev": "a", "dev": "b" } }', '/ws/package.json');
  assert.deepEqual(manifest?.scripts.map((s) => [s.name, s.text]), [['dev', 'b']]);
});
