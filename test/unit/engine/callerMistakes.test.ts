import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ErrorCode } from '../../../src/core/errors';
import { makeEngine, nodeSpec, waitFor } from '../helpers';

const job = (name: string, script: string, args: string[] = []) => nodeSpec(name, script, args, { kind: 'job' });

/** A rejection with this code, and no run left failed or terminated by it. */
async function rejectsWith(action: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<void> {
  const promise = typeof action === 'function' ? (async () => action())() : action;
  await assert.rejects(promise, (err: { name: string; code: string }) => {
    assert.equal(err.name, 'ProcessError');
    assert.equal(err.code, code);
    return true;
  });
}

describe('engine: caller mistakes reject with their own code, never spawn-failed', () => {
  test('an unknown definition, run or name is not-found', async (t) => {
    const engine = makeEngine(t, [job('a', 'exit.js', ['0'])]);
    await rejectsWith(engine.spawn('nope'), 'not-found');
    await rejectsWith(engine.scaleUp('nope'), 'not-found');
    await rejectsWith(engine.scaleDown('nope'), 'not-found');
    await rejectsWith(engine.kill('nope'), 'not-found');
    await rejectsWith(engine.restart('nope'), 'not-found');
    await rejectsWith(engine.retry('nope'), 'not-found');
    await rejectsWith(engine.cancel('nope'), 'not-found');
    await rejectsWith(() => engine.sendInput('nope', 'x'), 'not-found');
  });

  test('a restart or retry of a run whose definition was removed is not-found', async (t) => {
    const engine = makeEngine(t, [job('a', 'exit.js', ['0'])]);
    const id = await engine.spawn('a');
    await engine.whenDone(id);
    engine.setDefinitions([]);
    await rejectsWith(engine.restart(id), 'not-found');
    await rejectsWith(engine.retry(id), 'not-found');
  });

  test('an action on a run in the wrong state is invalid-state', async (t) => {
    const engine = makeEngine(t, [job('hang', 'hang.js'), job('done', 'exit.js', ['0'])]);
    const running = await engine.spawn('hang');
    await waitFor(() => engine.get(running)?.state === 'running', 'the job to run');
    await rejectsWith(engine.cancel(running), 'invalid-state');
    await rejectsWith(engine.retry(running), 'invalid-state');
    const done = await engine.spawn('done');
    await engine.whenDone(done);
    await rejectsWith(() => engine.sendInput(done, 'x'), 'invalid-state');
    await engine.shutdown(500);
    await rejectsWith(engine.spawn('done'), 'invalid-state');
  });

  test('scaling a service without a running instance is invalid-state; past its limits, limit-reached', async (t) => {
    const engine = makeEngine(t, [nodeSpec('svc', 'hang.js', [], { instances: { min: 1, max: 2, initial: 1 } })]);
    await rejectsWith(engine.scaleDown('svc'), 'invalid-state');
    await engine.spawn('svc');
    await engine.scaleUp('svc');
    await rejectsWith(engine.scaleUp('svc'), 'limit-reached');
    await engine.scaleDown('svc');
    await rejectsWith(engine.scaleDown('svc'), 'limit-reached');
  });

  test('a job where a service is needed, or an empty command line, is invalid-argument', async (t) => {
    const engine = makeEngine(t, [job('a', 'exit.js', ['0'])]);
    await rejectsWith(engine.scaleUp('a'), 'invalid-argument');
    await rejectsWith(engine.runCommandLine('   '), 'invalid-argument');
  });
});
