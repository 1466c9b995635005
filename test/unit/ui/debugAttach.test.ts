import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachConfiguration, inspectorPort, RUN_ID_FIELD } from '../../../src/ui/debugAttach';

test('the inspector port is read from Node\'s "Debugger listening on" line only', () => {
  assert.equal(inspectorPort('Debugger listening on ws://127.0.0.1:40123/0f6c9f3e-7a0b-4c55-9a3e-8d9f1e2a3b4c'), 40123);
  assert.equal(inspectorPort('Debugger listening on ws://[::1]:9229/abc'), 9229);
  assert.equal(inspectorPort('For help, see: https://nodejs.org/en/docs/inspector'), undefined);
  assert.equal(inspectorPort('Debugger listening on ws://127.0.0.1:0/x'), undefined);
  assert.equal(inspectorPort('listening on http://127.0.0.1:3000/'), undefined);
});

test('the node preset attaches to the port, the attach fields added but not over the port', () => {
  const spec = { name: 'api', cwd: '/ws', debug: { type: 'node' as const, attach: { sourceMaps: false, port: 1 }, env: {}, args: [], stopWithSession: false } };
  assert.deepEqual(attachConfiguration(spec, 'r1', 40123), {
    name: 'Dev Processes: api',
    type: 'node',
    request: 'attach',
    cwd: '/ws',
    skipFiles: ['<node_internals>/**'],
    sourceMaps: false,
    address: '127.0.0.1',
    port: 40123,
    [RUN_ID_FIELD]: 'r1',
  });
});

test('an attach configuration is used as written, with our name unless it has one', () => {
  const attach = { type: 'debugpy', connect: { port: 5678 }, cwd: '${workspaceFolder}' };
  const spec = { name: 'py', cwd: '/ws', debug: { attach, env: {}, args: [], stopWithSession: false } };
  assert.deepEqual(attachConfiguration(spec, 'r2'), { name: 'Dev Processes: py', ...attach, request: 'attach', [RUN_ID_FIELD]: 'r2' });
  assert.equal(attachConfiguration({ ...spec, debug: { ...spec.debug, attach: { ...attach, name: 'Mine' } } }, 'r2').name, 'Mine');
});
