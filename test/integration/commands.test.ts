import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { allCommandIds } from '../../src/ui/commandIds';

const EXTENSION_ID = 'devprocs.dev-process-manager';

describe('commands', () => {
  it('every contributed command is registered, and every registered devProcesses command is contributed', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await ext.activate();
    const manifest = ext.packageJSON as { contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> } };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    // VS Code registers commands of its own for each contributed view (`<view id>.focus`, ...).
    const viewIds = Object.values(manifest.contributes.views).flat().map((v) => `${v.id}.`);
    const registered = (await vscode.commands.getCommands(true))
      .filter((id) => id.startsWith('devProcesses.') && !viewIds.some((prefix) => id.startsWith(prefix)))
      .sort();
    assert.deepEqual(
      contributed.filter((id) => !registered.includes(id)),
      [],
      'contributed in package.json but not registered',
    );
    assert.deepEqual(
      registered.filter((id) => !contributed.includes(id)),
      [],
      'registered but not contributed in package.json',
    );
    assert.deepEqual(registered, [...allCommandIds()].sort(), 'registered commands differ from commandIds.ts');
  });
});
