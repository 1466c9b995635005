import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'devprocs.dev-process-manager';

describe('smoke', () => {
  it('the extension is present, activates and exports list()', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    const api = await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(typeof api?.list, 'function', 'exports.list is not a function');
    assert.ok(Array.isArray(api.list()), 'list() did not return an array');
  });

  it('runs in the fixture workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'expected one workspace folder');
    const tasks = vscode.workspace.getConfiguration('devProcesses', folders[0].uri).get<unknown[]>('tasks');
    assert.ok(Array.isArray(tasks) && tasks.length > 0, 'devProcesses.tasks missing from the fixture settings');
  });
});
