import * as vscode from 'vscode';
import type { ProcessEngine } from '../engine/engine';
import type { Alert, AlertSeverity, MonitorApi } from '../engine/monitor/types';
import { Coalescer } from './coalesce';
import { isLive } from './format';
import { AlertQueue, type Notice } from './monitorFormat';

/** Alerts arriving within this long of the first one share a notification. */
const GATHER_MS = 750;
/** Never two notifications closer than this: a crash storm becomes a few grouped notices. */
const MIN_GAP_MS = 10_000;

const SHOW_OUTPUT = 'Show Output';
const RESTART = 'Restart';
const KILL = 'Kill';
const SHOW_ALERTS = 'Show Alerts';

/**
 * Critical and emergency alerts raise a (non-modal) notification with actions, at most once per
 * alert id. Alerts that arrive together (50 services crashing at once) share one notification.
 */
export class AlertNotifier implements vscode.Disposable {
  private readonly queue = new AlertQueue();
  private readonly flush = new Coalescer(() => this.notify(), GATHER_MS, MIN_GAP_MS);
  private readonly subscription: vscode.Disposable;

  constructor(
    monitor: MonitorApi,
    private readonly engine: ProcessEngine,
  ) {
    this.subscription = monitor.onDidAlert((alert) => {
      if (this.queue.offer(alert)) this.flush.poke();
    });
  }

  private notify(): void {
    const notice = this.queue.take();
    if (notice) void this.show(notice);
  }

  private async show(notice: Notice): Promise<void> {
    if (notice.kind === 'group') {
      const picked = await say(notice.severity, `Dev Processes: ${notice.message}`, SHOW_ALERTS);
      if (picked === SHOW_ALERTS) await this.run('devProcesses.showAlerts');
      return;
    }
    const alert = notice.alert;
    // Kill only makes sense while the run still has a process (a "down" service has none).
    const run = this.engine.get(alert.runId);
    const live = run?.id === alert.runId && isLive(run);
    const actions = live ? [SHOW_OUTPUT, RESTART, KILL] : [SHOW_OUTPUT, RESTART];
    const picked = await say(alert.severity, `Dev Processes: ${alert.name}: ${alert.message}`, ...actions);
    if (picked === SHOW_OUTPUT) await this.run('devProcesses.showOutput', target(this.engine, alert));
    else if (picked === RESTART) await this.run('devProcesses.restart', target(this.engine, alert));
    else if (picked === KILL) await this.run('devProcesses.kill', alert.runId);
  }

  /** Commands given an argument reject rather than notify: say what went wrong here. */
  private async run(command: string, ...args: unknown[]): Promise<void> {
    try {
      await vscode.commands.executeCommand(command, ...args);
    } catch (err) {
      void vscode.window.showErrorMessage(`Dev Processes: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.flush.dispose();
  }
}

/** Emergencies take the error style; critical alerts the warning style. Both are non-modal. */
function say(severity: AlertSeverity, message: string, ...actions: string[]): Thenable<string | undefined> {
  return severity === 'emergency' ? vscode.window.showErrorMessage(message, ...actions) : vscode.window.showWarningMessage(message, ...actions);
}

/** The run itself while the engine still lists it, else its definition (its latest run). */
function target(engine: ProcessEngine, alert: Alert): string {
  return engine.get(alert.runId)?.id === alert.runId ? alert.runId : alert.name;
}
