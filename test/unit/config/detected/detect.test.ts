import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { detectWorkspace } from '../../../../src/config/detected/detect';
import { nodeDetectFs } from '../../../../src/config/detected/nodeFs';
import { DETECT_SOURCES, type DetectFs, type DetectSelection } from '../../../../src/config/detected/types';
import { assertValidEntries, detectFixture } from './helpers';

const ALL: DetectSelection = { npm: true, tasks: true, Procfile: true, 'process-compose': true, compose: true };
const FIXTURES = ['vite-app', 'pnpm-monorepo', 'yarn-workspaces', 'vscode-tasks', 'rails-app', 'process-compose', 'docker', 'malformed'];
const withDocker = (docker: boolean): DetectFs => ({ ...nodeDetectFs(), onPath: async (program) => docker && program === 'docker' });

/** A file system held in memory: paths to texts. */
function memoryFs(files: Record<string, string>, docker = false): DetectFs {
  return {
    readText: async (file) => files[file],
    findDirectories: async () => [],
    onPath: async () => docker,
  };
}

test('every fixture, one folder at a time, gives entries our own validation accepts, with unique names', async () => {
  for (const name of FIXTURES) {
    const { entries } = await detectWorkspace([detectFixture(name)], ALL, withDocker(true));
    assert.ok(entries.length > 0, name);
    assert.equal(new Set(entries.map((e) => e.name)).size, entries.length, name);
    assertValidEntries(entries);
  }
});

test('all fixtures as one multi-root window: still valid and unique, packages named by their package', async () => {
  const { entries } = await detectWorkspace(FIXTURES.map((name) => detectFixture(name)), ALL, withDocker(true));
  assert.equal(new Set(entries.map((e) => e.name)).size, entries.length);
  assertValidEntries(entries);
  const names = entries.map((e) => e.name);
  for (const name of ['npm: vite-react-app/dev', 'npm: acme/dev', 'npm: web/dev', 'npm: @repo/ui/lint', 'npm: @shop/api/dev', 'tasks: api', 'Procfile: web', 'Procfile: web (malformed)', 'process-compose: api', 'compose: db']) {
    assert.ok(names.includes(name), name);
  }
});

test('a pnpm monorepo: root and workspace packages, pnpm as runner, negated globs left out', async () => {
  const folder = detectFixture('pnpm-monorepo');
  const { entries, problems } = await detectWorkspace([folder], ALL, withDocker(false));
  assert.deepEqual(problems, []);
  assert.deepEqual([...new Set(entries.map((e) => e.name.replace(/\/[^/]*$/, '')))], ['npm: acme', 'npm: docs', 'npm: web', 'npm: @repo/ui']);
  const webDev = entries.find((e) => e.name === 'npm: web/dev');
  assert.deepEqual(webDev?.entry, { name: 'npm: web/dev', command: 'pnpm', args: ['run', 'dev'], cwd: 'apps/web', kind: 'service' });
  assert.equal(webDev?.at.file, path.join(folder, 'apps', 'web', 'package.json'));
});

test('a yarn workspaces repo runs its scripts with yarn, found from its lockfile', async () => {
  const { entries } = await detectWorkspace([detectFixture('yarn-workspaces')], ALL, withDocker(false));
  assert.deepEqual(entries.find((e) => e.name === 'npm: @shop/client/dev')?.entry, {
    name: 'npm: @shop/client/dev', command: 'yarn', args: ['run', 'dev'], cwd: 'packages/client', kind: 'service',
  });
  assert.equal(entries.find((e) => e.name === 'npm: shop/test')?.entry.command, 'yarn');
});

test('one package in the window: names without the package', async () => {
  const { entries } = await detectWorkspace([detectFixture('vite-app')], ALL, withDocker(false));
  assert.deepEqual(entries.slice(0, 2).map((e) => e.name), ['npm: dev', 'npm: build']);
});

test('the Procfile.dev is read when there is one, else the Procfile', async () => {
  const both = await detectWorkspace([detectFixture('rails-app')], ALL, withDocker(false));
  assert.deepEqual(both.entries.map((e) => e.name), ['Procfile: web', 'Procfile: js', 'Procfile: css', 'Procfile: worker']);
  assert.equal(both.entries[0].at.file, detectFixture('rails-app', 'Procfile.dev'));
  const only = await detectWorkspace(['/ws'], ALL, memoryFs({ '/ws/Procfile': 'web: bundle exec puma\nrelease: bin/rails db:migrate\n' }));
  assert.deepEqual(only.entries.map((e) => e.name), ['Procfile: web', 'Procfile: release']);
});

test('compose services are offered only with docker on PATH, and then without a problem either way', async () => {
  const folder = detectFixture('docker');
  assert.deepEqual(await detectWorkspace([folder], ALL, withDocker(false)), { entries: [], problems: [] });
  const malformed = await detectWorkspace([detectFixture('malformed')], ALL, withDocker(false));
  assert.ok(!malformed.problems.some((p) => p.source === 'compose'));
  assert.equal((await detectWorkspace([folder], ALL, withDocker(true))).entries.length, 3);
});

