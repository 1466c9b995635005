import { constants } from 'node:os';
import * as vscode from 'vscode';
import type { DefinitionError, ProcessSpec } from '../core/types';
import type { ProcessEngine } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { isFinal } from '../engine/run/stateMachine';
import { TerminalFeed } from './terminalFeed';
import { TerminalInput } from './terminalInput';

/** The task type in tasks.json and the source in "Tasks: Run Task" ("devProcesses: NAME"). */
export const TASK_TYPE = 'devProcesses';

/**
 * VS Code marks a background task active and inactive (what a `preLaunchTask` waits for) only
 * through a problem matcher's background patterns, matched against the lines its terminal shows;
 * a CustomExecution has no other way to say it. This matcher (contributed in package.json, with
 * `activeOnStart`) matches no problems, only the two lines below that the task's terminal writes
 * when the run's readiness changes: so a `preLaunchTask` waits for the real readiness probe.
 */
export const READY_MATCHER = '$devProcesses-ready';

/** Matches the matcher's `beginsPattern`. */
export function waitingLine(name: string): string {
  return `devProcesses: waiting for "${name}" to be ready`;
}

/** Matches the matcher's `endsPattern`. */
export function readyLine(name: string): string {
  return `devProcesses: "${name}" is ready`;
}

export interface DevProcessesTaskDefinition extends vscode.TaskDefinition {
  /** The definition's name in `devProcesses.tasks`. */
  name: string;
}

/** The exit code a task ends with: the process's, a signal as a shell reports it, else 0 or 1. */
export function taskExitCode(run: ProcessSnapshot): number {
  if (run.exitCode !== null) return run.exitCode;
  const signal = run.signal ? constants.signals[run.signal] : undefined;
  if (signal !== undefined) return 128 + signal;
  return run.state === 'completed' ? 0 : 1;
}

/**
 * A task's terminal: the run's output with its colours (the terminal view's feed), keys and
 * Ctrl+C to it, and the task's life bound to the run's: it closes with the run's exit code, and
 * terminating the task stops the run. A service's terminal writes the readiness lines.
 */
class TaskTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly feed: TerminalFeed;
  private readonly input: TerminalInput;
  private subscription: vscode.Disposable | undefined;
  private ended = false;
  private ready = false;

  constructor(
    private readonly engine: ProcessEngine,
    private readonly runId: string,
    private readonly name: string,
  ) {
    this.feed = new TerminalFeed(engine, { name, runId }, (data) => this.writeEmitter.fire(data), { endNote: false });
    this.input = new TerminalInput(engine, { name, runId }, this.feed, (run, columns, rows) => engine.resize(run.id, columns, rows));
  }

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    if (dimensions) this.input.resize(dimensions.columns, dimensions.rows);
    this.feed.start();
    this.subscription = this.engine.onDidChange((run) => (!run || run.id === this.runId) && this.changed());
    const run = this.engine.get(this.runId);
    if (run?.kind === 'service' && !run.ready && !isFinal(run.state)) this.feed.note(waitingLine(this.name));
    this.changed();
  }

  close(): void {
    this.dispose();
    if (this.ended) return;
    // The user terminated the task (or closed its terminal): that stops the run.
    this.ended = true;
    const run = this.engine.get(this.runId);
    if (run && !isFinal(run.state)) this.engine.kill(this.runId).catch(() => undefined);
  }

  handleInput(data: string): void {
    this.input.handle(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.input.resize(dimensions.columns, dimensions.rows);
  }

  private changed(): void {
    if (this.ended) return;
    const run = this.engine.get(this.runId);
    if (!run) return this.end(1);
    this.input.sizeRuns();
    if (isFinal(run.state)) return this.end(taskExitCode(run));
    if (run.kind !== 'service' || run.ready === this.ready) return;
    this.ready = run.ready;
    this.feed.note(run.ready ? readyLine(this.name) : waitingLine(this.name));
  }

  private end(exitCode: number): void {
    this.ended = true;
    this.feed.flush();
    this.dispose();
    this.closeEmitter.fire(exitCode);
  }

  private dispose(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
    this.feed.dispose();
  }
}

