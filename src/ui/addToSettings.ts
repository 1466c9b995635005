import * as vscode from 'vscode';
import type { DetectedEntry } from '../config/detected/types';
import { ProcessError } from '../core/errors';
import { CommandIds } from './commandIds';
import type { DetectedSources } from './detectedSources';
import { registerCommand } from './registerCommand';
import { settingsFiles } from './settings';

/**
 * The settings file's editing (a JSONC writer), loaded with the first entry added: the extension's
 * build puts it in a file of its own (esbuild.js), so activation neither loads nor compiles it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const editing = () => require('../config/appendEntry') as typeof import('../config/appendEntry');

/** The folder's own settings in a window of several folders; the workspace's otherwise. */
function targetFile(entry: DetectedEntry) {
  const several = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const file = settingsFiles(several ? entry.folder : undefined)[0];
  if (!file) throw new ProcessError('invalid-argument', `there is no settings file to add "${entry.name}" to: open a folder first.`);
  return file;
}

async function readOrEmpty(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
  return vscode.workspace.openTextDocument(uri);
}

/**
 * Writes a detected entry into settings.json as a full definition, formatted like the file and
 * after the other entries; from then on it is the settings' own, and its detected row goes.
 * Resolves to the settings file once saved.
 */
async function addToSettings(detected: DetectedSources, target: unknown): Promise<vscode.Uri | undefined> {
  const name = target === undefined ? await pickDetected(detected) : typeof target === 'string' ? target : (target as { name?: unknown } | undefined)?.name;
  if (target === undefined && name === undefined) return undefined;
  if (typeof name !== 'string') throw new ProcessError('invalid-argument', 'Add to Settings takes a detected entry: its name (e.g. "npm: dev") or its row.');
  const entry = detected.find(name);
  if (!entry) throw new ProcessError('invalid-argument', `"${name}" is not a detected entry (see the "Detected" part of the view).`);
  const { uri, prefix } = targetFile(entry);
  const document = await readOrEmpty(uri);
  const editor = vscode.workspace.getConfiguration('editor', { uri, languageId: 'jsonc' });
  const { appendEntry, indentationOf } = editing();
  const indentation = indentationOf(document?.getText() ?? '') ?? { tabSize: editor.get<number>('tabSize', 4), insertSpaces: editor.get<boolean>('insertSpaces', true) };
  let updated: { text: string; at: number };
  try {
    updated = appendEntry(document?.getText() ?? '', prefix, entry.entry, indentation);
  } catch (err) {
    throw new ProcessError('invalid-argument', `"${name}" could not be added to ${vscode.workspace.asRelativePath(uri)}: ${(err as Error).message}.`);
  }
  if (document) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), updated.text);
    await vscode.workspace.applyEdit(edit);
    await document.save();
  } else {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(updated.text));
  }
  const shown = await vscode.window.showTextDocument(uri, { preview: false });
  const at = shown.document.positionAt(updated.at);
  shown.selection = new vscode.Selection(at, at);
  shown.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return uri;
}

async function pickDetected(detected: DetectedSources): Promise<string | undefined> {
  if (detected.entries.length === 0) {
    void vscode.window.showInformationMessage('Dev Processes: nothing was detected in the project\'s files (package.json scripts, tasks.json, Procfile, process-compose, compose files).');
    return undefined;
  }
  const items = detected.entries.map((e) => ({ label: e.name, description: vscode.workspace.asRelativePath(e.at.file) }));
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Add a detected entry to the settings' }))?.label;
}

export function registerAddToSettings(detected: DetectedSources): vscode.Disposable {
  return registerCommand(CommandIds.addToSettings, (target?: unknown) => addToSettings(detected, target));
}
