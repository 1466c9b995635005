import * as os from 'node:os';
import * as vscode from 'vscode';
import { createApi, type DevProcessesApi } from './api';
import { ProcessEngine } from './engine/engine';
import { registerCommands } from './ui/commands';
import { OutputChannels } from './ui/outputChannels';
import { ProcessTree } from './ui/processTree';
import { readStopTimeoutMs } from './ui/settings';
import { SettingsWatcher } from './ui/settingsWatcher';

let engine: ProcessEngine | undefined;

export function activate(context: vscode.ExtensionContext): DevProcessesApi {
  const current = new ProcessEngine({
    stopTimeoutMs: readStopTimeoutMs(),
    defaultCwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir(),
  });
  engine = current;

  const changed = new vscode.EventEmitter<void>();
  const channels = new OutputChannels(current);
  const tree = new ProcessTree(current);
  const watcher = new SettingsWatcher(current, tree);
  context.subscriptions.push(
    changed,
    current.onDidChange(() => changed.fire()),
    channels,
    tree,
    watcher,
    ...registerCommands(current, channels, () => watcher.problems),
  );

  watcher.reload();
  for (const spec of current.definitions().filter((s) => s.autoStart)) {
    current.spawn(spec.name).catch((err) => void vscode.window.showErrorMessage(`Dev Processes: ${err.message}`));
  }
  return createApi(current, () => watcher.problems, changed.event);
}

/** Stops every process within VS Code's shutdown budget: no orphans on reload or close. */
export async function deactivate(): Promise<void> {
  const stopping = engine;
  engine = undefined;
  await stopping?.dispose(Math.min(stopping.stopTimeoutMs, 3000));
}
