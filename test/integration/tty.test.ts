import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { editorPtyModules } from '../../src/platform/launcher';
import { fixture, getApi, setTasks, snapshot, waitForOutput, waitForState } from './helpers';

describe('a definition with tty: true in a real extension host', function () {
  let api: DevProcessesApi;

  before(async () => {
    api = await getApi();
    await setTasks(api, [{ name: 'term', command: 'node', args: [fixture('tty.js'), '--paint'], kind: 'job', tty: true }]);
  });

  it('runs on a pseudo-terminal from the shipped node-pty: isTTY is true, the size is set, the lines are clean', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'term');
    await waitForState(api, id, 'completed');
    const info = JSON.parse((await waitForOutput(api, id, /^tty /)).slice(4));
    assert.deepEqual(info, { stdout: true, stdin: true, stderr: true, size: '120x30', term: 'xterm-256color' });
    assert.equal(snapshot(api, id).tty, true);
    assert.ok(api.output(id).some((l) => l.text === 'red and green'), 'colours are stripped from the lines');
    assert.ok(!api.output(id).some((l) => /runs on pipes/.test(l.text)));
  });

  it("finds the editor's own node-pty where the fallback looks for it", () => {
    const found = editorPtyModules(vscode.env.appRoot).filter((dir) => fs.existsSync(dir));
    assert.ok(found.length > 0, `none of ${editorPtyModules(vscode.env.appRoot).join(', ')} exists`);
  });
});
