import * as vscode from 'vscode';
import { type DetectedEntry, type DetectFs, type DetectProblem, type DetectResult, type DetectSelection } from '../config/detected/types';
import { nodeDetectFs } from '../config/detected/nodeFs';
import { parseDetectSelection } from '../config/detected/selection';
import { Disposable } from '../core/dispose';
import { SECTION } from './settings';
import { DIAGNOSTIC_SOURCE } from './settingsDiagnostics';

/** The files detection reads, wherever they sit in a folder. */
const WATCHED = '**/{package.json,pnpm-workspace.yaml,Procfile,Procfile.dev,process-compose.yaml,process-compose.yml,compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml,.vscode/tasks.json}';

/** A save often comes as several file events (write, rename, change): one read after they settle. */
const SETTLE_MS = 250;

/**
 * The project files' parsers, loaded with the first read, which comes after activation: the
 * extension's build puts them in a file of their own (esbuild.js), so the first paint neither
 * loads nor compiles them.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const detection = () => require('../config/detected/detect') as typeof import('../config/detected/detect');

/** `devProcesses.detect` as set. */
function readDetectSelection(): DetectSelection {
  return parseDetectSelection(vscode.workspace.getConfiguration(SECTION).get('detect'));
}

/**
 * What the project already defines: read at start and again whenever one of its files changes
 * or `devProcesses.detect` does. Nothing is read in an untrusted workspace: its scripts are the
 * workspace's own code, as its settings are.
 */
export class DetectedSources extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when the detected entries or their problems changed. */
  readonly onDidChange = this.changed.event;
  private result: DetectResult = { entries: [], problems: [] };
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('devProcesses.detected'));
  private timer: NodeJS.Timeout | undefined;
  /** Drops a read that a newer one overtook. */
  private generation = 0;
  private watching = false;
  /** Whether the Problems panel holds problems of ours. */
  private showing = false;

  constructor(private readonly detectFs: DetectFs = nodeDetectFs()) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.detect`)) this.schedule(0);
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule(0)));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule(0)));
    this._register({ dispose: () => clearTimeout(this.timer) });
  }

  get entries(): readonly DetectedEntry[] {
    return this.result.entries;
  }

  get problems(): readonly DetectProblem[] {
    return this.result.problems;
  }

  /** The detected entry of that name, as last read. */
  find(name: string): DetectedEntry | undefined {
    return this.result.entries.find((e) => e.name === name);
  }

  /** Shows each problem in the Problems panel, at its place in the project file. */
  publish(problems: readonly DetectProblem[]): void {
    // Every settings read publishes, activation's first among them: none shown and none to show costs no message to the editor.
    if (problems.length === 0 && !this.showing) return;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const p of problems) {
      const position = new vscode.Position(p.line, p.column);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(position, position), p.message, vscode.DiagnosticSeverity.Warning);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      byFile.set(p.file, [...(byFile.get(p.file) ?? []), diagnostic]);
    }
    this.diagnostics.clear();
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
    this.showing = byFile.size > 0;
  }

  /** Reads every source now; resolves once the result is in (and `onDidChange` fired if it changed). */
  refresh(): Promise<void> {
    this.watchFiles();
    clearTimeout(this.timer);
    return this.read(++this.generation);
  }

  /**
   * The entries last read from a file that now gives a problem and no entry (a half-typed edit
   * saved by autosave): they stay, as the settings' last good definitions do, rather than vanish
   * from under a running process.
   */
  private keptFromBrokenFiles(result: DetectResult): DetectedEntry[] {
    const broken = new Set(result.problems.map((p) => p.file));
    for (const entry of result.entries) broken.delete(entry.at.file);
    const names = new Set(result.entries.map((e) => e.name));
    return this.result.entries.filter((e) => broken.has(e.at.file) && !names.has(e.name));
  }

  /**
   * The project's files are watched from the first read on, which comes after activation, not
   * from the constructor: a change before that read is in what it reads.
   */
  private watchFiles(): void {
    if (this.watching || this.isDisposed) return;
    this.watching = true;
    const files = this._register(vscode.workspace.createFileSystemWatcher(WATCHED));
    const onFile = (uri: vscode.Uri) => {
      if (!uri.path.includes('/node_modules/')) this.schedule();
    };
    this._register(files.onDidChange(onFile));
    this._register(files.onDidCreate(onFile));
    this._register(files.onDidDelete(onFile));
  }

  private schedule(delayMs = SETTLE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
    this.timer.unref?.();
  }

  private async read(generation: number): Promise<void> {
    const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
    let result: DetectResult = { entries: [], problems: [] };
    if (vscode.workspace.isTrusted && folders.length > 0) {
      try {
        result = await detection().detectWorkspace(folders, readDetectSelection(), this.detectFs);
      } catch (err) {
        // Detection is never worth losing the settings' definitions over.
        console.warn('Dev Processes: reading the project files failed', err);
      }
    }
    if (generation !== this.generation) return;
    result = { ...result, entries: [...result.entries, ...this.keptFromBrokenFiles(result)] };
    const before = JSON.stringify(this.result);
    this.result = result;
    if (JSON.stringify(result) !== before) this.changed.fire();
  }
}
