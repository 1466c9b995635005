import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOwnedSources, parseSources } from '../../../src/config/sources';

const ctx = { env: {}, homeDir: '/home/u' };

test('folders of a multi-root window each resolve against their own folder', () => {
  const set = parseSources(
    [
      { raw: [{ name: 'web', command: 'npm' }], folder: undefined, workspaceFolder: '/ws/a' },
      { raw: [{ name: 'api', command: 'node', cwd: 'srv' }], folder: '/ws/b', workspaceFolder: '/ws/b' },
    ],
    ctx,
  );
  assert.deepEqual(set.errors, []);
  assert.deepEqual(set.specs.map((s) => [s.name, s.cwd]), [['web', '/ws/a'], ['api', '/ws/b/srv']]);
});

test('a name reused in another folder is reported there and the first one wins', () => {
  const set = parseSources(
    [
      { raw: [{ name: 'web', command: 'a' }], folder: '/ws/a', workspaceFolder: '/ws/a' },
      { raw: [{ name: 'x', command: 'b' }, { name: 'web', command: 'b' }], folder: '/ws/b', workspaceFolder: '/ws/b' },
    ],
    ctx,
  );
  assert.deepEqual(set.specs.map((s) => [s.name, s.command]), [['web', 'a'], ['x', 'b']]);
  assert.equal(set.errors.length, 1);
  assert.equal(set.errors[0].index, 1);
  assert.equal(set.errors[0].folder, '/ws/b');
  assert.match(set.errors[0].message, /Task "web" in the settings of folder \/ws\/b: the name is already used in the settings of folder \/ws\/a/);
});

test('a dependency may name a definition of another folder, in either order', () => {
  const set = parseSources(
    [
      { raw: [{ name: 'web', command: 'npm', dependsOn: ['db', 'codegen'] }], folder: '/ws/a', workspaceFolder: '/ws/a' },
      { raw: [{ name: 'db', command: 'pg' }, { name: 'codegen', command: 'gen', kind: 'job' }], folder: '/ws/b', workspaceFolder: '/ws/b' },
    ],
    ctx,
  );
  assert.deepEqual(set.errors, []);
  assert.deepEqual(set.specs.find((s) => s.name === 'web')?.dependsOn, [
    { name: 'db', condition: 'healthy' },
    { name: 'codegen', condition: 'completed' },
  ]);
});

test('a bare name resolves by the kind of the definition that holds the name in the window', () => {
  const set = parseSources(
    [
      { raw: [{ name: 'build', command: 'make', kind: 'job' }], folder: '/ws/a', workspaceFolder: '/ws/a' },
      { raw: [{ name: 'build', command: 'watch' }, { name: 'test', command: 'jest', kind: 'job', dependsOn: ['build'] }], folder: '/ws/b', workspaceFolder: '/ws/b' },
    ],
    ctx,
  );
  assert.deepEqual(set.specs.map((s) => [s.name, s.command]), [['build', 'make'], ['test', 'jest']]);
  assert.deepEqual(set.specs[1].dependsOn, [{ name: 'build', condition: 'completed' }]);
});

test('a cycle across folders is reported on each entry, in its own folder', () => {
  const set = parseSources(
    [
      { raw: [{ name: 'x', command: 'x' }, { name: 'a', command: 'x', dependsOn: ['b'] }], folder: undefined, workspaceFolder: '/ws/a' },
      { raw: [{ name: 'b', command: 'x', dependsOn: ['c'] }], folder: '/ws/b', workspaceFolder: '/ws/b' },
      { raw: [{ name: 'c', command: 'x', dependsOn: ['a'] }], folder: '/ws/c', workspaceFolder: '/ws/c' },
    ],
    ctx,
  );
  assert.deepEqual(set.specs.map((s) => s.name), ['x']);
  assert.deepEqual(set.errors, [
    { index: 1, name: 'a', field: 'dependsOn', message: 'Task "a": dependsOn forms a cycle: a -> b -> c -> a.' },
    { index: 0, name: 'b', field: 'dependsOn', message: 'Task "b": dependsOn forms a cycle: b -> c -> a -> b.', folder: '/ws/b' },
    { index: 0, name: 'c', field: 'dependsOn', message: 'Task "c": dependsOn forms a cycle: c -> a -> b -> c.', folder: '/ws/c' },
  ]);
});

test('a dependency on an entry with errors in another folder drops the dependent, and unknown names are checked over all folders', () => {
  const set = parseSources(
    [
      { raw: [{ name: 'db', command: 'pg', kind: 'servce' }, { name: 'cache', command: 'redis' }], folder: '/ws/a', workspaceFolder: '/ws/a' },
      { raw: [{ name: 'ok', command: 'x' }, { name: 'web', command: 'x', dependsOn: ['db', 'cahce'] }, { name: 'api', command: 'x', dependsOn: ['db'] }], folder: '/ws/b', workspaceFolder: '/ws/b' },
    ],
    ctx,
  );
  assert.deepEqual(set.specs.map((s) => s.name), ['cache', 'ok']);
  assert.deepEqual(set.errors.map((e) => [e.folder, e.index, e.message]), [
    ['/ws/a', 0, 'Task "db": "kind" must be "service" or "job"; got "servce" (did you mean "service"?).'],
    ['/ws/b', 1, 'Task "web": "dependsOn[1]" names "cahce", but no task has that name (did you mean "cache"?).'],
    ['/ws/b', 2, 'Task "api": depends on "db", which has errors in its settings.'],
  ]);
});

test('a duplicate name added above the entry that had it is the one flagged, in one source or across folders', () => {
  const web = { name: 'web', command: 'npm', args: ['start'] };
  const added = { name: 'web', command: 'vite' };
  const first = parseOwnedSources([{ raw: [web], folder: undefined, workspaceFolder: '/ws' }], ctx);
  assert.deepEqual(first.set.errors, []);

  const again = parseOwnedSources([{ raw: [added, web], folder: undefined, workspaceFolder: '/ws' }], ctx, first.owners);
  assert.deepEqual(again.set.specs.map((s) => s.command), ['npm'], 'the existing "web" keeps its name');
  assert.equal(again.set.errors.length, 1);
  assert.equal(again.set.errors[0].index, 0, 'the new entry, above it, is flagged');
  assert.match(again.set.errors[0].message, /already used by devProcesses\.tasks\[1\]/);
  // And it stays that way on the next read.
  const third = parseOwnedSources([{ raw: [added, web], folder: undefined, workspaceFolder: '/ws' }], ctx, again.owners);
  assert.deepEqual(third.set.specs.map((s) => s.command), ['npm']);

  const folders = parseSources(
    [
      { raw: [added], folder: '/ws/a', workspaceFolder: '/ws/a' },
      { raw: [web], folder: '/ws/b', workspaceFolder: '/ws/b' },
    ],
    ctx,
    new Map([['web', { folder: '/ws/b', entry: JSON.stringify(web) }]]),
  );
  assert.deepEqual(folders.specs.map((s) => s.command), ['npm']);
  assert.equal(folders.errors[0].folder, '/ws/a');
  assert.match(folders.errors[0].message, /in the settings of folder \/ws\/a: the name is already used in the settings of folder \/ws\/b/);
});
