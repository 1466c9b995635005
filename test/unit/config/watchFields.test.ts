import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { parseDefinitions } from '../../../src/config/definitions';
import { ctx, specWith } from './entryHelpers';

function errorsWith(fields: Record<string, unknown>, others: unknown[] = []): { field?: string; message: string; name?: string }[] {
  const set = parseDefinitions([{ name: 'web', command: 'x', ...fields }, ...others], ctx);
  assert.ok(!set.specs.some((s) => s.name === 'web'), 'an entry with errors gives no spec');
  return set.errors.map(({ field, message, name }) => ({ field, message, name }));
}

describe('watch', () => {
  test('keeps paths (made absolute against cwd), exclude, debounceMs, action, build, overlap; the defaults', () => {
    const spec = specWith({ watch: { paths: ['src/**/*.ts', 'config.json', '${workspaceFolder}/lib'], exclude: ['*.log', 'src/gen/**'], debounceMs: 50, action: 'restart-with-dependents', overlap: true } });
    assert.deepEqual(spec.watch, {
      paths: ['/ws/src/**/*.ts', '/ws/config.json', '/ws/lib'],
      exclude: ['*.log', 'src/gen/**'],
      debounceMs: 50,
      action: 'restart-with-dependents',
      overlap: true,
    });
    assert.deepEqual(specWith({ watch: {} }).watch, { paths: ['/ws/**'], exclude: [], debounceMs: 300, action: 'restart', overlap: false });
    assert.deepEqual(specWith({ cwd: 'app', watch: { paths: ['./src/../lib/*.js'] } }).watch?.paths, ['/ws/app/lib/*.js']);
    assert.ok(!Object.hasOwn(specWith({}), 'watch'));
  });

  test('an absolute path outside the workspace that exists is kept', () => {
    const tmp = os.tmpdir();
    assert.deepEqual(specWith({ watch: { paths: [`${tmp}/**/*.conf`] } }).watch?.paths, [`${tmp}/**/*.conf`]);
  });

  test('"build" naming a job is kept; naming a service, an unknown or a broken entry is a problem at watch.build', () => {
    const set = parseDefinitions([{ name: 'web', command: 'x', watch: { build: 'compile' } }, { name: 'compile', kind: 'job', command: 'tsc' }], ctx);
    assert.deepEqual(set.errors, []);
    assert.equal(set.specs.find((s) => s.name === 'web')?.watch?.build, 'compile');
    const service = errorsWith({ watch: { build: 'db' } }, [{ name: 'db', command: 'postgres' }]);
    assert.deepEqual(service.map((e) => e.field), ['watch.build']);
    assert.match(service[0].message, /^Task "web": "watch.build" names "db", which is a service; it must name a job/);
    const unknown = errorsWith({ watch: { build: 'compil' } }, [{ name: 'compile', kind: 'job', command: 'tsc' }]);
    assert.match(unknown[0].message, /names "compil", but no task has that name \(did you mean "compile"\?\)/);
    const broken = errorsWith({ watch: { build: 'compile' } }, [{ name: 'compile', kind: 'job', command: 3 }]);
    assert.ok(broken.some((e) => e.field === 'watch.build' && /which has errors in its settings/.test(e.message)), JSON.stringify(broken));
  });

  test('what depends on a service whose build is unknown is told, and other entries keep working', () => {
    const set = parseDefinitions([
      { name: 'web', command: 'x', watch: { build: 'nope' } },
      { name: 'proxy', command: 'y', dependsOn: ['web'] },
      { name: 'db', command: 'z' },
    ], ctx);
    assert.deepEqual(set.specs.map((s) => s.name), ['db']);
    assert.ok(set.errors.some((e) => e.name === 'proxy' && /depends on "web", which has errors/.test(e.message)));
  });

  const bad: [string, unknown, string, RegExp][] = [
    ['not an object', ['src/**'], 'watch', /"watch" must be an object such as \{ "paths": \["src\/\*\*"\] \}; got an array \(put the globs in "paths"/],
    ['paths as one string', { paths: 'src/**' }, 'watch.paths', /"watch.paths" must be an array of globs; got a string \(write it as a list: \["src\/\*\*"\]\)/],
    ['an empty glob', { paths: ['src', ''] }, 'watch.paths[1]', /"watch.paths\[1\]" must be a non-empty glob/],
    ['a relative path leaving the workspace', { paths: ['../other/**'] }, 'watch.paths[0]', /leads outside the workspace; write a folder outside it as an absolute path/],
    ['an absolute path outside that does not exist', { paths: ['/no-such-dir-dpm/**'] }, 'watch.paths[0]', /is outside the workspace and "\/no-such-dir-dpm" does not exist/],
    ['an exclude of the wrong type', { exclude: [3] }, 'watch.exclude[0]', /must be a non-empty glob; got a number/],
    ['a negative debounce', { debounceMs: -1 }, 'watch.debounceMs', /"watch.debounceMs" must be/],
    ['a debounce too long', { debounceMs: 600_000 }, 'watch.debounceMs', /must be at most 60000/],
    ['an unknown action', { action: 'restrat' }, 'watch.action', /"watch.action" must be "restart", "restart-with-dependents" or "none"; got "restrat" \(did you mean "restart"\?\)/],
    ['an empty build', { build: '' }, 'watch.build', /must be the name of a job/],
    ['a build naming itself', { build: 'web' }, 'watch.build', /names the service itself/],
    ['overlap as a string', { overlap: 'true' }, 'watch.overlap', /"watch.overlap" must be true or false/],
    ['an unknown key', { path: ['src'] }, 'watch.path', /"watch" has an unknown field "path" \(did you mean "paths"\?\)/],
  ];
  for (const [what, watch, field, message] of bad) {
    test(`${what}: a located problem, the entry named`, () => {
      const errors = errorsWith({ watch });
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].field, field);
      assert.match(errors[0].message, /^Task "web": /);
      assert.match(errors[0].message, message);
    });
  }

  test('a job cannot watch', () => {
    const errors = errorsWith({ kind: 'job', watch: {} });
    assert.deepEqual(errors.map((e) => e.field), ['watch']);
    assert.match(errors[0].message, /"watch" is for services; a job runs to completion/);
  });
});
