import * as vscode from 'vscode';
import type { ProcessEngine } from '../engine/engine';
import type { DefinitionError } from '../engine/types';
import { isLive } from './format';
import type { ProcessTree } from './processTree';
import type { SettingsDiagnostics } from './settingsDiagnostics';
import { readDefinitions, readMaxConcurrentSetting, readStopTimeoutMs, SECTION } from './settings';

/**
 * Keeps the engine's definitions in step with settings.json. Never stops a process by itself: a
 * removed definition's running process stays, and a notification offers to stop it.
 */
export class SettingsWatcher implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  private shownProblems = '';
  /** The settings entries that could not be used, as of the last read. */
  problems: DefinitionError[] = [];

  constructor(
    private readonly engine: ProcessEngine,
    private readonly tree: ProcessTree,
    private readonly diagnostics: SettingsDiagnostics,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) this.reload();
    });
  }

  reload(): void {
    const before = new Set(this.engine.definitions().map((s) => s.name));
    const { specs, errors } = readDefinitions();
    this.engine.stopTimeoutMs = readStopTimeoutMs();
    this.engine.maxConcurrent = readMaxConcurrentSetting();
    this.engine.setDefinitions(specs);
    this.problems = errors;
    this.tree.setProblems(errors);
    void this.diagnostics.update(errors);
    void vscode.commands.executeCommand('setContext', 'devProcesses.noDefinitions', specs.length === 0 && errors.length === 0);
    this.reportProblems(errors);
    const now = new Set(specs.map((s) => s.name));
    const removedLive = this.engine.list().filter((r) => !r.adhoc && isLive(r) && before.has(r.name) && !now.has(r.name));
    for (const run of removedLive) void this.offerToStop(run.id, run.name);
  }

  private reportProblems(errors: DefinitionError[]): void {
    const text = errors.map((e) => e.message).join('\n');
    if (text === this.shownProblems) return;
    this.shownProblems = text;
    if (errors.length === 0) return;
    const first = errors[0].message;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
    void vscode.window.showWarningMessage(`Dev Processes settings: ${first}${more}`, 'Show Problems', 'Open Settings').then((action) => {
      if (action === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
      else if (action === 'Open Settings') void vscode.commands.executeCommand('devProcesses.openSettings');
    });
  }

  private async offerToStop(id: string, name: string): Promise<void> {
    const action = await vscode.window.showInformationMessage(
      `"${name}" was removed from the settings but is still running.`,
      'Stop It',
      'Keep Running',
    );
    if (action === 'Stop It') await this.engine.kill(id);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