/** A terminal that says why the run could not start, then closes with a failure code. */
function failedTerminal(message: string): vscode.Pseudoterminal {
  const writeEmitter = new vscode.EventEmitter<string>();
  const closeEmitter = new vscode.EventEmitter<number>();
  return {
    onDidWrite: writeEmitter.event,
    onDidClose: closeEmitter.event,
    open: () => {
      writeEmitter.fire(`\u001b[31m${message.replace(/\r?\n/g, '\r\n')}\u001b[0m\r\n`);
      closeEmitter.fire(1);
    },
    close: () => undefined,
  };
}

/** Jobs named like a build or a test join the editor's Build or Test group, as npm scripts do. */
function groupOf(spec: ProcessSpec | undefined): vscode.TaskGroup | undefined {
  if (spec?.kind !== 'job') return undefined;
  if (/^(build|compile)\b/i.test(spec.name)) return vscode.TaskGroup.Build;
  if (/^test\b/i.test(spec.name)) return vscode.TaskGroup.Test;
  return undefined;
}

/**
 * Every definition as a task "devProcesses: NAME" for "Tasks: Run Task", tasks.json and a
 * launch configuration's `preLaunchTask`. Running it starts the run, or follows the one that
 * already runs (a service is never started twice).
 */
export class DevProcessesTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly engine: ProcessEngine,
    private readonly problems: () => DefinitionError[],
  ) {}

  provideTasks(): vscode.Task[] {
    // Detected entries are the editor's own npm scripts and tasks.json tasks already.
    return this.engine.definitions().filter((spec) => spec.source === undefined).map((spec) => this.taskFor({ type: TASK_TYPE, name: spec.name }));
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const name: unknown = task.definition.name;
    if (typeof name !== 'string') return undefined;
    return this.taskFor(task.definition as DevProcessesTaskDefinition, task.scope);
  }

  private taskFor(definition: DevProcessesTaskDefinition, scope?: vscode.Task['scope']): vscode.Task {
    const spec = this.engine.definition(definition.name);
    const service = spec?.kind === 'service';
    const execution = new vscode.CustomExecution(() => this.start(definition.name));
    const task = new vscode.Task(definition, scope ?? defaultScope(), definition.name, TASK_TYPE, execution, service ? [READY_MATCHER] : []);
    task.isBackground = service;
    task.detail = spec ? `${spec.kind}: ${[spec.command, ...spec.args].join(' ')}` : undefined;
    const group = groupOf(spec);
    if (group) task.group = group;
    return task;
  }

  private async start(name: string): Promise<vscode.Pseudoterminal> {
    try {
      return new TaskTerminal(this.engine, await this.runFor(name), name);
    } catch (err) {
      return failedTerminal(`devProcesses: "${name}" could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The run the task follows: a job's unfinished run, else a new one (a running service resolves to itself). */
  private async runFor(name: string): Promise<string> {
    const spec = this.engine.definition(name);
    if (!spec) {
      const problem = this.problems().find((p) => p.name === name);
      throw new Error(problem ? `its settings need fixing first: ${problem.message}` : `there is no entry named "${name}" in devProcesses.tasks.`);
    }
    if (spec.kind === 'job') {
      const live = this.engine.list().filter((r) => !r.adhoc && r.name === name && !isFinal(r.state));
      if (live.length > 0) return live[live.length - 1].id;
    }
    return this.engine.spawn(name);
  }
}

/** The first folder, where the engine runs a definition by default; the workspace when none is open. */
function defaultScope(): vscode.WorkspaceFolder | vscode.TaskScope {
  return vscode.workspace.workspaceFolders?.[0] ?? vscode.TaskScope.Workspace;
}

export function registerTaskProvider(engine: ProcessEngine, problems: () => DefinitionError[]): vscode.Disposable {
  return vscode.tasks.registerTaskProvider(TASK_TYPE, new DevProcessesTaskProvider(engine, problems));
}
