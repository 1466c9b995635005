import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import { ctx, specWith } from './entryHelpers';

function errorsWith(debug: unknown): { field?: string; message: string }[] {
  const set = parseDefinitions([{ name: 'web', command: 'x', debug }], ctx);
  assert.equal(set.specs.length, 0, 'an entry with errors gives no spec');
  return set.errors.map(({ field, message }) => ({ field, message }));
}

describe('debug', () => {
  test('the node preset, with defaults for the rest', () => {
    assert.deepEqual(specWith({ debug: { type: 'node' } }).debug, { type: 'node', env: {}, args: [], stopWithSession: false });
    assert.ok(!Object.hasOwn(specWith({}), 'debug'));
  });

  test('an attach configuration is kept as written; env and args expand like the definition\'s', () => {
    const attach = { type: 'debugpy', request: 'attach', connect: { port: 5678 }, pathMappings: [{ localRoot: '${workspaceFolder}', remoteRoot: '.' }] };
    const debug = specWith({ debug: { attach, env: { WAIT: '${workspaceFolder}/x' }, args: ['--listen', '${workspaceFolder}'], stopWithSession: true } }).debug;
    assert.deepEqual(debug, { attach, env: { WAIT: '/ws/x' }, args: ['--listen', '/ws'], stopWithSession: true });
  });

  const bad: [string, unknown, { field: string; message: string }[]][] = [
    ['a bare preset name', 'node', [{ field: 'debug', message: 'Task "web": "debug" must be an object such as { "type": "node" } or { "attach": { ... } }; got a string (write { "type": "node" }).' }]],
    ['neither preset nor attach', { env: {} }, [{ field: 'debug', message: 'Task "web": "debug" needs "type" (a preset: "node") or "attach" (a launch.json attach configuration).' }]],
    ['an unknown preset', { type: 'nod' }, [{ field: 'debug.type', message: 'Task "web": "debug.type" must be "node"; got "nod" (did you mean "node"?). For another debugger, give its "attach" configuration.' }]],
    ['attach without a type', { attach: { request: 'attach' } }, [{ field: 'debug.attach.type', message: 'Task "web": "debug.attach.type" must name the debugger as in launch.json (e.g. "debugpy", "go", "node").' }]],
    ['attach with a blank type', { attach: { type: ' ' } }, [{ field: 'debug.attach.type', message: 'Task "web": "debug.attach.type" must name the debugger as in launch.json (e.g. "debugpy", "go", "node"); got an empty string.' }]],
    ['a launch request', { attach: { type: 'go', request: 'launch' } }, [{ field: 'debug.attach.request', message: 'Task "web": "debug.attach.request" must be "attach" (the run is started here, the debugger attaches to it); got "launch".' }]],
    ['args as a string', { type: 'node', args: '--x' }, [{ field: 'debug.args', message: 'Task "web": "debug.args" must be an array of strings; got a string (write it as a list: ["--x"]).' }]],
    ['a number in env', { type: 'node', env: { PORT: 9229 } }, [{ field: 'debug.env.PORT', message: 'Task "web": "debug.env.PORT" must be a string; got a number (put it in quotes: "9229").' }]],
    ['a quoted boolean', { type: 'node', stopWithSession: 'true' }, [{ field: 'debug.stopWithSession', message: 'Task "web": "debug.stopWithSession" must be true or false; got "true".' }]],
    ['an unknown field', { type: 'node', stopWithSesion: true }, [{ field: 'debug.stopWithSesion', message: 'Task "web": "debug" has an unknown field "stopWithSesion" (did you mean "stopWithSession"?).' }]],
  ];
  for (const [what, debug, expected] of bad) {
    test(`${what} is an error naming the field`, () => assert.deepEqual(errorsWith(debug), expected));
  }

  test('a bad debug field leaves the other entries working', () => {
    const set = parseDefinitions([{ name: 'web', command: 'x', debug: { type: 'python' } }, { name: 'api', command: 'y', debug: { type: 'node' } }], ctx);
    assert.deepEqual(set.specs.map((s) => s.name), ['api']);
    assert.deepEqual(set.errors.map((e) => e.field), ['debug.type']);
  });
});
