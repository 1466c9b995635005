import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DetectedEntry } from '../../../../src/config/detected/types';
import { parseDetectSelection } from '../../../../src/config/detected/selection';
import { DetectedSpecCache } from '../../../../src/config/detected/join';
import { parseOwnedSources } from '../../../../src/config/sources';

const ctx = { env: {}, homeDir: '/home/u' };
const at = { file: '/ws/package.json', line: 3, column: 4 };

function npm(script: string, extra: Record<string, unknown> = {}): DetectedEntry {
  return { source: 'npm', name: `npm: ${script}`, folder: '/ws', at, entry: { name: `npm: ${script}`, command: 'npm', args: ['run', script], ...extra } };
}

const settings = (raw: unknown[]) => [{ raw, folder: undefined, workspaceFolder: '/ws' }];

test('detected entries join the settings with their source, after them', () => {
  const { set, detectedProblems } = parseOwnedSources(settings([{ name: 'api', command: 'node' }]), ctx, new Map(), [npm('dev'), npm('build', { kind: 'job' })]);
  assert.deepEqual(set.errors, []);
  assert.deepEqual(detectedProblems, []);
  assert.deepEqual(set.specs.map((s) => [s.name, s.source, s.kind, s.cwd]), [
    ['api', undefined, 'service', '/ws'],
    ['npm: dev', 'npm', 'service', '/ws'],
    ['npm: build', 'npm', 'job', '/ws'],
  ]);
});

test('a settings definition of the same name, or running the same command line, hides the detected entry', () => {
  const { set } = parseOwnedSources(
    settings([{ name: 'npm: dev', command: 'npm', args: ['run', 'dev', '--', '--port', '4000'] }, { name: 'build it', command: 'npm', args: ['run', 'build'] }]),
    ctx,
    new Map(),
    [npm('dev'), npm('build'), npm('lint')],
  );
  assert.deepEqual(set.specs.map((s) => [s.name, s.source ?? 'settings']), [['npm: dev', 'settings'], ['build it', 'settings'], ['npm: lint', 'npm']]);
});

test('a settings definition may depend on a detected one', () => {
  const { set } = parseOwnedSources(settings([{ name: 'e2e', command: 'node', kind: 'job', dependsOn: ['npm: dev'] }]), ctx, new Map(), [npm('dev')]);
  assert.deepEqual(set.errors, []);
  assert.deepEqual(set.specs[0].dependsOn, [{ name: 'npm: dev', condition: 'healthy' }]);
});

test('a detected entry our validation refuses, or whose dependency is missing, is a problem at its place, not a settings problem', () => {
  const { set, detectedProblems } = parseOwnedSources(settings([]), ctx, new Map(), [
    npm('bad', { timeoutMs: -1 }),
    npm('after', { dependsOn: ['npm: gone'] }),
    npm('ok'),
  ]);
  assert.deepEqual(set.errors, []);
  assert.deepEqual(set.specs.map((s) => s.name), ['npm: ok']);
  assert.equal(detectedProblems.length, 2);
  for (const p of detectedProblems) {
    assert.equal(p.file, at.file);
    assert.equal(p.line, 3);
    assert.doesNotMatch(p.message, /devProcesses\.tasks\[/);
  }
  assert.match(detectedProblems.map((p) => p.message).join('\n'), /npm: gone/);
});

test('devProcesses.detect: every source by default, single ones off, a list, or none', () => {
  const on = (raw: unknown) => Object.entries(parseDetectSelection(raw)).filter(([, v]) => v).map(([k]) => k);
  const all = ['npm', 'tasks', 'Procfile', 'process-compose', 'compose'];
  assert.deepEqual(on(undefined), all);
  assert.deepEqual(on(true), all);
  assert.deepEqual(on('yes'), all);
  assert.deepEqual(on(false), []);
  assert.deepEqual(on({ compose: false, npm: true }), ['npm', 'tasks', 'Procfile', 'process-compose']);
  assert.deepEqual(on(['npm', 'Procfile', 'nope']), ['npm', 'Procfile']);
});

test('with a cache, an unchanged detected entry is parsed once, a changed one anew, and what reads stop using is forgotten', () => {
  const cache = new DetectedSpecCache();
  const first = parseOwnedSources(settings([]), ctx, new Map(), [npm('dev'), npm('build', { kind: 'job' })], cache);
  const second = parseOwnedSources(settings([]), ctx, new Map(), [npm('dev'), npm('build', { kind: 'service' })], cache);
  assert.deepEqual(first.set.specs[0], second.set.specs[0]);
  assert.notEqual(first.set.specs[0], second.set.specs[0], 'each read gets its own spec objects');
  assert.deepEqual(second.set.specs.map((s) => [s.name, s.kind, s.source]), [['npm: dev', 'service', 'npm'], ['npm: build', 'service', 'npm']]);
  const held = cache.parse(npm('dev'), ctx);
  assert.equal(cache.parse(npm('dev'), ctx), held, 'the same text is parsed once');
  parseOwnedSources(settings([]), ctx, new Map(), [npm('lint')], cache);
  parseOwnedSources(settings([]), ctx, new Map(), [npm('lint')], cache);
  assert.notEqual(cache.parse(npm('dev'), ctx), held, 'forgotten once reads stop using it');
});
