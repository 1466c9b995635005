import * as vscode from 'vscode';
import type { ProcessEngine } from '../engine/engine';
import type { MonitorApi } from '../engine/monitor/types';
import { CommandIds } from './commandIds';
import { registerCommand } from './registerCommand';
import { readTimestampSetting } from './settings';

/**
 * Registers `devProcesses.showMetrics` and `devProcesses.showAllLogs` (which resolves to a probe
 * of the log view); an open panel closes with the extension. A panel's code is required when it
 * is first opened, not imported: the extension's build puts each in a file of its own
 * (esbuild.js), and the first paint needs neither.
 */
export function registerPanels(extensionUri: vscode.Uri, engine: ProcessEngine, monitor: MonitorApi | undefined): vscode.Disposable[] {
  let metrics: typeof import('./metricsPanel') | undefined;
  let logs: typeof import('./logView/logPanel') | undefined;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const metricsPanel = () => (metrics ??= require('./metricsPanel') as typeof import('./metricsPanel'));
  const logPanel = () => (logs ??= require('./logView/logPanel') as typeof import('./logView/logPanel'));
  /* eslint-enable @typescript-eslint/no-require-imports */
  return [
    vscode.commands.registerCommand(CommandIds.showMetrics, () => {
      metricsPanel().MetricsPanel.createOrShow(extensionUri, engine, monitor);
    }),
    registerCommand(CommandIds.showAllLogs, async () => logPanel().LogPanel.createOrShow(extensionUri, engine, readTimestampSetting).probe()),
    {
      dispose: () => {
        metrics?.MetricsPanel.disposeCurrent();
        logs?.LogPanel.disposeCurrent();
      },
    },
  ];
}
