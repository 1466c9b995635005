import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import type { ProcessEngine } from '../engine/engine';
import { OutputFeed } from './outputFeed';
import { relativePaths } from './treeFormat';

/**
 * One output channel per definition, created on first output, fed with stdout and stderr in
 * batches by an OutputFeed.
 */
export class OutputChannels extends Disposable {
  private readonly channels = new Map<string, vscode.OutputChannel>();
  private readonly feed: OutputFeed;

  constructor(engine: ProcessEngine) {
    super();
    const folders = () => vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
    this.feed = this._register(new OutputFeed(engine, (name, text) => this.channel(name).append(text), undefined, (text) => relativePaths(text, folders())));
  }

  /** The channel's title: "Dev Processes: web". */
  static title(name: string): string {
    return `Dev Processes: ${name}`;
  }

  show(name: string, preserveFocus = true): void {
    this.feed.flush();
    this.channel(name).show(preserveFocus);
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
