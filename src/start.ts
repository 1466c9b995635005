import * as path from 'node:path';
import type * as vscode from 'vscode';
import { loadWithCodeCache } from './platform/codeCache';
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
  const loaded = loadWithCodeCache<typeof Extension>(path.join(__dirname, 'extension.js'), path.join(context.globalStorageUri.fsPath, 'code-cache'));
  extension = loaded.exports;
  if (!loaded.cacheUsed) {
    const saving = setTimeout(() => loaded.save(), SAVE_AFTER_MS);
    saving.unref();
    context.subscriptions.push({ dispose: () => clearTimeout(saving) });
  }
  return extension.activate(context);
}

export function deactivate(): Promise<void> | undefined {
  return extension?.deactivate();
}
