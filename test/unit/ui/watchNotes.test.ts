import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definitionTooltip, watchNotes } from '../../../src/ui/treeFormat';

test("a watched service's tooltip says what the last change did and which globs match no file yet", () => {
  const now = 1_000_000;
  assert.deepEqual(watchNotes(null, now), []);
  assert.deepEqual(watchNotes({ status: 'watching', lastChange: null, message: null, unmatched: [] }, now), []);
  assert.deepEqual(watchNotes({ status: 'stale', lastChange: { file: 'src/app.ts', at: now - 5000 }, message: 'stale: build failed', unmatched: ['assets/**'] }, now), [
    'Watch: src/app.ts changed 5 s ago (stale: build failed)',
    'Watch: assets/** matches no file yet (new files will count)',
  ]);
  const tooltip = definitionTooltip('web', { kind: 'service', command: 'node', args: [], env: {} }, undefined, [], {}, watchNotes({ status: 'paused', lastChange: null, message: 'watch paused', unmatched: [] }, now));
  assert.match(tooltip, /Watch\\: watch paused$/);
});
