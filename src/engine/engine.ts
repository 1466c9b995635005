import { ProcessError } from './errors';
import { Emitter, type Disposable } from './events';
import { execaLauncher, type Launcher } from './launcher';
import type { OutputLine } from './outputRing';
import { linuxProcessTable, type ProcessTable } from './procfs';
import { Run, type RunContext } from './run';
import type { ProcessSnapshot } from './snapshot';
import { isFinal } from './stateMachine';
import type { ProcessSpec } from './types';

export interface EngineOptions {
  launcher?: Launcher;
  table?: ProcessTable;
  /** Grace between SIGTERM and SIGKILL when stopping. */
  stopTimeoutMs?: number;
  /** The environment runs inherit (less the editor's own variables). */
  hostEnv?: Record<string, string | undefined>;
  now?: () => number;
  /** Finished runs kept per definition (and for ad-hoc commands together). */
  historyPerDefinition?: number;
  /** Working directory of ad-hoc command lines. */
  defaultCwd?: string;
}

export interface OutputEvent {
  id: string;
  name: string;
  lines: OutputLine[];
}

/** A run id, a definition name (its latest run) or anything with an `id`. */
export type RunTarget = string | { id: string };

const ADHOC_KEY = '\u0000adhoc';

/**
 * The engine's process core: definitions in, runs out. Starts, stops and restarts runs, keeps
 * their state and output, and tells listeners about every change.
 */
export class ProcessEngine implements Disposable {
  private readonly changeEmitter = new Emitter<ProcessSnapshot | undefined>();
  private readonly outputEmitter = new Emitter<OutputEvent>();
  /** Fires with the changed run, or undefined when the definitions changed. */
  readonly onDidChange = this.changeEmitter.event;
  readonly onDidOutput = this.outputEmitter.event;

  private specs = new Map<string, ProcessSpec>();
  private readonly runs = new Map<string, Run>();
  private seq = 0;
  private readonly idPrefix = Date.now().toString(36);
  private readonly ctx: RunContext;
  private readonly history: number;
  private disposed = false;
  stopTimeoutMs: number;

  constructor(private readonly options: EngineOptions = {}) {
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    this.history = options.historyPerDefinition ?? 10;
    this.ctx = {
      launcher: options.launcher ?? execaLauncher,
      table: options.table ?? linuxProcessTable,
      hostEnv: options.hostEnv ?? process.env,
      now: options.now ?? Date.now,
      onChange: (run) => {
        if (isFinal(run.state)) this.trimHistory(run);
        this.changeEmitter.fire(this.snapshot(run));
      },
      onOutput: (run, lines) => this.outputEmitter.fire({ id: run.id, name: run.spec.name, lines }),
    };
  }

  /** Replaces the definitions. Running processes are never stopped by this. */
  setDefinitions(specs: readonly ProcessSpec[]): void {
    this.specs = new Map(specs.map((s) => [s.name, s]));
    this.changeEmitter.fire(undefined);
  }

  definitions(): ProcessSpec[] {
    return [...this.specs.values()];
  }

  /**
   * Starts a definition by name and resolves to the new run's id. A service already running
   * resolves to that run's id instead of starting a second one.
   */
  async spawn(name: string): Promise<string> {
    this.assertLive();
    const spec = this.specs.get(name);
    if (!spec) {
      const known = [...this.specs.keys()].map((n) => `"${n}"`).join(', ') || 'none';
      throw new ProcessError('spawn-failed', `There is no definition named "${name}" (defined: ${known}).`);
    }
    if (spec.kind === 'service') {
      const live = this.runsOf(name).find((r) => !isFinal(r.state));
      if (live) return live.id;
    }
    return this.startRun(spec, false).id;
  }

  /** Runs a command line the user typed, through `/bin/sh -c`, as a job. */
  async runCommandLine(commandLine: string, cwd = this.options.defaultCwd ?? process.cwd()): Promise<string> {
    this.assertLive();
    const text = commandLine.trim();
    if (text === '') throw new ProcessError('spawn-failed', 'The command line is empty.');
    const spec: ProcessSpec = { name: text, kind: 'job', command: text, args: [], cwd, env: {}, shell: true, autoStart: false };
    return this.startRun(spec, true).id;
  }

  /** Stops a run's whole process tree; resolves once every process of it is gone. */
  async kill(target: RunTarget): Promise<void> {
    await this.require(target).stop(this.stopTimeoutMs);
  }

