import * as vscode from 'vscode';
import type { ProcessEngine } from '../engine/engine';
import type { MonitorApi } from '../engine/monitor/types';
import { CommandIds } from './commandIds';
import { registerCommand } from './registerCommand';
import { readTimestampSetting } from './settings';

/* eslint-disable @typescript-eslint/no-require-imports */
// Required on first use, not imported: the bundle then runs and compiles a panel's code only when
// it is first opened, and the first paint needs neither panel.
const metricsPanel = () => require('./metricsPanel') as typeof import('./metricsPanel');
const logPanel = () => require('./logView/logPanel') as typeof import('./logView/logPanel');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Registers `devProcesses.showMetrics` and `devProcesses.showAllLogs` (which resolves to a probe
 * of the log view); an open panel closes with the extension.
 */
export function registerPanels(extensionUri: vscode.Uri, engine: ProcessEngine, monitor: MonitorApi | undefined): vscode.Disposable[] {
  let opened = false;
  return [
    vscode.commands.registerCommand(CommandIds.showMetrics, () => {
      opened = true;
      metricsPanel().MetricsPanel.createOrShow(extensionUri, engine, monitor);
    }),
    registerCommand(CommandIds.showAllLogs, async () => {
      opened = true;
      return logPanel().LogPanel.createOrShow(extensionUri, engine, readTimestampSetting).probe();
    }),
    {
      dispose: () => {
        if (!opened) return;
        metricsPanel().MetricsPanel.disposeCurrent();
        logPanel().LogPanel.disposeCurrent();
      },
    },
  ];
}
