import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSources } from '../../../src/config/sources';

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
