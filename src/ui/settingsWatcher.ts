import * as vscode from 'vscode';
import type { DefinitionSource, NameOwner } from '../config/sources';
import type { DetectProblem } from '../config/detected/types';
import { DetectedSpecCache } from '../config/detected/join';
import { Disposable } from '../core/dispose';
import type { ProcessEngine } from '../engine/engine';
import type { DefinitionError } from '../core/types';
import { CommandIds } from './commandIds';
import type { DetectedSources } from './detectedSources';
import { isLive } from './format';
import { ProfileState } from './profileState';
import type { ProcessTree } from './processTree';
import { registerCommand } from './registerCommand';
import type { SettingsDiagnostics } from './settingsDiagnostics';
import {
  readDefinitions,
  readMaxConcurrentSetting,
  readSources,
  readStopTimeoutMs,
  readSyntaxProblems,
  SECTION,
  type SettingsSyntaxProblem,
} from './settings';

/** How long after a settings file parses again the configuration is read, if no change event came. */
const SETTLE_MS = 500;

/** Which entry holds each name, so that a duplicate added later is the one flagged. */
const OWNERS_KEY = 'devProcesses.nameOwners';

/** A source's key: its folder, '' for the workspace's settings. */
const keyOf = (folder: string | undefined) => folder ?? '';

/** Opens the settings file that holds the workspace's definitions (the user's, without a folder). */
async function openSettings(): Promise<void> {
  await vscode.commands.executeCommand(
    vscode.workspace.workspaceFolders ? 'workbench.action.openWorkspaceSettingsFile' : 'workbench.action.openSettingsJson',
  );
}

/**
 * Keeps the engine's definitions in step with settings.json. Never stops a process by itself: a
 * removed definition's running process stays, and a notification offers to stop it. While a
 * settings file does not parse (a half-typed entry saved by autosave), the definitions last read
 * from it stay: what the editor reads from a broken file is not what the user meant.
 */
export class SettingsWatcher extends Disposable {
  /** What the last notification was about: a problem is shown once, not once per keystroke. */
  private shownProblems = new Set<string>();
  /** Each source's value as last read from a file that parsed. */
  private readonly lastGood = new Map<string, DefinitionSource>();
  private settle: NodeJS.Timeout | undefined;
  private owners: ReadonlyMap<string, NameOwner>;
  /** The settings entries that could not be used, as of the last read. */
  problems: DefinitionError[] = [];
  /** The profiles, read with the definitions: the active one's env goes onto them. */
  readonly profiles = this._register(new ProfileState());
  /** The project files that could not be read, and detected entries that could not be used. */
  detectedProblems: DetectProblem[] = [];
  private readonly detectedCache = new DetectedSpecCache();

