import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SERVICE_RESTART } from '../../../../src/core/defaults';
import { debugExtras, NODE_INSPECT_OPTION, withExtraArgs, withExtraEnv } from '../../../../src/engine/run/runExtras';
import { makeEngine, nodeSpec, waitFor } from '../../helpers';

describe('run extras', () => {
  test('env is set over the environment, appendEnv is added after a space or set when absent or blank', () => {
    const env = { NODE_OPTIONS: '--max-old-space-size=100', A: 'old', BLANK: '  ' };
    const extras = { env: { A: 'new', B: 'b' }, appendEnv: { NODE_OPTIONS: '--inspect', BLANK: '-x', C: '-y' } };
    assert.deepEqual(withExtraEnv(env, extras), { NODE_OPTIONS: '--max-old-space-size=100 --inspect', A: 'new', B: 'b', BLANK: '-x', C: '-y' });
    assert.equal(withExtraEnv(env, undefined), env);
    assert.deepEqual(env.NODE_OPTIONS, '--max-old-space-size=100', 'the environment given is not changed');
  });

  test('args come after the definition\'s', () => {
    assert.deepEqual(withExtraArgs(['a'], { args: ['b', 'c'] }), ['a', 'b', 'c']);
    assert.deepEqual(withExtraArgs(['a'], {}), ['a']);
  });

  test('the node preset adds the inspector to NODE_OPTIONS; an attach configuration only env and args', () => {
    assert.deepEqual(debugExtras({ type: 'node', env: { X: '1' }, args: ['--y'], stopWithSession: false }), {
      env: { X: '1' },
      args: ['--y'],
      appendEnv: { NODE_OPTIONS: NODE_INSPECT_OPTION },
    });
    assert.deepEqual(debugExtras({ attach: { type: 'debugpy' }, env: {}, args: [], stopWithSession: false }), { env: {}, args: [] });
  });
});

describe('a run with extras', () => {
  // env.js prints the variables its arguments name: an extra argument names one more.
  const spec = nodeSpec('web', 'env.js', ['NODE_OPTIONS', 'A'], { env: { NODE_OPTIONS: '--max-old-space-size=200' }, restart: { ...DEFAULT_SERVICE_RESTART, policy: 'always', initialDelayMs: 10 } });
  const extras = { env: { B: 'b' }, appendEnv: { NODE_OPTIONS: '--no-warnings' }, args: ['B'] };
  const envLines = (engine: ReturnType<typeof makeEngine>, id: string) => engine.output(id).filter((l) => l.text.startsWith('env ')).map((l) => JSON.parse(l.text.slice(4)));

  test('keeps them across automatic restarts; a restart asked for starts without them', async (t) => {
    const engine = makeEngine(t, [spec]);
    const first = await engine.spawn('web');
    const id = await engine.restart(first, { extras });
    await waitFor(() => envLines(engine, id).length >= 2, 'two attempts of the run');
    const [one, two] = envLines(engine, id);
    const expected = { NODE_OPTIONS: '--max-old-space-size=200 --no-warnings', A: null, B: 'b' };
    assert.deepEqual(one, expected);
    assert.deepEqual(two, expected, 'an automatic restart keeps them');
    assert.ok(engine.get(id)!.restarts >= 1);
    assert.match(engine.get(id)!.commandLine, / NODE_OPTIONS A B$/);
    const plain = await engine.restart(id);
    await waitFor(() => envLines(engine, plain).length >= 1, 'the plain restart');
    assert.deepEqual(envLines(engine, plain)[0], { NODE_OPTIONS: '--max-old-space-size=200', A: null });
  });

  test('a spawn with extras gives them to the run', async (t) => {
    const engine = makeEngine(t, [{ ...spec, restart: { ...spec.restart, policy: 'never' } }]);
    const id = await engine.spawn('web', { extras });
    await waitFor(() => envLines(engine, id).length >= 1, 'the output');
    assert.equal(envLines(engine, id)[0].B, 'b');
  });
});
