import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import { TIMESTAMPS_SETTING } from '../config/outputFields';
import { ProcessError } from '../core/errors';
import type { ProcessEngine } from '../engine/engine';
import { CommandIds } from './commandIds';
import { ADHOC_CHANNEL, OutputFeed } from './outputFeed';
import { pickRun, toTarget, type CommandTarget } from './pickers';
import { registerCommand } from './registerCommand';
import { readTimestampSetting } from './settings';
import { relativePaths } from './treeFormat';

/**
 * One output channel per definition, created on first output, fed with stdout and stderr in
 * batches by an OutputFeed, timed per `devProcesses.output.timestamps`. Registers
 * `devProcesses.showOutput`.
 */
export class OutputChannels extends Disposable {
  private readonly channels = new Map<string, vscode.OutputChannel>();
  private readonly feed: OutputFeed;

  constructor(private readonly engine: ProcessEngine) {
    super();
    this._register(registerCommand(CommandIds.showOutput, (target?: CommandTarget) => this.showOutput(target)));
    const folders = () => vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
    this.feed = this._register(new OutputFeed(engine, (name, text) => this.channel(name).append(text), undefined, (text) => relativePaths(text, folders())));
    this.feed.timestamps = readTimestampSetting();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(TIMESTAMPS_SETTING)) this.feed.timestamps = readTimestampSetting();
      }),
    );
  }

  /** The channel's title: "Dev Processes: web". */
  static title(name: string): string {
    return `Dev Processes: ${name}`;
  }

  show(name: string, preserveFocus = true): void {
    this.feed.flush();
    this.channel(name).show(preserveFocus);
  }

  /**
   * Shows the output of a run or definition, picking a run when given none: in its terminal view
   * or its channel, per `devProcesses.output.view`.
   */
  private async showOutput(target: CommandTarget): Promise<void> {
    const engine = this.engine;
    const resolved = toTarget(target) ?? (await pickRun(engine, 'Show the output of which process?', () => true));
    if (resolved === undefined) return;
    if (vscode.workspace.getConfiguration('devProcesses').get<string>('output.view') !== 'channel') {
      await vscode.commands.executeCommand(CommandIds.showTerminal, resolved);
      return;
    }
    const snapshot = engine.get(resolved);
    if (!snapshot && typeof resolved === 'string' && engine.definitions().some((s) => s.name === resolved)) {
      this.show(resolved, false);
      return;
    }
    if (!snapshot) throw new ProcessError('not-found', `There is no process or definition "${typeof resolved === 'string' ? resolved : resolved.id}".`);
    this.show(snapshot.adhoc ? ADHOC_CHANNEL : snapshot.name, false);
  }

  private channel(name: string): vscode.OutputChannel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = this._register(vscode.window.createOutputChannel(OutputChannels.title(name)));
      this.channels.set(name, channel);
    }
    return channel;
  }

  override dispose(): void {
    super.dispose();
    this.channels.clear();
  }
}
