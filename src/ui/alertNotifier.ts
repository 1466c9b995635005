import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import type { ProcessEngine } from '../engine/engine';
import type { Alert, AlertSeverity, MonitorApi } from '../engine/monitor/types';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { Coalescer } from './coalesce';
import { CommandIds, type CommandId } from './commandIds';
import { formatDuration } from '../core/duration';
import { isLive } from './format';
import { AlertQueue, isUrgent, type Notice } from './monitorFormat';
import { readNotifyMode, type NotifyMode } from './settings';
import { revealDefinitionField } from './settingsDiagnostics';

/** Alerts arriving within this long of the first one share a notification. */
const GATHER_MS = 750;
/** Never two notifications closer than this: a crash storm becomes a few grouped notices. */
const MIN_GAP_MS = 10_000;

const SHOW_OUTPUT = 'Show Output';
const RESTART = 'Restart';
const KILL = 'Kill';
const SHOW_ALERTS = 'Show Alerts';
const OPEN_SETTINGS = 'Open Settings';

/** Notices about a run's end carry these id prefixes, apart from the monitor's alert ids. */
const FAILED = 'failed:';
const COMPLETED = 'completed:';

/**
 * What `devProcesses.notify` lets through: a failed run (job or service, once per run) and
 * urgent alerts with "failures"; every alert and completed jobs too with "all"; nothing with
 * "none". A service's `down` alert is its failure: notified once, as the failure.
 */
export function noticeOf(snapshot: ProcessSnapshot, mode: NotifyMode, now: number): Alert | undefined {
  const base = { runId: snapshot.id, name: snapshot.name, at: now, resolved: false, resolvedAt: null } as const;
  if (mode === 'none') return undefined;
  if (snapshot.state === 'failed') {
    return { ...base, id: `${FAILED}${snapshot.id}`, type: 'down', severity: 'critical', message: snapshot.error?.message ?? `"${snapshot.name}" failed.` };
  }
  if (mode === 'all' && snapshot.state === 'completed' && snapshot.kind === 'job') {
    const took = snapshot.startedAt !== null && snapshot.endedAt !== null ? ` after ${formatDuration(snapshot.endedAt - snapshot.startedAt)}` : '';
    return { ...base, id: `${COMPLETED}${snapshot.id}`, type: 'down', severity: 'info', message: `"${snapshot.name}" completed${took}.` };
  }
  return undefined;
}

/** Whether an alert from the monitor is notified under this mode. */
export function wantsAlert(alert: Alert, mode: NotifyMode): boolean {
  if (alert.type === 'down' || mode === 'none') return false;
  return mode === 'all' || isUrgent(alert.severity);
}

/**
 * Raises (non-modal) notifications for failures and alerts, as `devProcesses.notify` says, at
 * most once per run or alert. Those that arrive together (50 services crashing at once) share
 * one notification.
 */
export class AlertNotifier extends Disposable {
  private readonly queue = new AlertQueue();
  private readonly flush = this._register(new Coalescer(() => this.notify(), GATHER_MS, MIN_GAP_MS));

  constructor(
    monitor: MonitorApi,
    private readonly engine: ProcessEngine,
  ) {
    super();
    this._register(
      monitor.onDidAlert((alert) => {
        if (this.queue.offer(alert, !alert.resolved && wantsAlert(alert, readNotifyMode()))) this.flush.poke();
      }),
    );
    this._register(
      engine.onDidChange((snapshot) => {
        const notice = snapshot && noticeOf(snapshot, readNotifyMode(), Date.now());
        // The queue remembers ids: a run is notified once, however often its snapshot comes.
        if (notice && this.queue.offer(notice, true)) this.flush.poke();
      }),
    );
  }

  private notify(): void {
    const notice = this.queue.take();
    if (notice) void this.show(notice);
  }

  private async show(notice: Notice): Promise<void> {
    if (notice.kind === 'group') {
      const picked = await say(notice.severity, `Dev Processes: ${notice.message}`, SHOW_ALERTS);
      if (picked === SHOW_ALERTS) await this.run(CommandIds.showAlerts);
      return;
    }
    const alert = notice.alert;
    const run = this.engine.get(alert.runId);
    const current = run?.id === alert.runId ? run : undefined;
    const picked = await say(alert.severity, this.text(alert), ...this.actions(alert, current));
    if (picked === SHOW_OUTPUT) await this.run(CommandIds.showOutput, target(this.engine, alert));
    else if (picked === RESTART) await this.run(CommandIds.restart, target(this.engine, alert));
    else if (picked === KILL) await this.run(CommandIds.kill, alert.runId);
    else if (picked === OPEN_SETTINGS) await revealDefinitionField(alert.name, 'command');
  }

  /** A run's end says it in its own words (they name it); an alert is prefixed with the name. */
  private text(alert: Alert): string {
    const ended = alert.id.startsWith(FAILED) || alert.id.startsWith(COMPLETED);
    return ended ? `Dev Processes: ${alert.message}` : `Dev Processes: ${alert.name}: ${alert.message}`;
  }

  private actions(alert: Alert, run: ProcessSnapshot | undefined): string[] {
    if (alert.id.startsWith(COMPLETED)) return [SHOW_OUTPUT];
    // A program that could not start is fixed in the settings; restarting it would fail the same way.
    const code = run?.error?.code;
    if (alert.id.startsWith(FAILED) && run && !run.adhoc && (code === 'spawn-failed' || code === 'permission')) return [OPEN_SETTINGS, SHOW_OUTPUT];
    // Kill only makes sense while the run still has a process.
    return run && isLive(run) ? [SHOW_OUTPUT, RESTART, KILL] : [SHOW_OUTPUT, RESTART];
  }

  /** Commands given an argument reject rather than notify: say what went wrong here. */
  private async run(command: CommandId, ...args: unknown[]): Promise<void> {
    try {
      await vscode.commands.executeCommand(command, ...args);
    } catch (err) {
      void vscode.window.showErrorMessage(`Dev Processes: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Emergencies take the error style, critical alerts and failures the warning style, the rest the information style. All non-modal. */
function say(severity: AlertSeverity, message: string, ...actions: string[]): Thenable<string | undefined> {
  if (severity === 'emergency') return vscode.window.showErrorMessage(message, ...actions);
  if (severity === 'critical') return vscode.window.showWarningMessage(message, ...actions);
  return vscode.window.showInformationMessage(message, ...actions);
}

/** The run itself while the engine still lists it, else its definition (its latest run). */
function target(engine: ProcessEngine, alert: Alert): string {
  return engine.get(alert.runId)?.id === alert.runId ? alert.runId : alert.name;
}
