import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readMaxConcurrent, readStopTimeout } from '../config/definitions';
import { WORKSPACE_FILE_PREFIX } from '../config/locate';
import { findSyntaxError, syntaxErrorMessage, type JsonSyntaxError } from '../config/syntax';
import { readAlertDefaults, readMonitorInterval } from '../config/limitsFields';
import { readTimestampMode, type TimestampMode } from '../config/outputFields';
import type { Limits, ProcessSpec } from '../core/types';
import { readProfiles, type ProfileSettings } from '../config/profiles';
import type { DetectedEntry } from '../config/detected/types';
import type { DetectedSpecCache } from '../config/detected/join';
import { parseOwnedSources, type DefinitionSource, type NameOwner, type OwnedDefinitions } from '../config/sources';

export const SECTION = 'devProcesses';

/** The section read once for all readers while `readSettingsTogether` runs. */
let sectionNow: vscode.WorkspaceConfiguration | undefined;

/**
 * Runs `run` with one read of the `devProcesses` section serving every reader below: activation
 * reads a dozen settings, and each `getConfiguration` merges the configuration again. Only for
 * synchronous code such as `activate()`: a change of the configuration cannot arrive before it
 * returns.
 */
export function readSettingsTogether<T>(run: () => T): T {
  sectionNow = vscode.workspace.getConfiguration(SECTION);
  try {
    return run();
  } finally {
    sectionNow = undefined;
  }
}

function section(): vscode.WorkspaceConfiguration {
  return sectionNow ?? vscode.workspace.getConfiguration(SECTION);
}

/**
 * Reads `devProcesses.tasks` from the workspace and, in a multi-root window, from each folder's
 * settings; relative paths resolve against the folder that defines them, else the first folder.
 */
export function readDefinitions(
  sources = readSources(),
  previous?: ReadonlyMap<string, NameOwner>,
  detected: readonly DetectedEntry[] = [],
  detectedCache?: DetectedSpecCache,
): OwnedDefinitions {
  return parseOwnedSources(sources, { env: process.env, homeDir: os.homedir() }, previous, detected, detectedCache);
}

/** Where `devProcesses.tasks` is set: the workspace's value, then each folder's own, as the editor read them. */
export function readSources(): DefinitionSource[] {
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
  return sources;
}

/** A file that may hold `devProcesses.tasks`, and where its settings object is. */
export interface SettingsFile {
  uri: vscode.Uri;
  prefix: (string | number)[];
}

/**
 * Where the settings `readSources` reads may be written, most specific first. A folder of a
 * multi-root window (`folder` set): its `.vscode/settings.json`. The workspace: with one folder,
 * its `.vscode/settings.json`, then the `.code-workspace` file if one is open; with several, the
 * `.code-workspace` file.
 */
export function settingsFiles(folder: string | undefined): SettingsFile[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folderFile = (uri: vscode.Uri): SettingsFile => ({ uri: vscode.Uri.joinPath(uri, '.vscode', 'settings.json'), prefix: [] });
  if (folder !== undefined) {
    const owner = folders.find((f) => f.uri.fsPath === folder);
    return owner ? [folderFile(owner.uri)] : [];
  }
  const files: SettingsFile[] = [];
  if (folders.length === 1) files.push(folderFile(folders[0].uri));
  const workspaceFile = vscode.workspace.workspaceFile;
  // An untitled workspace keeps its settings where only the editor can read them.
  if (workspaceFile && workspaceFile.scheme !== 'untitled') files.push({ uri: workspaceFile, prefix: WORKSPACE_FILE_PREFIX });
  return files;
}

/** A settings file that does not parse; `folder` as in `DefinitionSource` (undefined: the workspace's). */
export interface SettingsSyntaxProblem {
  folder: string | undefined;
  uri: vscode.Uri;
  error: JsonSyntaxError;
  message: string;
}

/**
 * The settings files of the workspace and its folders that do not parse. Read from disk, as the
 * editor reads settings: with autosave on, a half-typed entry is saved and read at once.
 */
export function readSyntaxProblems(): SettingsSyntaxProblem[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const owners: (string | undefined)[] = folders.length > 1 ? [undefined, ...folders.map((f) => f.uri.fsPath)] : [undefined];
  const problems: SettingsSyntaxProblem[] = [];
  for (const folder of owners) {
    for (const { uri } of settingsFiles(folder)) {
      const text = uri.scheme === 'file' ? readFileText(uri.fsPath) : undefined;
      const error = text === undefined || parsesAsJson(text) ? undefined : findSyntaxError(text);
      if (error) problems.push({ folder, uri, error, message: syntaxErrorMessage(path.basename(uri.fsPath), error) });
    }
  }
  return problems;
}

/**
 * Text that is JSON is JSONC without a syntax error, and `JSON.parse` tells it far faster than the
 * JSONC parser's scan (this runs in every activation); comments or a trailing comma send the text
 * on to that parser.
 */
function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function readFileText(file: string): string | undefined {
  try {
    // Decoded as the editor does: a byte order mark is dropped, so offsets agree with the document's.
    return new TextDecoder().decode(fs.readFileSync(file));
  } catch {
    return undefined; // no such file
  }
}

/** `devProcesses.notify`: which notifications are raised. */
export type NotifyMode = 'failures' | 'all' | 'none';

export function readNotifyMode(): NotifyMode {
  const value = section().get('notify');
  return value === 'all' || value === 'none' ? value : 'failures';
}

export function readStopTimeoutMs(): number {
  return readStopTimeout(section().get('stopTimeoutMs'));
}

/** `devProcesses.keepRunningOnReload`: leave running processes to the launcher helper on reload (default true). */
export function readKeepRunningOnReload(): boolean {
  return section().get('keepRunningOnReload') !== false;
}

/** `devProcesses.reconnectGraceMs`: an integer >= 0; anything else means 15000. */
export function readReconnectGraceMs(): number {
  const raw = section().get('reconnectGraceMs');
  return typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : 15_000;
}

/** `devProcesses.maxConcurrent`; absent or null means the number of cores, at least 2. */
export function readMaxConcurrentSetting(): number {
  return readMaxConcurrent(section().get('maxConcurrent'), os.availableParallelism());
}

export function readMonitorIntervalMs(): number {
  return readMonitorInterval(section().get('monitor.intervalMs'));
}

/** `devProcesses.alerts`: thresholds every definition gets unless its own `limits` say otherwise. */
export function readAlertLimits(): Limits {
  const { limits, errors } = readAlertDefaults(section().get('alerts'));
  for (const error of errors) console.warn(`Dev Processes settings: ${error}`);
  return limits;
}

/** `devProcesses.output.timestamps`. */
export function readTimestampSetting(): TimestampMode {
  return readTimestampMode(section().get('output.timestamps'));
}

/** `devProcesses.profiles` and `devProcesses.activeProfile`, of the whole workspace, checked against the definitions. */
export function readProfileSettings(specs: readonly ProcessSpec[]): ProfileSettings {
  const config = section();
  const ctx = { workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, env: process.env, homeDir: os.homedir() };
  return readProfiles(config.get('profiles'), config.get('activeProfile'), specs, ctx);
}
