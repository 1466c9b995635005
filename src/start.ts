import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadWithCodeCache } from './platform/codeCache';
import { HELPER_BUNDLE, recordedHelperAlive, startHelper } from './platform/launcher/helperStart';
import type * as Extension from './extension';

/**
 * How long after activation the compiled code is written for the next window: by then the first
 * paint's functions (the tree's rows, the status bar) have been compiled too.
 */
const SAVE_AFTER_MS = 10_000;

let extension: typeof Extension | undefined;

/**
 * The extension's entry: loads the bundle (dist/extension.js) through V8's code cache, kept in the
 * extension's global storage, so a window after the first skips most of the bundle's compile.
 */
export function activate(context: vscode.ExtensionContext): ReturnType<typeof Extension.activate> {
  // The helper's own Node start runs beside the bundle's load instead of after it.
  const helper = helperWanted(context) ? startHelper(path.join(__dirname, HELPER_BUNDLE)) : undefined;
  try {
    return load(context, helper);
  } catch (err) {
    helper?.kill('SIGKILL');
    throw err;
  }
}

/**
 * The window starts processes as it opens (a definition with `autoStart`, or an active profile),
 * in a trusted workspace: they wait for the helper's own Node start, so it starts beside the
 * bundle's load. Its fork of the extension host then counts in the activation, so a window that
 * starts nothing on its own gets its helper after activation instead, as the extension prepares
 * one. Not when a helper a previous window left still runs: that one is taken over.
 */
function helperWanted(context: vscode.ExtensionContext): boolean {
  if (!vscode.workspace.isTrusted) return false;
  const config = vscode.workspace.getConfiguration('devProcesses', vscode.workspace.workspaceFolders?.[0]?.uri);
  const tasks = config.get('tasks');
  if (!Array.isArray(tasks) || tasks.length === 0) return false;
  const profile = config.get('activeProfile');
  const startsOnOpen = (typeof profile === 'string' && profile !== '') || tasks.some((task: unknown) => (task as { autoStart?: unknown } | null)?.autoStart === true);
  return startsOnOpen && !(context.storageUri && recordedHelperAlive(path.join(context.storageUri.fsPath, 'session.json')));
}

function load(context: vscode.ExtensionContext, helper: ChildProcess | undefined): ReturnType<typeof Extension.activate> {
  const loaded = loadWithCodeCache<typeof Extension>(path.join(__dirname, 'extension.js'), path.join(context.globalStorageUri.fsPath, 'code-cache'));
  extension = loaded.exports;
  // Also when the bundle's cache was used: a part loaded since (the parsers, a panel) may have none.
  const saving = setTimeout(() => loaded.save(), SAVE_AFTER_MS);
  saving.unref();
  context.subscriptions.push({ dispose: () => clearTimeout(saving) });
  return extension.activate(context, helper);
}

export function deactivate(): Promise<void> | undefined {
  return extension?.deactivate();
}