  constructor(
    private readonly engine: ProcessEngine,
    private readonly tree: ProcessTree,
    private readonly diagnostics: SettingsDiagnostics,
    /** Where who holds each name is kept across window reloads. */
    private readonly memory?: vscode.Memento,
    /** What the project's own files define, joined after the settings' definitions. */
    private readonly detected?: DetectedSources,
  ) {
    super();
    if (detected) this._register(detected.onDidChange(() => this.reload()));
    this._register(registerCommand(CommandIds.openSettings, openSettings));
    this.owners = new Map(memory?.get<[string, NameOwner][]>(OWNERS_KEY) ?? []);
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.reload();
      }),
    );
    // A save that breaks the file may leave what the editor reads unchanged: no configuration event.
    this._register(
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (/(settings\.json|\.code-workspace)$/.test(doc.uri.path)) this.fileChanged();
      }),
    );
    this._register({ dispose: () => clearTimeout(this.settle) });
  }

  /**
   * Also follows the settings files written outside the editor (the saves above cover the
   * editor's own). Apart from the constructor: activation calls it once it has returned, since
   * the editor builds the watcher's pattern matcher in the extension host and no first paint needs it.
   */
  watchSettingsFiles(): void {
    const files = this._register(vscode.workspace.createFileSystemWatcher('**/{.vscode/settings.json,*.code-workspace}'));
    this._register(files.onDidChange(() => this.fileChanged()));
    this._register(files.onDidCreate(() => this.fileChanged()));
  }

  /**
   * A settings file was written. Broken: keep the last good definitions now. Parsing again: the
   * editor's configuration may still hold what it read from the broken file, so read it a little
   * later, unless its own change event comes first.
   */
  private fileChanged(): void {
    clearTimeout(this.settle);
    if (readSyntaxProblems().length > 0) return this.reload();
    this.settle = setTimeout(() => this.reload(), SETTLE_MS);
    this.settle.unref?.();
  }

  reload(): void {
    clearTimeout(this.settle);
    const before = new Map(this.engine.definitions().map((s) => [s.name, s.source]));
    const syntax = readSyntaxProblems();
    const read = readDefinitions(this.keepLastGood(readSources(), syntax), this.owners, this.detected?.entries, this.detectedCache);
    const { set: { specs, errors: specErrors }, owners } = read;
    this.detectedProblems = [...(this.detected?.problems ?? []), ...read.detectedProblems];
    this.detected?.publish(this.detectedProblems);
    this.owners = owners;
    void this.memory?.update(OWNERS_KEY, [...owners]);
    this.engine.stopTimeoutMs = readStopTimeoutMs();
    this.engine.maxConcurrent = readMaxConcurrentSetting();
    this.engine.setDefinitions(this.profiles.apply(specs));
    const errors = [...specErrors, ...this.profiles.settings.problems];
    const problems: DefinitionError[] = [...syntax.map((p) => ({ index: -1, message: p.message, syntax: true, ...(p.folder ? { folder: p.folder } : {}) })), ...errors];
    this.problems = problems;
    this.tree.setProblems(problems, this.detectedProblems);
    void this.diagnostics.update(errors, syntax);
    void vscode.commands.executeCommand('setContext', 'devProcesses.noDefinitions', specs.length === 0 && problems.length === 0);
    this.reportProblems(errors, syntax);
    const now = new Set(specs.map((s) => s.name));
    const removedLive = this.engine.list().filter((r) => !r.adhoc && isLive(r) && before.has(r.name) && !now.has(r.name));
    for (const run of removedLive) void this.offerToStop(run.id, run.name, before.get(run.name) !== undefined);
  }

  /** The sources as read, except that a source whose file does not parse keeps its last good value. */
  private keepLastGood(sources: DefinitionSource[], syntax: SettingsSyntaxProblem[]): DefinitionSource[] {
    const broken = new Set(syntax.map((p) => keyOf(p.folder)));
    const kept = sources.map((source) => {
      const key = keyOf(source.folder);
      if (!broken.has(key)) this.lastGood.set(key, source);
      return (broken.has(key) && this.lastGood.get(key)) || source;
    });
    // A folder's setting the editor could not read at all is missing from `sources`.
    for (const key of broken) {
      const last = this.lastGood.get(key);
      if (last && !kept.includes(last)) kept.push(last);
    }
    for (const key of [...this.lastGood.keys()]) {
      if (!broken.has(key) && !sources.some((s) => keyOf(s.folder) === key)) this.lastGood.delete(key);
    }
    return kept;
  }

  private reportProblems(errors: DefinitionError[], syntax: SettingsSyntaxProblem[]): void {
    // A syntax error is one problem however its line moves while the user types.
    const keyed = [...syntax.map((p) => ({ key: `syntax ${p.uri.toString()}`, message: p.message })), ...errors.map((e) => ({ key: e.message, message: e.message }))];
    const shownBefore = this.shownProblems;
    this.shownProblems = new Set(keyed.map((p) => p.key));
    const fresh = keyed.filter((p) => !shownBefore.has(p.key));
    if (fresh.length === 0) return;
    const more = keyed.length > 1 ? ` (and ${keyed.length - 1} more problem${keyed.length > 2 ? 's' : ''})` : '';
    void vscode.window.showWarningMessage(`Dev Processes settings: ${fresh[0].message}${more}`, 'Show Problems', 'Open Settings').then((action) => {
      if (action === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
      else if (action === 'Open Settings') void vscode.commands.executeCommand(CommandIds.openSettings);
    });
  }

  private async offerToStop(id: string, name: string, detected: boolean): Promise<void> {
    const action = await vscode.window.showInformationMessage(
      `"${name}" was removed from ${detected ? "the project's files" : 'the settings'} but is still running.`,
      'Stop It',
      'Keep Running',
    );
    if (action === 'Stop It') await this.engine.kill(id);
  }
}
