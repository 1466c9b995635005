import assert from 'node:assert/strict';
import { test } from 'node:test';
import { specDefaults } from '../../../src/core/defaults';
import type { ProcessSpec } from '../../../src/core/types';
import { makeEngine, repoRoot } from '../helpers';

test('a dependsOn chain of 5,000 jobs is started without a RangeError: every link gets a run', async (t) => {
  const link = (i: number): ProcessSpec => ({
    ...specDefaults('job'), name: `j${i}`, kind: 'job', command: '/bin/true', args: [], cwd: repoRoot, env: {}, shell: false, autoStart: false,
    dependsOn: i === 0 ? [] : [{ name: `j${i - 1}`, condition: 'completed' }],
  });
  const engine = makeEngine(t, Array.from({ length: 5000 }, (_, i) => link(i)), { maxConcurrent: 1 });
  const id = await engine.spawn('j4999');
  assert.equal(engine.get(id)?.state, 'queued');
  assert.equal(new Set(engine.list().map((r) => r.name)).size, 5000);
});
