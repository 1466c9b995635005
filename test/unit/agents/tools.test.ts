import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invokeTool } from '../../../src/agents/tools';
import type { AgentContext } from '../../../src/agents/types';
import type { ProcessEngine } from '../../../src/engine/engine';
import { REDACTED } from '../../../src/platform/redact';
import { makeEngine, nodeSpec, waitForLine } from '../helpers';
import type { Answer } from './answers';

function context(engine: ProcessEngine, trusted = true): AgentContext {
  return { engine, settingsProblems: () => [], detectedProblems: () => [], outputProblems: () => [], trusted: () => trusted, now: Date.now };
}

async function call(ctx: AgentContext, tool: string, input: unknown): Promise<{ text: string; isError: boolean; json?: Answer }> {
  const result = await invokeTool(ctx, tool, input);
  let json: Answer | undefined;
  try {
    json = JSON.parse(result.text);
  } catch {
    // Text answers (output, errors).
  }
  return { ...result, json };
}

test('start waits until the service runs, a second start reuses it, stop ends it, list shows each step', async (t) => {
  const engine = makeEngine(t, [nodeSpec('web', 'agent-log.js', ['5'])]);
  const ctx = context(engine);
  const first = await call(ctx, 'devProcesses_start', { name: 'web' });
  assert.equal(first.json?.outcome, 'ready', first.text);
  const id = first.json!.runs[0].id;
  assert.equal(first.json?.runs[0].state, 'running');

  const again = await call(ctx, 'devProcesses_start', { name: 'web' });
  assert.equal(again.json?.runs[0].id, id, 'the running service is reused');
  assert.match(again.json?.message, /already running, so it was not started again/);

  const list = await call(ctx, 'devProcesses_list', {});
  assert.deepEqual(list.json?.definitions.map((d) => [d.name, d.kind, d.runs.map((r) => r.state)]), [['web', 'service', ['running']]]);

  const stopped = await call(ctx, 'devProcesses_stop', { name: 'web' });
  assert.equal(stopped.json?.outcome, 'stopped', stopped.text);
  assert.equal(engine.get(id)?.state, 'terminated');
  assert.equal((await call(ctx, 'devProcesses_stop', { name: 'web' })).json?.outcome, 'not-running');
});

test('a job that fails: the outcome says why, with its failure code, explanation and last output', async (t) => {
  const engine = makeEngine(t, [nodeSpec('bad', 'exit.js', ['3'], { kind: 'job' })]);
  const result = await call(context(engine), 'devProcesses_start', { name: 'bad', timeoutSeconds: 20 });
  assert.equal(result.json?.outcome, 'failed', result.text);
  assert.equal(result.json?.runs[0].failure.code, 'exit-code');
  assert.match(result.json?.message, /exit-code: "bad" failed: exited with code 3/);
  assert.match(result.json?.recentOutput, /^1: \[system\] Started: .*exit\.js 3 .*\n2: exiting with 3\n3: \[system\] "bad" failed: exited with code 3/);
});

test('a service that is not ready within the timeout: not-ready, still running', async (t) => {
  const engine = makeEngine(t, [
    nodeSpec('slow', 'ready-later.js', ['60000'], { healthCheck: { readiness: { type: 'log', pattern: 'ready', intervalMs: 50, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 3, successThreshold: 1 } } }),
  ]);
  const result = await call(context(engine), 'devProcesses_start', { name: 'slow', timeoutSeconds: 1 });
  assert.equal(result.json?.outcome, 'not-ready', result.text);
  assert.match(result.json?.message, /"slow" is running but not ready after 1 s/);
});

test('restart makes a new run and waits for it', async (t) => {
  const engine = makeEngine(t, [nodeSpec('web', 'agent-log.js', ['3'])]);
  const ctx = context(engine);
  const id = (await call(ctx, 'devProcesses_start', { name: 'web' })).json!.runs[0].id;
  const restarted = await call(ctx, 'devProcesses_restart', { name: 'web' });
  assert.equal(restarted.json?.outcome, 'ready', restarted.text);
  assert.notEqual(restarted.json?.runs[0].id, id);
  assert.equal(engine.get(id)?.state, 'terminated');
});

test('output: tail, search with context, secrets masked (environment values and credentials in URLs)', async (t) => {
  const engine = makeEngine(t, [nodeSpec('web', 'agent-log.js', ['50'], { env: { SECRET_TOKEN: 'tok-5551234' } })]);
  const ctx = context(engine);
  const id = await engine.spawn('web');
  await waitForLine(engine, id, /listening/);
  const tail = await call(ctx, 'devProcesses_output', { name: 'web', tail: 3 });
  assert.ok(!tail.isError);
  const body = tail.text.split('\n').slice(1);
  assert.deepEqual(body, [`52: connecting to postgres://app:${REDACTED}@db.local/app`, `53: token is ${REDACTED}`, '54: listening']);
  assert.match(tail.text, /^Output of "web", run \S+ \(running\): 3 lines shown of 54 kept; 51 older selected lines left out/);

  const search = await call(ctx, 'devProcesses_output', { name: 'web', search: 'boom', contextLines: 1 });
  assert.deepEqual(search.text.split('\n').slice(2), ['30- line 29', '31: [stderr] ERROR boom at line 30', '32- line 31']);
  const regex = await call(ctx, 'devProcesses_output', { name: id, search: '^line 4\\d$', regex: true, contextLines: 0, tail: 2 });
  assert.deepEqual(regex.text.split('\n').slice(2), ['49: line 48', '50: line 49']);
});

test('mistakes and unknown names are error results that say what is expected, never exceptions', async (t) => {
  const engine = makeEngine(t, [nodeSpec('web', 'agent-log.js')]);
  const ctx = context(engine);
  const cases: [string, unknown, RegExp][] = [
    ['devProcesses_start', {}, /^Error: "name" is required/],
    ['devProcesses_start', { name: 'nope' }, /^Error: No service or job is named "nope"; the definitions are: web\./],
    ['devProcesses_output', { name: 'nope' }, /^Error: No service, job or run is named "nope"/],
    ['devProcesses_restart', { name: 'web', timeoutSeconds: 9999 }, /"timeoutSeconds" must be a number from 1 to 300/],
    ['devProcesses_list', { name: 42 }, /"name" must be a non-empty string/],
    ['devProcesses_launch', {}, /There is no tool "devProcesses_launch"/],
  ];
  for (const [tool, input, message] of cases) {
    const result = await call(ctx, tool, input);
    assert.equal(result.isError, true, tool);
    assert.match(result.text, message);
  }
  assert.match((await call(ctx, 'devProcesses_output', { name: 'web' })).text, /has not run in this window yet/);
});

test('in an untrusted workspace the mutating tools refuse and start nothing; reading still works', async (t) => {
  const engine = makeEngine(t, [nodeSpec('web', 'agent-log.js')]);
  const ctx = context(engine, false);
  for (const tool of ['devProcesses_start', 'devProcesses_stop', 'devProcesses_restart']) {
    const result = await call(ctx, tool, { name: 'web' });
    assert.equal(result.isError, true);
    assert.match(result.text, /not trusted/);
  }
  assert.deepEqual(engine.list(), []);
  assert.equal((await call(ctx, 'devProcesses_list', {})).isError, false);
});
