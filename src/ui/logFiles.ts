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
import { formatLogBatch, formatLogLines, readEarlierOutput, readLogTail, safeFileName } from '../platform/logLines';
import type { OutputLine } from '../platform/outputRing';
import { ReplayOverlap } from '../platform/replayOverlap';
import { CommandIds } from './commandIds';
import { ADHOC_CHANNEL } from './outputFeed';
import { pickRun, toTarget, type CommandTarget } from './pickers';
import { registerCommand } from './registerCommand';
import { SECTION } from './settings';

/** How much of an adopted run's log file is shown again in its output. */
const RESTORE_MAX_BYTES = 256 * 1024;
const RESTORE_MAX_LINES = 2000;

/**
 * How much of a log file a reconnected run's replay is matched against: more than the launcher's
 * replay buffer holds with the stamps of the file's lines.
 */
const REPLAY_TAIL_MAX_BYTES = 4 * 1024 * 1024;
const REPLAY_TAIL_MAX_LINES = 50_000;
/** How long a replay line waits for an overlap that may still reach the end of the file. */
const REPLAY_HOLD_MS = 1000;

/** One line of a reconnected run's output, held until it is known whether the file has it. */
type HeldLine = { event: OutputEvent; line: OutputLine };

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
  /** Reconnected runs whose replay may begin with lines their file has, by run id; lines wait in `queue` while the file is read. */
  private readonly replays = new Map<string, { overlap?: ReplayOverlap<HeldLine>; queue: HeldLine[]; timer?: NodeJS.Timeout }>();
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

  /**
   * Runs taken back from the launcher helper: their output begins with a replay, part of which
   * the previous window wrote to their file already. Called before that output comes: the
   * replayed lines the file ends with are not written again.
   */
  reconnected(runs: readonly ProcessSnapshot[]): void {
    if (!this.settings.enabled) return;
    for (const run of runs) {
      const replay: { overlap?: ReplayOverlap<HeldLine>; queue: HeldLine[]; timer?: NodeJS.Timeout } = { queue: [] };
      this.replays.set(run.id, replay);
      const prefix = this.prefixOf(run);
      // A file that cannot be read matches nothing: the replay is written whole, never held for good.
      const read = readLogTail(this.fileOf(run.adhoc ? ADHOC_CHANNEL : run.name), REPLAY_TAIL_MAX_BYTES, REPLAY_TAIL_MAX_LINES).catch((): OutputLine[] => []);
      void read.then((tail) => {
        if (this.replays.get(run.id) !== replay) return;
        const tails = new Map<string, string[]>();
        for (const l of tail) {
          if (l.stream === 'system' || !l.text.startsWith(prefix)) continue;
          const lines = tails.get(l.stream) ?? [];
          tails.set(l.stream, lines);
          lines.push(l.text);
        }
        replay.overlap = new ReplayOverlap(tails);
        const queued = replay.queue;
        replay.queue = [];
        for (const held of queued) this.writeReplay(held);
        if (this.replays.get(run.id) === replay) replay.timer = setTimeout(() => this.endReplay(run.id), REPLAY_HOLD_MS).unref();
      });
    }
  }

  private write(e: OutputEvent): void {
    // Restored lines came from a log file already.
    if (e.restored || !this.settings.enabled) return;
    if (this.replays.has(e.id)) {
      for (const line of e.lines) this.writeReplay({ event: e, line });
      return;
    }
    const name = e.adhoc ? ADHOC_CHANNEL : e.name;
    const target = this.targets.get(name) ?? this.open(name);
    target.runs.add(e.id);
    if (target.pressed && !target.held.has(e.id)) this.hold(target, e.id, true);
    target.file.write(e.batch ? formatLogBatch(e.batch, this.prefixOf(e)) : formatLogLines(e.lines, this.prefixOf(e)));
  }

  private prefixOf(e: Pick<OutputEvent, 'adhoc' | 'name' | 'instance'>): string {
    return !e.adhoc && (this.engine.definition(e.name)?.instances.max ?? 1) > 1 ? `[#${e.instance}] ` : '';
  }

  private writeReplay(held: HeldLine): void {
    const replay = this.replays.get(held.event.id);
    if (!replay) {
      this.writeHeld([held]);
      return;
    }
    if (!replay.overlap) {
      replay.queue.push(held);
      return;
    }
    const { stream, text } = held.line;
    const left = replay.overlap.push(held, stream === 'system' ? undefined : stream, this.prefixOf(held.event) + text);
    if (replay.overlap.done) this.endReplay(held.event.id, left);
  }

  /** The replay of this run is over (or waited long enough): what it held is written, and its next lines as they come. */
  private endReplay(id: string, decided: HeldLine[] = []): void {
    const replay = this.replays.get(id);
    if (!replay) return;
    this.replays.delete(id);
    clearTimeout(replay.timer);
    this.writeHeld([...decided, ...(replay.overlap?.finish() ?? []), ...replay.queue]);
  }

  private writeHeld(lines: HeldLine[]): void {
    for (const { event, line } of lines) this.write({ ...event, lines: [line] });
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
    for (const id of [...this.replays.keys()]) this.endReplay(id);
    this.closeAll();
    super.dispose();
  }
}

function readSettings(): LogSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return readLogSettings((key) => config.get(key), { workspaceFolder, env: process.env, homeDir: os.homedir() });
}
