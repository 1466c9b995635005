import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import type { ProcessEngine } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { CommandIds } from './commandIds';
import { launcherLossMessage } from './launcherNotice';

/**
 * Notifications recovery owes the user: processes adopted from a previous window, a port held by
 * another process of ours, a launcher helper that was lost and restarted, and a terminal (`tty`)
 * that could not be had (once per window: the cause is the same for every run). Each is shown once,
 * never as a modal dialog.
 */
export class RecoveryNotices extends Disposable {
  private readonly told = new Set<string>();

  constructor(private readonly engine: ProcessEngine) {
    super();
    this._register(
      engine.onDidChange((snap) => {
        // At the first failure: a service waiting to restart would only meet the same holder again.
        if ((snap?.state === 'failed' || snap?.state === 'backoff') && snap.portConflict) void this.portConflict(snap);
      }),
    );
    this._register(engine.onDidLoseLauncher((loss) => void vscode.window.showWarningMessage(launcherLossMessage(loss))));
    this._register(engine.onDidMissPty(({ name, reason }) => void vscode.window.showWarningMessage(`Dev Processes: "${name}" asked for a terminal ("tty": true), but none is available, so it runs on pipes: ${reason}. Other such definitions run on pipes too.`)));
  }

  async adopted(runs: ProcessSnapshot[]): Promise<void> {
    if (runs.length === 0) return;
    const names = runs.map((r) => `"${r.name}" (pid ${r.pid})`).join(', ');
    const action = await vscode.window.showInformationMessage(
      `Dev Processes: ${runs.length === 1 ? 'a process' : `${runs.length} processes`} from the previous window ${runs.length === 1 ? 'was' : 'were'} still running and ${runs.length === 1 ? 'is' : 'are'} now managed here: ${names}.`,
      'Stop Them',
      'Keep Running',
    );
    if (action === 'Stop Them') await Promise.all(runs.map((r) => this.engine.kill(r.id)));
  }

  private async portConflict(snap: ProcessSnapshot): Promise<void> {
    const conflict = snap.portConflict!;
    if (this.told.has(snap.id)) return;
    this.told.add(snap.id);
    const owner = conflict.runId ? this.engine.get(conflict.runId) : undefined;
    const holder = owner ? `"${owner.name}" (pid ${conflict.pid})` : `pid ${conflict.pid} (${conflict.command.slice(0, 60)})`;
    const stop = owner ? `Stop "${owner.name}"` : undefined;
    const actions = stop ? [stop, 'Show Output'] : ['Show Output'];
    const action = await vscode.window.showWarningMessage(`"${snap.name}" could not use port ${conflict.port}: ${holder} holds it.`, ...actions);
    if (action === stop && owner) await this.engine.kill(owner.id);
    if (action === 'Show Output') await vscode.commands.executeCommand(CommandIds.showOutput, snap.id);
  }
}
