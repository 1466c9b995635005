import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { globMatcher, splitGlob } from '../../../../src/core/globs';
import { LoopGuard } from '../../../../src/engine/watch/loopGuard';
import { WatchFilter } from '../../../../src/engine/watch/watchFilter';

describe('globs', () => {
  const cases: [string, string, boolean][] = [
    ['/ws/src/**/*.ts', '/ws/src/app.ts', true],
    ['/ws/src/**/*.ts', '/ws/src/a/b/app.ts', true],
    ['/ws/src/**/*.ts', '/ws/src/app.js', false],
    ['/ws/src/*.ts', '/ws/src/a/app.ts', false],
    ['/ws/src/**', '/ws/src/a/b', true],
    ['/ws/src', '/ws/src/a/b.ts', true],
    ['/ws/src', '/ws/srcx/b.ts', false],
    ['/ws/{a,b}/*.js', '/ws/b/x.js', true],
    ['/ws/{a,b}/*.js', '/ws/c/x.js', false],
    ['/ws/file?.[jt]s', '/ws/file1.ts', true],
    ['/ws/file?.[!jt]s', '/ws/file1.ts', false],
    ['/ws/a.b', '/ws/aXb', false],
  ];
  for (const [glob, file, expected] of cases) {
    test(`${glob} ${expected ? 'matches' : 'does not match'} ${file}`, () => assert.equal(globMatcher(glob).test(file), expected));
  }

  test('splitGlob gives the folder to watch and the rest', () => {
    assert.deepEqual(splitGlob('/ws/src/**/*.ts'), { base: '/ws/src', pattern: '**/*.ts' });
    assert.deepEqual(splitGlob('/ws/config.json'), { base: '/ws/config.json', pattern: '' });
    assert.deepEqual(splitGlob('/*.txt'), { base: '/', pattern: '*.txt' });
  });
});

describe('WatchFilter', () => {
  const filter = new WatchFilter('/ws', { paths: ['/ws/**', '/etc/app/**'], exclude: ['*.log', 'src/gen/**', 'tmp'] }, ['/ws/.logs']);

  test('a file under the paths counts, shown relative to cwd', () => {
    assert.equal(filter.accept('/ws/src/app.ts'), 'src/app.ts');
    assert.equal(filter.accept('/etc/app/conf.d/x.conf'), '/etc/app/conf.d/x.conf');
  });

  test('the default excludes at any depth, the own excludes, the log folder and other paths do not', () => {
    for (const file of ['/ws/node_modules/a/index.js', '/ws/pkg/node_modules/b.js', '/ws/.git/index', '/ws/dist/app.js', '/ws/out/x.js', '/ws/build/y', '/ws/server.log', '/ws/src/gen/types.ts', '/ws/a/tmp/x', '/ws/.logs/web.log', '/other/file', '/etc/app/node_modules/x']) {
      assert.equal(filter.accept(file), undefined, file);
    }
  });

  test('a folder the paths name on purpose is watched, excludes apply below it', () => {
    const dist = new WatchFilter('/ws', { paths: ['/ws/dist/**'], exclude: [] });
    assert.equal(dist.accept('/ws/dist/server.js'), 'dist/server.js');
    assert.equal(dist.accept('/ws/dist/node_modules/x.js'), undefined);
  });

  test('a default exclude name above cwd does not hide everything', () => {
    assert.equal(new WatchFilter('/home/me/build/app', { paths: ['/home/me/build/app/**'], exclude: [] }).accept('/home/me/build/app/src/a.ts'), 'src/a.ts');
  });
});

describe('LoopGuard', () => {
  const timings = { loopWindowMs: 1000, loopRestarts: 3 };

  test('the same file right after each of 3 restarts in a row is a loop', () => {
    const guard = new LoopGuard(timings);
    assert.equal(guard.check(['a.txt'], 0), undefined);
    for (const at of [1000, 3000]) {
      guard.restarted(at);
      assert.equal(guard.check(['a.txt', 'b.txt'], at + 200), undefined);
    }
    guard.restarted(5000);
    assert.equal(guard.check(['a.txt'], 5300), 'a.txt');
  });

  test('a change long after the restart, or of other files, starts counting again', () => {
    const guard = new LoopGuard(timings);
    guard.restarted(0);
    guard.check(['a.txt'], 100);
    guard.restarted(1000);
    guard.check(['a.txt'], 1100);
    guard.restarted(2000);
    assert.equal(guard.check(['a.txt'], 4000), undefined, 'too late');
    guard.restarted(5000);
    guard.check(['a.txt'], 5100);
    guard.restarted(6000);
    guard.check(['b.txt'], 6100);
    guard.restarted(7000);
    assert.equal(guard.check(['a.txt'], 7100), undefined, 'another file in between');
  });
});
