import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, freePort, getApi, setTasks, snapshot, waitFor, waitForOutput, waitForState } from './helpers';

describe('ports and stop in a real extension host', function () {
  let api: DevProcessesApi;
  let port: number;

  before(async () => {
    api = await getApi();
    port = await freePort();
    await setTasks(api, [
      { name: 'server', command: 'node', args: [fixture('listen.js'), String(port)], port },
      { name: 'int', command: 'node', args: [fixture('stop-signal.js')], stop: { signal: 'SIGINT' } },
    ]);
  });

  it('"ports" shows the port of a server, and Open in Browser resolves to its forwarded URI', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'server');
    await waitForOutput(api, id, /^listening on /);
    await waitFor(() => snapshot(api, id).ports.length > 0, 'the port in the snapshot');
    assert.deepEqual(snapshot(api, id).ports, [port]);
    const uri = await vscode.commands.executeCommand<string>('devProcesses.openInSimpleBrowser', id);
    assert.match(uri, new RegExp(`${port}`));
    const external = await vscode.commands.executeCommand<string>('devProcesses.openInBrowser', id, port);
    assert.equal(external, (await vscode.env.asExternalUri(vscode.Uri.parse(`http://localhost:${port}/`))).toString(true));
    await vscode.commands.executeCommand('devProcesses.kill', id);
    assert.deepEqual(snapshot(api, id).ports, []);
  });

  it('stop.signal SIGINT reaches the process', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'int');
    await waitForOutput(api, id, /^ready/);
    await vscode.commands.executeCommand('devProcesses.kill', id);
    await waitForState(api, id, 'terminated');
    assert.ok(api.output(id).some((l) => l.text === 'got SIGINT'), api.output(id).map((l) => l.text).join('\n'));
  });
});