test('the selection turns sources off', async () => {
  const folders = FIXTURES.map((name) => detectFixture(name));
  for (const off of DETECT_SOURCES) {
    const { entries, problems } = await detectWorkspace(folders, { ...ALL, [off]: false }, withDocker(true));
    assert.ok(!entries.some((e) => e.source === off), off);
    assert.ok(!problems.some((p) => p.source === off), off);
    assert.ok(entries.length > 0);
  }
  assert.deepEqual(await detectWorkspace(folders, { npm: false, tasks: false, Procfile: false, 'process-compose': false, compose: false }, withDocker(true)), { entries: [], problems: [] });
});

test('malformed files are one problem each, and the good sources of the same folder still give their entries', async () => {
  const folder = detectFixture('malformed');
  const { entries, problems } = await detectWorkspace([folder], ALL, withDocker(true));
  assert.deepEqual(entries.map((e) => e.name), ['Procfile: web', 'Procfile: worker']);
  const bySource = (source: string) => problems.filter((p) => p.source === source).length;
  assert.deepEqual([bySource('npm'), bySource('tasks'), bySource('process-compose'), bySource('compose')], [2, 1, 1, 1]);
  for (const problem of problems) assert.ok(problem.file.startsWith(folder) && problem.line >= 0 && problem.column >= 0);
});

test('the same label in two folders: the second gets its folder name, and its dependents follow it', async () => {
  const tasks = JSON.stringify({ tasks: [{ label: 'build', command: 'make' }, { label: 'serve', command: 'serve', isBackground: true, dependsOn: 'build' }] });
  const files = { '/ws/api/.vscode/tasks.json': tasks, '/ws/web/.vscode/tasks.json': tasks, '/ws/other/web/.vscode/tasks.json': tasks };
  const { entries } = await detectWorkspace(['/ws/api', '/ws/web', '/ws/other/web'], ALL, memoryFs(files));
  assert.deepEqual(entries.map((e) => [e.name, e.entry.dependsOn]), [
    ['tasks: build', undefined], ['tasks: serve', ['tasks: build']],
    ['tasks: build (web)', undefined], ['tasks: serve (web)', ['tasks: build (web)']],
    ['tasks: build (web 2)', undefined], ['tasks: serve (web 2)', ['tasks: build (web 2)']],
  ]);
  for (const e of entries) assert.equal(e.entry.name, e.name);
  assertValidEntries(entries);
});

test('a file system that fails is a file that is not there: nothing throws', async () => {
  const failing: DetectFs = {
    readText: async (file) => { if (file.endsWith('tasks.json')) throw new Error('EACCES'); return file === '/ws/Procfile' ? 'web: x\n' : undefined; },
    findDirectories: () => { throw new Error('boom'); },
    onPath: async () => { throw new Error('boom'); },
    exists: async () => { throw new Error('boom'); },
  };
  const { entries } = await detectWorkspace(['/ws'], ALL, failing);
  assert.deepEqual(entries.map((e) => e.name), ['Procfile: web']);
});

test('the node file system finds workspace globs (*, **, literal, !negation), never in node_modules, and refuses huge files unread', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'detect-'));
  try {
    for (const dir of ['apps/web', 'apps/docs', 'packages/a/b/deep', 'packages/old', 'node_modules/x', 'apps/node_modules/y', 'tools', '.hidden/p']) {
      fs.mkdirSync(path.join(root, dir), { recursive: true });
    }
    const nodeFs = nodeDetectFs();
    const found = async (globs: string[]) => (await nodeFs.findDirectories(root, globs)).map((dir) => path.relative(root, dir));
    assert.deepEqual(await found(['apps/*']), ['apps/docs', 'apps/web']);
    assert.deepEqual(await found(['packages/**', '!packages/old']), ['packages', 'packages/a', 'packages/a/b', 'packages/a/b/deep']);
    assert.deepEqual(await found(['./tools/', 'ap?s/w*', '../outside', '/abs']), ['apps/web', 'tools']);
    assert.deepEqual(await found(['**/y', 'node_modules/*']), []);
    fs.writeFileSync(path.join(root, 'package.json'), `{"scripts":{"a":"${'x'.repeat(5 * 1024 * 1024)}"}}`);
    assert.equal((await nodeFs.readText(path.join(root, 'package.json')))?.length, 4 * 1024 * 1024 + 1);
    assert.equal(await nodeFs.readText(path.join(root, 'missing.json')), undefined);
    assert.equal(await nodeFs.readText(path.join(root, 'apps')), undefined);
    const { entries, problems } = await detectWorkspace([root], ALL, nodeFs);
    assert.deepEqual(entries, []);
    assert.match(problems[0].message, /package\.json is larger than 4 MB/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
