import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import type { ProcessEngine } from '../engine/engine';
import type { Alert, MonitorApi } from '../engine/monitor/types';
import { Coalescer } from './coalesce';
import { CommandIds } from './commandIds';
import { describeRun, isLive } from './format';
import { Acknowledgements, alertTypeLabel, formatAge, latestFailed, severityIcon, sortAlerts, statusSummary } from './monitorFormat';

/** Redraws at most four times a second, whatever fires. */
const REDRAW_DELAY_MS = 100;
const REDRAW_INTERVAL_MS = 250;
/** Resolved alerts listed under the active ones. */
const RECENT_RESOLVED = 10;

type AlertPick = vscode.QuickPickItem & { target?: string; clear?: boolean };

/**
 * The status bar summary: running count, failed count and active alerts, with the theme's warning
 * or error background. Clicking it runs `devProcesses.showAlerts`, which lists them and offers to
 * clear them (`devProcesses.clearFailures`): cleared ones stop counting until something new fails.
 */
export class StatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly redraw = new Coalescer(() => this.update(), REDRAW_DELAY_MS, REDRAW_INTERVAL_MS);
  private last = '';
  private readonly acknowledged = new Acknowledgements();

  constructor(
    private readonly engine: ProcessEngine,
    private readonly monitor: MonitorApi | undefined,
  ) {
    super();
    // On the right, away from the editor's own problem counter on the left.
    this.item = vscode.window.createStatusBarItem('devProcesses.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Dev Processes';
    this.item.command = CommandIds.showAlerts;
    this._register(this.item);
    this._register(this.redraw);
    this._register(engine.onDidChange(() => this.redraw.poke()));
    this._register(vscode.commands.registerCommand(CommandIds.showAlerts, () => this.showAlerts()));
    this._register(vscode.commands.registerCommand(CommandIds.clearFailures, () => this.clearFailures()));
    // Alerts change the counts; samples alone never do, so there is no redraw per sample.
    if (monitor) this._register(monitor.onDidAlert(() => this.redraw.poke()));
    this.update();
  }

  private update(): void {
    const runs = this.engine.list();
    const running = runs.filter(isLive).length;
    const failed = this.acknowledged.failures(latestFailed(runs)).length;
    const alerts = this.monitor?.alerts();
    const summary = statusSummary(running, failed, alerts && this.acknowledged.alerts(alerts));
    // Nothing defined and nothing ran: stay out of the way.
    const visible = runs.length > 0 || this.engine.definitions().length > 0;
    const key = `${visible}\u0000${summary.text}\u0000${summary.tone}\u0000${summary.tooltip}`;
    if (key === this.last) return;
    this.last = key;
    this.item.text = summary.text;
    this.item.tooltip = summary.tooltip;
    this.item.accessibilityInformation = { label: summary.tooltip, role: 'button' };
    this.item.backgroundColor = summary.tone ? new vscode.ThemeColor(`statusBarItem.${summary.tone}Background`) : undefined;
    if (visible) this.item.show();
    else this.item.hide();
  }

  /** Takes the current failures and alerts off the status bar (they stay listed). */
  private clearFailures(): void {
    this.acknowledged.clear(latestFailed(this.engine.list()), this.monitor?.alerts() ?? []);
    this.update();
  }

  /** A quick pick of active alerts (then recent resolved ones and failed runs); picking one shows its output. */
  private async showAlerts(): Promise<void> {
    const now = Date.now();
    const items: AlertPick[] = [];
    const all = this.monitor?.alerts() ?? [];
    const active = sortAlerts(all);
    const unseen = this.acknowledged.failures(latestFailed(this.engine.list())).length + this.acknowledged.alerts(active).length;
    if (unseen > 0) {
      items.push({ label: '$(check-all) Clear', description: 'take these failures and alerts off the status bar', clear: true, alwaysShow: true });
    }
    if (active.length > 0) items.push({ label: 'Active alerts', kind: vscode.QuickPickItemKind.Separator });
    for (const a of active) items.push(this.alertItem(a, now));
    const resolved = all.filter((a) => a.resolved).slice(0, RECENT_RESOLVED);
    if (resolved.length > 0) items.push({ label: 'Resolved', kind: vscode.QuickPickItemKind.Separator });
    for (const a of resolved) items.push(this.alertItem(a, now));
    // A service's `down` alert is its failure: listed once, as the alert.
    const failedRuns = latestFailed(this.engine.list()).filter((r) => !all.some((a) => a.type === 'down' && a.runId === r.id));
    if (failedRuns.length > 0) items.push({ label: 'Failed', kind: vscode.QuickPickItemKind.Separator });
    for (const r of failedRuns.reverse()) {
      items.push({ label: `$(error) ${r.name}`, description: describeRun(r, now), detail: r.error?.message, target: r.id });
    }
    if (items.length === 0 || items.every((i) => i.clear)) {
      const why = this.monitor ? 'no alerts and no failures' : 'no failures (alerts need the monitor, which is not running)';
      void vscode.window.showInformationMessage(`Dev Processes: ${why}.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(items, {
      placeHolder: 'Dev Processes: pick an alert or failure to show its output',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (picked?.clear) {
      this.clearFailures();
      return;
    }
    if (picked?.target === undefined) return;
    try {
      await vscode.commands.executeCommand(CommandIds.showOutput, picked.target);
    } catch (err) {
      void vscode.window.showErrorMessage(`Dev Processes: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private alertItem(a: Alert, now: number): AlertPick {
    const when = a.resolved && a.resolvedAt !== null ? `resolved ${formatAge(now - a.resolvedAt)}` : formatAge(now - a.at);
    // The run may be gone from the engine's list: its definition's channel still has the output.
    const target = this.engine.get(a.runId)?.id === a.runId ? a.runId : a.name;
    return {
      label: `${a.resolved ? '$(pass)' : severityIcon(a.severity)} ${a.name}: ${alertTypeLabel(a.type)}`,
      description: `${a.severity} · ${when}`,
      detail: a.message,
      target,
    };
  }
}