  /** Stops every run; resolves once all their processes are gone. */
  async killAll(graceMs = this.stopTimeoutMs): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.stop(graceMs)));
  }

  /** Stops a run and starts its definition again as a new run; resolves to the new id. */
  async restart(target: RunTarget): Promise<string> {
    const old = this.require(target);
    await old.stop(this.stopTimeoutMs);
    this.assertLive();
    const spec = old.adhoc ? old.spec : this.specs.get(old.spec.name);
    if (!spec) {
      throw new ProcessError('spawn-failed', `"${old.spec.name}" can no longer be restarted: its definition was removed.`);
    }
    return this.startRun(spec, old.adhoc).id;
  }

  /** Sends a line of text to a running process's stdin. */
  sendInput(target: RunTarget, text: string): void {
    const run = this.require(target);
    const line = text.endsWith('\n') ? text : `${text}\n`;
    if (!run.write(line)) {
      throw new ProcessError('spawn-failed', `"${run.spec.name}" is ${run.state}; input can only go to a running process.`);
    }
  }

  list(): ProcessSnapshot[] {
    return [...this.runs.values()].map((r) => this.snapshot(r));
  }

  get(target: RunTarget): ProcessSnapshot | undefined {
    const run = this.find(target);
    return run && this.snapshot(run);
  }

  /** Recent output of a run, oldest first. */
  output(target: RunTarget, last?: number): OutputLine[] {
    return this.find(target)?.output.toArray(last) ?? [];
  }

  /** Resolves when the run reaches a final state. */
  whenDone(target: RunTarget): Promise<void> {
    return this.require(target).done;
  }

  /** Stops every process (grace `graceMs`, then SIGKILL) and releases the listeners. */
  async dispose(graceMs = Math.min(this.stopTimeoutMs, 3000)): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.killAll(graceMs);
    this.changeEmitter.dispose();
    this.outputEmitter.dispose();
  }

  private startRun(spec: ProcessSpec, adhoc: boolean): Run {
    const id = `${this.idPrefix}-${++this.seq}`;
    const run = new Run(id, spec, adhoc, this.ctx);
    this.runs.set(id, run);
    run.start();
    return run;
  }

  private find(target: RunTarget): Run | undefined {
    const key = typeof target === 'string' ? target : target.id;
    const byId = this.runs.get(key);
    if (byId) return byId;
    const ofName = this.runsOf(key);
    return ofName.find((r) => !isFinal(r.state)) ?? ofName.at(-1);
  }

  private require(target: RunTarget): Run {
    const run = this.find(target);
    if (!run) {
      const key = typeof target === 'string' ? target : target.id;
      throw new ProcessError('spawn-failed', `There is no process or definition "${key}".`);
    }
    return run;
  }

  private runsOf(name: string): Run[] {
    return [...this.runs.values()].filter((r) => !r.adhoc && r.spec.name === name);
  }

  /** Keeps the last few finished runs of each definition; live runs are always kept. */
  private trimHistory(finished: Run): void {
    const key = finished.adhoc ? ADHOC_KEY : finished.spec.name;
    const done = [...this.runs.values()].filter(
      (r) => isFinal(r.state) && (r.adhoc ? ADHOC_KEY : r.spec.name) === key,
    );
    for (const run of done.slice(0, Math.max(0, done.length - this.history))) this.runs.delete(run.id);
  }

  private snapshot(run: Run): ProcessSnapshot {
    const current = this.specs.get(run.spec.name);
    let definitionStatus: ProcessSnapshot['definitionStatus'] = 'current';
    if (!run.adhoc && !current) definitionStatus = 'removed';
    else if (!run.adhoc && JSON.stringify(current) !== JSON.stringify(run.spec)) definitionStatus = 'changed';
    return {
      id: run.id,
      name: run.spec.name,
      kind: run.spec.kind,
      state: run.state,
      pid: run.pid,
      exitCode: run.exitCode,
      signal: run.signal,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      restarts: run.restarts,
      attempts: run.attempts,
      error: run.error && { code: run.error.code, message: run.error.message },
      commandLine: run.commandLine,
      adhoc: run.adhoc,
      definitionStatus,
    };
  }

  private assertLive(): void {
    if (this.disposed) throw new ProcessError('canceled', 'The process engine has been shut down.');
  }
}

