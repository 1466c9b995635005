import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import { ProcessError } from '../core/errors';
import type { ProcessEngine } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { CommandIds } from './commandIds';
import { pickRun, toTarget, type CommandTarget } from './pickers';
import { registerCommand } from './registerCommand';
import { TerminalFeed, type TerminalScope } from './terminalFeed';
import { TerminalInput } from './terminalInput';
import { shortCommandLabel } from './treeFormat';

/** Replicas share one terminal with a prefix per line, or get one each: `devProcesses.terminal.replicas`. */
type ReplicaMode = 'shared' | 'separate';

function replicaMode(): ReplicaMode {
  return vscode.workspace.getConfiguration('devProcesses').get('terminal.replicas') === 'separate' ? 'separate' : 'shared';
}

/** `terminal.integrated.scrollback`: what the terminal keeps anyway, so what is worth replaying. */
function scrollback(): number {
  const lines = vscode.workspace.getConfiguration('terminal.integrated').get<number>('scrollback');
  return typeof lines === 'number' && lines > 0 ? Math.min(lines, 100_000) : 1000;
}

/**
 * One editor terminal per definition (or replica, or typed command line), backed by a
 * Pseudoterminal: the output with its colours, keys to the process, Ctrl+C as SIGINT. Closing
 * it never stops the process. Registers `devProcesses.showTerminal`.
 */
export class TerminalViews extends Disposable {
  private readonly open = new Map<string, { terminal: vscode.Terminal; feed: TerminalFeed }>();

  constructor(private readonly engine: ProcessEngine) {
    super();
    this._register(registerCommand(CommandIds.showTerminal, (target?: CommandTarget) => this.showTerminal(target)));
    this._register(vscode.window.onDidCloseTerminal((closed) => this.forget(closed)));
  }

  /** The title of a terminal: "Dev Processes: web", "Dev Processes: web #1". */
  static title(scope: TerminalScope): string {
    const name = scope.runId !== undefined ? shortCommandLabel(scope.name) : scope.name;
    return `Dev Processes: ${name}${scope.instance === undefined ? '' : ` #${scope.instance}`}`;
  }

  /** Opens (or shows) the terminal of a run or definition, picking a run when given none. */
  async showTerminal(target: CommandTarget, preserveFocus = false): Promise<vscode.Terminal | undefined> {
    const resolved = toTarget(target) ?? (await pickRun(this.engine, 'Show which process in a terminal?', () => true));
    if (resolved === undefined) return undefined;
    const scope = this.scopeOf(resolved);
    const key = scope.runId ?? `${scope.name}#${scope.instance ?? '*'}`;
    const existing = this.open.get(key);
    if (existing) {
      try {
        existing.terminal.show(preserveFocus);
        return existing.terminal;
      } catch {
        // Closed a moment ago; the editor tells us a little later. A new one takes its place.
        this.forget(existing.terminal);
      }
    }
    const entry = this.create(scope);
    this.open.set(key, entry);
    entry.terminal.show(preserveFocus);
    return entry.terminal;
  }

  private scopeOf(target: string | { id: string }): TerminalScope {
    const run = this.engine.get(target);
    const isName = typeof target === 'string' && this.engine.definition(target) !== undefined;
    if (isName && (!run || run.name === target)) return { name: target as string, instance: this.instanceScope(run) };
    if (!run) throw new ProcessError('not-found', `There is no process or definition "${typeof target === 'string' ? target : target.id}".`);
    if (run.adhoc) return { name: run.name, runId: run.id };
    return { name: run.name, instance: replicaMode() === 'separate' && this.replicated(run) ? run.instance : undefined };
  }

  private instanceScope(run: ProcessSnapshot | undefined): number | undefined {
    return run && replicaMode() === 'separate' && this.replicated(run) ? run.instance : undefined;
  }

  private replicated(run: ProcessSnapshot): boolean {
    return (this.engine.definition(run.name)?.instances.max ?? 1) > 1;
  }

  private create(scope: TerminalScope): { terminal: vscode.Terminal; feed: TerminalFeed } {
    const writeEmitter = new vscode.EventEmitter<string>();
    const feed = new TerminalFeed(this.engine, scope, (data) => writeEmitter.fire(data), { replayLines: scrollback() });
    const input = new TerminalInput(this.engine, scope, feed, (run, columns, rows) => this.engine.resize(run.id, columns, rows));
    // A run on a pseudo-terminal started after the view opened gets the view's size once it runs.
    const sizing = this.engine.onDidChange((run) => run?.tty && input.sizeRuns());
    const pty: vscode.Pseudoterminal = {
      onDidWrite: writeEmitter.event,
      open: (dimensions) => {
        if (dimensions) input.resize(dimensions.columns, dimensions.rows);
        feed.start();
      },
      // The process keeps running: closing a view of it is not a stop.
      close: () => {
        sizing.dispose();
        feed.dispose();
        writeEmitter.dispose();
      },
      handleInput: (data) => input.handle(data),
      setDimensions: (dimensions) => input.resize(dimensions.columns, dimensions.rows),
    };
    const terminal = vscode.window.createTerminal({ name: TerminalViews.title(scope), pty, iconPath: new vscode.ThemeIcon('server-process'), isTransient: true });
    return { terminal, feed };
  }

  private forget(closed: vscode.Terminal): void {
    for (const [key, entry] of this.open) {
      if (entry.terminal !== closed) continue;
      entry.feed.dispose();
      this.open.delete(key);
    }
  }

  override dispose(): void {
    for (const entry of this.open.values()) {
      entry.feed.dispose();
      entry.terminal.dispose();
    }
    this.open.clear();
    super.dispose();
  }
}
