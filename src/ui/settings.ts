import * as os from 'node:os';
import * as vscode from 'vscode';
import { readMaxConcurrent, readStopTimeout } from '../config/definitions';
import { readAlertDefaults, readMonitorInterval } from '../config/limitsFields';
import type { Limits } from '../engine/monitor/types';
import { parseSources, type DefinitionSource } from '../config/sources';
import type { DefinitionSet } from '../engine/types';

export const SECTION = 'devProcesses';

/**
 * Reads `devProcesses.tasks` from the workspace and, in a multi-root window, from each folder's
 * settings; relative paths resolve against the folder that defines them, else the first folder.
 */
export function readDefinitions(): DefinitionSet {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const first = folders[0]?.uri.fsPath;
  const sources: DefinitionSource[] = [];
  if (folders.length <= 1) {
    sources.push({ raw: vscode.workspace.getConfiguration(SECTION, folders[0]?.uri).get('tasks'), folder: undefined, workspaceFolder: first });
  } else {
    const whole = vscode.workspace.getConfiguration(SECTION).inspect('tasks');
    sources.push({ raw: whole?.workspaceValue ?? whole?.globalValue, folder: undefined, workspaceFolder: first });
    for (const folder of folders) {
      const own = vscode.workspace.getConfiguration(SECTION, folder.uri).inspect('tasks')?.workspaceFolderValue;
      if (own !== undefined) sources.push({ raw: own, folder: folder.uri.fsPath, workspaceFolder: folder.uri.fsPath });
    }
  }
  return parseSources(sources, { env: process.env, homeDir: os.homedir() });
}

export function readStopTimeoutMs(): number {
  return readStopTimeout(vscode.workspace.getConfiguration(SECTION).get('stopTimeoutMs'));
}

/** `devProcesses.maxConcurrent`; absent or null means the number of cores, at least 2. */
export function readMaxConcurrentSetting(): number {
  return readMaxConcurrent(vscode.workspace.getConfiguration(SECTION).get('maxConcurrent'), os.availableParallelism());
}

export function readMonitorIntervalMs(): number {
  return readMonitorInterval(vscode.workspace.getConfiguration(SECTION).get('monitor.intervalMs'));
}

/** `devProcesses.alerts`: thresholds every definition gets unless its own `limits` say otherwise. */
export function readAlertLimits(): Limits {
  const { limits, errors } = readAlertDefaults(vscode.workspace.getConfiguration(SECTION).get('alerts'));
  for (const error of errors) console.warn(`Dev Processes settings: ${error}`);
  return limits;
}
