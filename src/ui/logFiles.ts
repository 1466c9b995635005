import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LOGS_SETTINGS, readLogSettings, type LogSettings } from '../config/outputFields';
import { Disposable } from '../core/dispose';
import { ProcessError } from '../core/errors';
import type { OutputEvent, ProcessEngine } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { RotatingLogFile } from '../platform/logFile';
import { formatLogLines, readEarlierOutput, safeFileName } from '../platform/logLines';
import { CommandIds } from './commandIds';
import { ADHOC_CHANNEL } from './outputFeed';
import { pickRun, toTarget, type CommandTarget } from './pickers';
import { registerCommand } from './registerCommand';
import { SECTION } from './settings';

/** How much of an adopted run's log file is shown again in its output. */
const RESTORE_MAX_BYTES = 256 * 1024;
const RESTORE_MAX_LINES = 2000;

/** One definition's log file, and the runs that write to it (to hold back when the disk falls behind). */
interface LogTarget {
  file: RotatingLogFile;
  runs: Set<string>;
  held: Set<string>;
  pressed: boolean;
}

/**
 * Writes every definition's output to a rotated log file, `NAME.log`, in the workspace's storage
 * or `devProcesses.logs.directory`: both streams and our own lines, each with its ISO time and
 * stream, as the engine emits them (every line: the output channels' flood cut does not apply).
 * Replicas share their definition's file with an instance prefix; typed command lines share one
 * file. Registers `devProcesses.openLogFile`.
 */
export class LogFiles extends Disposable {
  private readonly targets = new Map<string, LogTarget>();
  private readonly warned = new Set<string>();
  /** Files whose writer is finishing its queue after a change of settings, by path. */
  private readonly closing = new Map<string, Promise<void>>();
  private settings: LogSettings;

  constructor(
    private readonly engine: ProcessEngine,
    /** Where the files go when `devProcesses.logs.directory` is not set. */
    private readonly storageDir: string,
    private readonly warn: (message: string) => void = (message) => void vscode.window.showWarningMessage(message),
  ) {
    super();
    this.settings = readSettings();
    this._register(engine.onDidOutput((e) => this.write(e)));
    this._register(registerCommand(CommandIds.openLogFile, (target?: CommandTarget) => this.openLogFile(target)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Object.values(LOGS_SETTINGS).some((key) => e.affectsConfiguration(key))) this.reconfigure();
      }),
    );
  }

  /** The folder the log files are written to now. */
  get directory(): string {
    return this.settings.directory ?? this.storageDir;
  }

  /** The current log file of a definition (or of typed command lines, `ADHOC_CHANNEL`). */
  fileOf(name: string): string {
    return path.join(this.directory, `${safeFileName(name)}.log`);
  }

  /** Resolves once every line emitted so far is written (or dropped by a file that failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.targets.values()].map((t) => t.file.flush()));
  }

  /** Shows adopted runs' earlier output again, from their log files (see readEarlierOutput). */
  async restoreAdopted(runs: readonly ProcessSnapshot[], since: number): Promise<void> {
    for (const run of runs) {
      const earlier = await readEarlierOutput(this.fileOf(run.adhoc ? ADHOC_CHANNEL : run.name), since, RESTORE_MAX_BYTES, RESTORE_MAX_LINES);
      if (this.engine.get(run.id)) this.engine.outputControl(run.id).restore(earlier);
    }
  }

  private write(e: OutputEvent): void {
    // Restored lines came from a log file already.
    if (e.restored || !this.settings.enabled) return;
    const name = e.adhoc ? ADHOC_CHANNEL : e.name;
    const target = this.targets.get(name) ?? this.open(name);
    target.runs.add(e.id);
    if (target.pressed && !target.held.has(e.id)) this.hold(target, e.id, true);
    const prefix = !e.adhoc && (this.engine.definition(e.name)?.instances.max ?? 1) > 1 ? `[#${e.instance}] ` : '';
    target.file.write(formatLogLines(e.lines, prefix));
  }

  private open(name: string): LogTarget {
    const file = this.fileOf(name);
    const target: LogTarget = {
      runs: new Set(),
      held: new Set(),
      pressed: false,
      file: new RotatingLogFile({
        file,
        maxBytes: this.settings.maxBytes,
        maxFiles: this.settings.maxFiles,
        onError: (err) => this.failed(name, file, err),
        onPressure: (held) => this.pressure(target, held),
        // A new writer of the same file waits for the old one: lines stay in order, rotation single.
        after: this.closing.get(file),
      }),
    };
    this.targets.set(name, target);
    return target;
  }

  /** The disk fell behind (or caught up): the runs writing to the file wait (or go on). */
  private pressure(target: LogTarget, held: boolean): void {
    target.pressed = held;
    for (const id of held ? target.runs : [...target.held]) this.hold(target, id, held);
  }

  private hold(target: LogTarget, id: string, held: boolean): void {
    if (held) target.held.add(id);
    else target.held.delete(id);
    // A run that is gone from the engine has nothing left to hold.
    if (!this.engine.get(id)) {
      target.runs.delete(id);
      target.held.delete(id);
      return;
    }
    this.engine.outputControl(id).hold(target.file.file, held);
  }

  private failed(name: string, file: string, err: NodeJS.ErrnoException): void {
    if (this.warned.has(name)) return;
    this.warned.add(name);
    const why = err.code === 'ELOOP' ? 'a symbolic link is in its place' : err.code === 'ENOSPC' ? 'the disk is full' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.message;
    this.warn(`Dev Processes: the log file of "${name}" cannot be written (${why}): ${file}. Its output still shows in its output channel.`);
  }

  /** New settings: the open files are finished and the next lines open them as the settings say. */
  private reconfigure(): void {
    this.settings = readSettings();
    this.closeAll();
  }

  private closeAll(): void {
    for (const target of this.targets.values()) {
      this.pressure(target, false);
      const closed = target.file.close();
      this.closing.set(target.file.file, closed);
      void closed.then(() => this.closing.get(target.file.file) === closed && this.closing.delete(target.file.file));
    }
    this.targets.clear();
  }

  private async openLogFile(target: CommandTarget): Promise<void> {
    const resolved = toTarget(target) ?? (await pickRun(this.engine, 'Open the log file of which process?', () => true));
    if (resolved === undefined) return;
    const snapshot = this.engine.get(resolved);
    const isDefinition = typeof resolved === 'string' && this.engine.definitions().some((s) => s.name === resolved);
    if (!snapshot && !isDefinition) throw new ProcessError('not-found', `There is no process or definition "${typeof resolved === 'string' ? resolved : resolved.id}".`);
    const name = snapshot ? (snapshot.adhoc ? ADHOC_CHANNEL : snapshot.name) : (resolved as string);
    await this.targets.get(name)?.file.flush();
    const file = this.fileOf(name);
    const exists = await fs.promises.stat(file).then((stat) => stat.size > 0, () => false);
    if (!exists) {
      void vscode.window.showInformationMessage(`Dev Processes: "${name}" has no log file yet${this.settings.enabled ? '' : ' (log files are turned off: devProcesses.logs.enabled)'}.`);
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
  }

  override dispose(): void {
    this.closeAll();
    super.dispose();
  }
}

function readSettings(): LogSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return readLogSettings((key) => config.get(key), { workspaceFolder, env: process.env, homeDir: os.homedir() });
}
