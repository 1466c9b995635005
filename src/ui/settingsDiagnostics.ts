import * as vscode from 'vscode';
import { jsonc } from '../config/jsonc';
import { findTasksSetting, locateSetting, positionAt, type SettingsRange, type TasksInSettings } from '../config/locate';
import { Disposable } from '../core/dispose';
import type { DefinitionError, SettingsFix } from '../core/types';
import { CommandIds } from './commandIds';
import { settingsFiles, type SettingsSyntaxProblem } from './settings';

export const DIAGNOSTIC_SOURCE = 'Dev Processes';

/** A fix the validator knows for a problem, at the field's place in a settings file as it was read. */
export interface LocatedFix {
  fix: SettingsFix;
  range: vscode.Range;
  /** The text at `range` when it was read: an edited document may no longer have it there. */
  written: string;
}

/**
 * Shows each problem of `devProcesses.tasks` in the Problems panel, on the field at fault in the
 * settings file it came from. A problem whose file cannot be told (tasks from the user settings)
 * gets no diagnostic; the settings watcher's notification still names it.
 *
 * While a settings file is open, VS Code checks it against our schema too. A problem the schema
 * already shows at the same place (an unknown field, a wrong type) is not shown a second time:
 * its row is the schema's, and the quick fix is offered on it.
 */
export class SettingsDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('devProcesses'));
  private problems: readonly DefinitionError[] = [];
  private syntax: readonly SettingsSyntaxProblem[] = [];
  /** Every diagnostic of the last refresh by file, including those the schema's rows hide. */
  private all = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
  /** What the collection holds by file, to tell whether publishing again changes anything. */
  private readonly published = new Map<string, vscode.Diagnostic[]>();
  private fixes = new Map<string, LocatedFix[]>();
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
    this._register(
      vscode.languages.onDidChangeDiagnostics(({ uris }) => {
        for (const uri of uris) {
          const file = this.all.get(uri.toString());
          if (file) this.publish(file.uri, file.diagnostics);
        }
      }),
    );
  }

  /** The fixes known for a settings file, where they were when it was read. */
  fixesFor(uri: vscode.Uri): readonly LocatedFix[] {
    return this.fixes.get(uri.toString()) ?? [];
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
    for (const problem of this.problems.filter((p) => !p.setting)) byFolder.set(problem.folder, [...(byFolder.get(problem.folder) ?? []), problem]);

    const shown: [vscode.Uri, vscode.Diagnostic[]][] = this.syntax.map((problem) => [problem.uri, [syntaxDiagnostic(problem)]]);
    const fixes = new Map<string, LocatedFix[]>();
    // The last good definitions' problems cannot be placed in a file that does not parse.
    for (const problem of this.syntax) byFolder.delete(problem.folder);
    const place = (uri: vscode.Uri, located: { diagnostic: vscode.Diagnostic; fix?: LocatedFix }[]) => {
      shown.push([uri, located.map(({ diagnostic }) => diagnostic)]);
      fixes.set(uri.toString(), [...(fixes.get(uri.toString()) ?? []), ...located.flatMap(({ fix }) => (fix ? [fix] : []))]);
    };
    for (const [folder, problems] of byFolder) {
      const found = await this.findTasks(folder);
      if (!found) continue;
      const { uri, text, tasks } = found;
      place(uri, problems.map((problem) => locate(problem, tasks.locate(problem), text)));
    }
    for (const problem of this.problems.filter((p) => p.setting && !this.syntax.some((broken) => broken.folder === p.folder))) {
      const found = await this.findSetting(problem);
      if (found) place(found.uri, [locate(problem, found.range, found.text)]);
    }
    if (generation !== this.generation) return;
    this.all.clear();
    for (const [uri, diagnostics] of shown) {
      const file = this.all.get(uri.toString());
      this.all.set(uri.toString(), { uri, diagnostics: [...(file?.diagnostics ?? []), ...diagnostics] });
    }
    this.fixes = fixes;
    this.collection.clear();
    this.published.clear();
    for (const { uri, diagnostics } of this.all.values()) this.publish(uri, diagnostics);
  }

  /** Sets the diagnostics of a file but those the schema already shows at the same place. */
  private publish(uri: vscode.Uri, diagnostics: vscode.Diagnostic[]): void {
    const others = vscode.languages.getDiagnostics(uri).filter((d) => d.source !== DIAGNOSTIC_SOURCE);
    const shown = diagnostics.filter((ours) => !others.some((other) => other.range.start.isEqual(ours.range.start)));
    const current = this.published.get(uri.toString());
    // Setting them fires a change of diagnostics, which would publish again without end.
    if (current?.length === shown.length && current.every((d, i) => d === shown[i])) return;
    this.published.set(uri.toString(), shown);
    this.collection.set(uri, shown);
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

  /** The first workspace settings file that sets the setting of a problem outside `devProcesses.tasks`, and the problem's place in it. */
  private async findSetting(problem: DefinitionError): Promise<{ uri: vscode.Uri; text: string; range: SettingsRange } | undefined> {
    for (const { uri, prefix } of settingsFiles(problem.folder)) {
      const text = await readText(uri);
      const range = text === undefined ? undefined : locateSetting(text, problem.setting!, problem.field, prefix);
      if (text !== undefined && range) return { uri, text, range };
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
  let settings: unknown = jsonc().parse(text, [], { allowTrailingComma: true, disallowComments: false });
  for (const segment of prefix) settings = (settings as Record<string | number, unknown> | undefined)?.[segment];
  const object = settings as Record<string, unknown> | undefined;
  const tasks = object?.['devProcesses.tasks'] ?? (object?.devProcesses as Record<string, unknown> | undefined)?.tasks;
  return Array.isArray(tasks) ? tasks.findIndex((t) => (t as { name?: unknown } | null)?.name === name) : -1;
}

/**
 * The text VS Code read the settings from: the saved file, always read again. An open document
 * can still hold the text before a write made outside it (a checkout, another tool, the
 * settings API) while the settings already have the new values.
 */
async function readText(uri: vscode.Uri): Promise<string | undefined> {
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
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = error.code;
  return diagnostic;
}

function locate(problem: DefinitionError, { start, end, precision }: SettingsRange, text: string): { diagnostic: vscode.Diagnostic; fix?: LocatedFix } {
  const from = positionAt(text, start);
  const to = positionAt(text, end);
  const range = new vscode.Range(from.line, from.character, to.line, to.character);
  // A warning, as the editor's schema check reports the same kinds, so a problem has one severity wherever it shows.
  const diagnostic = new vscode.Diagnostic(range, problem.message, vscode.DiagnosticSeverity.Warning);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  if (problem.field !== undefined) diagnostic.code = problem.field;
  // A fix rewrites the field itself: not an entry that only holds it.
  const fix = problem.fix && precision === 'field' ? { fix: problem.fix, range, written: text.slice(start, end) } : undefined;
  return fix ? { diagnostic, fix } : { diagnostic };
}
