import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { getApi } from './helpers';

// Runs only in a workspace that is not trusted (DEVPROC_TRUST=untrusted; see runIntegration).
describe('@untrusted workspace', () => {
  it('runs nothing from the workspace settings: no definitions, no start, no autoStart', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is not trusted');
    const api = await getApi();
    const inFile = vscode.workspace.getConfiguration('devProcesses').inspect<unknown[]>('tasks');
    assert.equal(inFile?.workspaceValue, undefined, 'VS Code hides the restricted setting from us');
    assert.deepEqual(api.definitions(), []);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('devProcesses.spawn', 'ticker')), /no definition named "ticker"/);
    assert.deepEqual(api.list(), []);
  });
});
