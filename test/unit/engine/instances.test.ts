import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_INSTANCES, specDefaults } from '../../../src/core/defaults';
import type { InstanceRange, ProcessSpec } from '../../../src/core/types';
import { ProcessError } from '../../../src/core/errors';
import { ProcessEngine } from '../../../src/engine/engine';
import { makeEngine, repoRoot } from '../helpers';

const service = (instances: InstanceRange): ProcessSpec => ({
  ...specDefaults('service'), name: 'many', kind: 'service', command: '/bin/sleep', args: ['30'], cwd: repoRoot, env: {}, shell: false, autoStart: false, instances,
});

test('a service spec with 100,000 instances is refused as a caller mistake before any replica starts', async (t) => {
  const engine = new ProcessEngine({ stopTimeoutMs: 500 });
  t.after(() => engine.shutdown());
  for (const instances of [{ min: 100_000, max: 100_000, initial: 100_000 }, { min: 1, max: 1e9, initial: 1 }, { min: 1, max: 2, initial: NaN }, { min: 3, max: 2, initial: 2 }]) {
    assert.throws(() => engine.setDefinitions([service(instances)]), (err: Error) => err instanceof ProcessError && err.code === 'invalid-argument' && /"many": instances\.(min|max|initial)/.test(err.message));
  }
  assert.deepEqual(engine.definitions(), []);
  assert.equal(engine.list().length, 0);
});

test('the most instances the settings allow start at once, each its own replica', async (t) => {
  const engine = makeEngine(t, [service({ min: MAX_INSTANCES, max: MAX_INSTANCES, initial: MAX_INSTANCES })]);
  await engine.spawn('many');
  const runs = engine.list().filter((r) => r.name === 'many');
  assert.equal(runs.length, MAX_INSTANCES);
  assert.deepEqual(runs.map((r) => r.instance).sort((a, b) => a - b), Array.from({ length: MAX_INSTANCES }, (_, i) => i));
  await assert.rejects(engine.scaleUp('many'), /maximum/);
});
