import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { callWindow, NO_WINDOW } from '../../../src/agents/agentClient';
import { AgentSocketServer, type Endpoint } from '../../../src/agents/agentSocket';

function tempDir(t: { after(fn: () => unknown): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-agent-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a call reaches the window through the endpoint file: socket dir 0700, file 0600, the answer comes back', async (t) => {
  const file = path.join(tempDir(t), 'storage', 'agent-endpoint.json');
  const calls: [string, unknown][] = [];
  const server = new AgentSocketServer(async (tool, input) => {
    calls.push([tool, input]);
    return { text: `answer to ${tool}`, isError: false };
  }, file);
  t.after(() => server.dispose());
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const endpoint = JSON.parse(fs.readFileSync(file, 'utf8')) as Endpoint;
  assert.equal(endpoint.socket, server.socketPath);
  assert.equal(fs.statSync(path.dirname(server.socketPath)).mode & 0o777, 0o700);

  assert.deepEqual(await callWindow(file, 'devProcesses_list', { name: 'web' }), { text: 'answer to devProcesses_list', isError: false });
  assert.deepEqual(calls, [['devProcesses_list', { name: 'web' }]]);
});

test('a wrong token is refused and logged; the tools are not called', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'agent-endpoint.json');
  const logged: string[] = [];
  let called = false;
  const server = new AgentSocketServer(async () => {
    called = true;
    return { text: 'no', isError: false };
  }, file, (m) => logged.push(m));
  t.after(() => server.dispose());
  const forged = path.join(dir, 'forged.json');
  fs.writeFileSync(forged, JSON.stringify({ socket: server.socketPath, token: 'f'.repeat(48), pid: 1 }));
  const result = await callWindow(forged, 'devProcesses_list', {});
  assert.deepEqual(result, { text: 'Error: refused: wrong token.', isError: true });
  assert.equal(called, false);
  assert.match(logged.join('\n'), /wrong token/);
});

test('without a window: no endpoint file, or a window that is gone, answers "no window is running"', async (t) => {
  const dir = tempDir(t);
  assert.equal((await callWindow(undefined, 'devProcesses_list', {})).text, NO_WINDOW);
  assert.equal((await callWindow(path.join(dir, 'missing.json'), 'devProcesses_list', {})).text, NO_WINDOW);
  const file = path.join(dir, 'agent-endpoint.json');
  const server = new AgentSocketServer(async () => ({ text: 'x', isError: false }), file);
  const copy = path.join(dir, 'stale.json');
  fs.copyFileSync(file, copy);
  server.dispose();
  assert.equal(fs.existsSync(file), false, 'the window removes its endpoint file');
  assert.equal(fs.existsSync(path.dirname(server.socketPath)), false, 'and its socket directory');
  const stale = await callWindow(copy, 'devProcesses_list', {});
  assert.deepEqual(stale, { text: NO_WINDOW, isError: true });
  assert.match(NO_WINDOW, /no window is running/);
});
