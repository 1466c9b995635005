import * as vscode from 'vscode';
import type { OutputEvent, ProcessEngine } from '../engine/engine';
import type { OutputLine } from '../engine/outputRing';
import { OutputBuffer } from './outputBuffer';

/** Appends are batched: one append per channel per flush keeps a chatty process cheap. */
const FLUSH_MS = 100;

function format(line: OutputLine): string {
  if (line.stream === 'stderr') return `[stderr] ${line.text}`;
  if (line.stream === 'system') return `[${new Date(line.at).toLocaleTimeString()}] ${line.text}`;
  return line.text;
}

/**
 * One output channel per definition, created on first output, fed with stdout and stderr in
 * batches; a flood is cut to its newest lines per batch, with a note of how many were dropped.
 */
export class OutputChannels implements vscode.Disposable {
  private readonly channels = new Map<string, vscode.OutputChannel>();
  private readonly pending = new Map<string, OutputBuffer>();
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly engine: ProcessEngine) {
    this.subscription = engine.onDidOutput((e) => this.enqueue(e));
  }

  /** The channel's title: "Dev Processes: web". */
  static title(name: string): string {
    return `Dev Processes: ${name}`;
  }

  show(name: string, preserveFocus = true): void {
    this.flush();
    this.channel(name).show(preserveFocus);
  }

  private channel(name: string): vscode.OutputChannel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = vscode.window.createOutputChannel(OutputChannels.title(name));
      this.channels.set(name, channel);
    }
    return channel;
  }

  private enqueue(e: OutputEvent): void {
    let buffer = this.pending.get(e.name);
    if (!buffer) this.pending.set(e.name, (buffer = new OutputBuffer()));
    // Replicas share their definition's channel; a prefix tells their lines apart.
    const prefix = this.replicated(e.name) ? `[#${e.instance}] ` : '';
    for (const line of e.lines) buffer.push(prefix + format(line));
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private replicated(name: string): boolean {
    return (this.engine.definitions().find((s) => s.name === name)?.instances.max ?? 1) > 1;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [name, buffer] of this.pending) {
      const text = buffer.drain();
      if (text !== '') this.channel(name).append(text);
    }
    this.pending.clear();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    for (const channel of this.channels.values()) channel.dispose();
    this.channels.clear();
  }
}
