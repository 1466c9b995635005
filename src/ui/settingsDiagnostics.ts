import * as vscode from 'vscode';
// The ES module build, as in locate.ts.
import { parse } from 'jsonc-parser/lib/esm/main.js';
import { findTasksSetting, positionAt, type TasksInSettings } from '../config/locate';
import { Disposable } from '../core/dispose';
import type { DefinitionError } from '../core/types';
import { CommandIds } from './commandIds';
import { settingsFiles, type SettingsSyntaxProblem } from './settings';

/**
 * Shows each problem of `devProcesses.tasks` in the Problems panel, on the field at fault in the
 * settings file it came from. A problem whose file cannot be told (tasks from the user settings)
 * gets no diagnostic; the settings watcher's notification still names it.
 */
export class SettingsDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('devProcesses'));
  private problems: readonly DefinitionError[] = [];
  private syntax: readonly SettingsSyntaxProblem[] = [];
  /** Drops the result of a refresh that a newer one overtook while it read files. */
  private generation = 0;

  constructor() {
    super();
    this._register(
      // A save that leaves the settings as they were (a comment, a blank line) fires no
      // configuration change, but moves the text the diagnostics point at.
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (this.mayHoldTasks(doc.uri)) void this.refresh();
      }),
    );
  }

  /**
   * Replaces the diagnostics with these problems, and the syntax errors of files that do not
   * parse; resolves once they are shown (or overtaken).
   */
  update(problems: readonly DefinitionError[], syntax: readonly SettingsSyntaxProblem[] = []): Promise<void> {
    this.problems = problems;
    this.syntax = syntax;
    return this.refresh();
  }

  private async refresh(): Promise<void> {
    const generation = ++this.generation;
    const byFolder = new Map<string | undefined, DefinitionError[]>();
    for (const problem of this.problems) byFolder.set(problem.folder, [...(byFolder.get(problem.folder) ?? []), problem]);

    const shown: [vscode.Uri, vscode.Diagnostic[]][] = this.syntax.map((problem) => [problem.uri, [syntaxDiagnostic(problem)]]);
    // The last good definitions' problems cannot be placed in a file that does not parse.
    for (const problem of this.syntax) byFolder.delete(problem.folder);
    for (const [folder, problems] of byFolder) {
      const found = await this.findTasks(folder);
      if (!found) continue;
      const { uri, text, tasks } = found;
      shown.push([uri, problems.map((problem) => toDiagnostic(problem, tasks, text))]);
    }
    if (generation !== this.generation) return;
    this.collection.clear();
    for (const [uri, diagnostics] of shown) this.collection.set(uri, [...(this.collection.get(uri) ?? []), ...diagnostics]);
  }

  /** The first settings file of `folder` (undefined: the workspace's) that sets `devProcesses.tasks`, in VS Code's order of precedence. */
  private async findTasks(folder: string | undefined): Promise<{ uri: vscode.Uri; text: string; tasks: TasksInSettings } | undefined> {
    for (const { uri, prefix } of settingsFiles(folder)) {
      const text = await readText(uri);
      const tasks = text === undefined ? undefined : findTasksSetting(text, prefix);
      if (text !== undefined && tasks) return { uri, text, tasks };
    }
    return undefined;
  }

  private mayHoldTasks(uri: vscode.Uri): boolean {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const candidates = [...settingsFiles(undefined), ...folders.flatMap((f) => settingsFiles(f.uri.fsPath))];
    return candidates.some((file) => file.uri.toString() === uri.toString());
  }

  override dispose(): void {
    this.generation++;
    super.dispose();
  }
}

/**
 * Opens the settings file that defines `name` with `field` of its entry selected (the entry, if
 * it has no such field); the settings file itself when the definition is not found in one.
 */
export async function revealDefinitionField(name: string, field: string): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const files = [...settingsFiles(undefined), ...(folders.length > 1 ? folders.flatMap((f) => settingsFiles(f.uri.fsPath)) : [])];
  for (const { uri, prefix } of files) {
    const text = await readText(uri);
    const index = text === undefined ? -1 : entryIndex(text, prefix, name);
    if (index < 0) continue;
    const { start, end } = findTasksSetting(text!, prefix)!.locate({ index, field });
    const from = positionAt(text!, start);
    const to = positionAt(text!, end);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(from.line, from.character, to.line, to.character) });
    return;
  }
  await vscode.commands.executeCommand(CommandIds.openSettings);
}

/** Where the entry named `name` is in the `devProcesses.tasks` of a settings file's text; -1 if not there. */
function entryIndex(text: string, prefix: (string | number)[], name: string): number {
  let settings: unknown = parse(text, [], { allowTrailingComma: true, disallowComments: false });
  for (const segment of prefix) settings = (settings as Record<string | number, unknown> | undefined)?.[segment];
  const object = settings as Record<string, unknown> | undefined;
  const tasks = object?.['devProcesses.tasks'] ?? (object?.devProcesses as Record<string, unknown> | undefined)?.tasks;
  return Array.isArray(tasks) ? tasks.findIndex((t) => (t as { name?: unknown } | null)?.name === name) : -1;
}

/**
 * The text VS Code read the settings from: the saved file. An open document that is not dirty
 * has the same text without a read; a dirty one does not, so then the file is read.
 */
async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === uri.toString());
  if (open && !open.isDirty) return open.getText();
  try {
    // TextDecoder drops a byte order mark, as the editor does, so offsets agree with the document's.
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined; // no such file
  }
}

function syntaxDiagnostic({ error, message }: SettingsSyntaxProblem): vscode.Diagnostic {
  const from = new vscode.Position(error.line, error.character);
  const diagnostic = new vscode.Diagnostic(new vscode.Range(from, from.translate(0, Math.max(1, error.length))), message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = 'Dev Processes';
  diagnostic.code = error.code;
  return diagnostic;
}

function toDiagnostic(problem: DefinitionError, tasks: TasksInSettings, text: string): vscode.Diagnostic {
  const { start, end } = tasks.locate(problem);
  const from = positionAt(text, start);
  const to = positionAt(text, end);
  const range = new vscode.Range(from.line, from.character, to.line, to.character);
  const diagnostic = new vscode.Diagnostic(range, problem.message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = 'Dev Processes';
  if (problem.field !== undefined) diagnostic.code = problem.field;
  return diagnostic;
}
