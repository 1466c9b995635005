import * as fs from 'node:fs';
import { parseDotenv } from './dotenv';
import { buildEnvironment } from './environment';
import { classifyExit, classifySpawnError, ProcessError } from './errors';
import { killTree } from './killTree';
import type { LaunchedProcess, Launcher } from './launcher';
import { LineSplitter } from './lineSplitter';
import { OutputRing, type OutputLine, type OutputStream } from './outputRing';
import type { ProcessTable } from './procfs';
import { assertTransition, isFinal } from './stateMachine';
import type { ProcessSpec, RunState } from './types';

/** What a run needs from the engine around it. */
export interface RunContext {
  launcher: Launcher;
  table: ProcessTable;
  hostEnv: Record<string, string | undefined>;
  now: () => number;
  /** Grace between SIGTERM and SIGKILL when a timeout kills an attempt. */
  stopTimeoutMs(): number;
  onChange(run: Run): void;
  onOutput(run: Run, lines: OutputLine[]): void;
  /** An attempt ended by itself (not by a stop): the engine retries it or finishes the run. */
  onAttemptEnd(run: Run, error: ProcessError | null): void;
}

/** How long to wait for the pipes to drain after the whole group is gone. */
const DRAIN_MS = 250;

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommandLine(spec: Pick<ProcessSpec, 'command' | 'args' | 'shell'>): string {
  if (spec.shell) return [spec.command, ...spec.args].join(' ');
  return [spec.command, ...spec.args].map(quoteArg).join(' ');
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One run of a definition: its process, its state and its recent output. */
export class Run {
  state: RunState = 'queued';
  pid: number | null = null;
  exitCode: number | null = null;
  signal: NodeJS.Signals | null = null;
  startedAt: number | null = null;
  endedAt: number | null = null;
  restarts = 0;
  attempts = 0;
  error: ProcessError | null = null;
  /** When a run in backoff tries again. */
  nextAttemptAt: number | null = null;
  /** When the current attempt's output last moved; the idle check reads it. */
  lastOutputAt = 0;
  readonly output = new OutputRing();

  /** Bumped per spawn so events of a replaced process are dropped. */
  private generation = 0;
  private child: LaunchedProcess | undefined;
  private stopping: Promise<void> | undefined;
  private stopRequested = false;
  private finishing: Promise<void> | undefined;
  private leaderExit: { exitCode: number | null; signal: NodeJS.Signals | null } | undefined;
  private leaderExited: (() => void) | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private timeoutKill: Promise<unknown> | undefined;
  private readonly settled: Promise<void>;
  private settle!: () => void;

  constructor(
    readonly id: string,
    readonly spec: ProcessSpec,
    readonly adhoc: boolean,
    private readonly ctx: RunContext,
    /** Replica index of a service, 0 for everything else. */
    readonly instance = 0,
  ) {
    this.settled = new Promise((resolve) => (this.settle = resolve));
  }

  /** Resolves once the run reached a final state. */
  get done(): Promise<void> {
    return this.settled;
  }

  get commandLine(): string {
    return formatCommandLine(this.spec);
  }

  /** Starts one attempt: a fresh process, the same run. */
  startAttempt(): void {
    const gen = ++this.generation;
    this.attempts++;
    this.leaderExit = undefined;
    this.exitCode = null;
    this.signal = null;
    this.pid = null;
    this.nextAttemptAt = null;
    this.timeoutKill = undefined;
    this.startedAt = this.ctx.now();
    this.lastOutputAt = this.startedAt;
    this.moveTo('starting');

    let env: Record<string, string>;
    try {
      env = this.prepareEnvironment();
    } catch (err) {
      this.ctx.onAttemptEnd(this, err as ProcessError);
      return;
    }

    const child = this.ctx.launcher.launch({
      command: this.spec.command,
      args: this.spec.args,
      cwd: this.spec.cwd,
      env,
      shell: this.spec.shell,
    });
    this.child = child;
    // Node knows the pid synchronously when the spawn worked; a failed spawn reports through onError.
    this.pid = child.pid ?? null;
    const streamsClosed = [this.pipe(gen, child.stdout, 'stdout'), this.pipe(gen, child.stderr, 'stderr')];

    child.onSpawn(() => {
      if (gen !== this.generation) return;
      this.system(`Started: ${this.commandLine} (pid ${this.pid}) in ${this.spec.cwd}`);
      if (this.state === 'starting') this.moveTo('running');
      else this.ctx.onChange(this);
    });
    child.onError((err) => {
      if (gen !== this.generation || this.pid !== null) return;
      this.leaderExited?.();
      if (this.state === 'starting') this.ctx.onAttemptEnd(this, classifySpawnError(this.spec.name, this.spec.command, err));
    });
    child.onExit((exitCode, signal) => {
      if (gen !== this.generation) return;
      this.leaderExit = { exitCode, signal };
      this.leaderExited?.();
      if (this.state !== 'stopping') this.finishing ??= this.sweepAfterExit(gen, streamsClosed);
    });
    if (this.spec.timeoutMs !== undefined && this.pid !== null) {
      this.timeoutTimer = setTimeout(() => this.timeOut(gen), this.spec.timeoutMs);
    }
  }

  /** Waits before the next attempt; the engine queues it again at `until`. */
  enterBackoff(until: number, reason: ProcessError): void {
    this.error = reason;
    this.nextAttemptAt = until;
    this.finishing = undefined;
    this.system(`${reason.message.replace(/\.$/, '')}; attempt ${this.attempts + 1} in ${formatDuration(Math.max(0, until - this.ctx.now()))}.`);
    this.moveTo('backoff');
  }

  /** Back in the queue after a backoff. */
  requeue(): void {
    this.moveTo('queued');
  }

  /** Ends the run for good, with the reason (null for success). */
  finish(error: ProcessError | null, state?: RunState): void {
    if (isFinal(this.state)) return;
    clearTimeout(this.timeoutTimer);
    this.error = error;
    this.endedAt = this.ctx.now();
    this.nextAttemptAt = null;
    const final = state ?? (error ? 'failed' : 'completed');
    const took = this.startedAt === null ? '' : ` after ${formatDuration(this.endedAt - this.startedAt)}`;
    this.system(error ? `${error.message.replace(/\.$/, '')}${took}.` : `"${this.spec.name}" exited with code 0${took}.`);
    this.moveTo(final);
    this.child?.stdin.destroy();
    this.settle();
  }

  /** The attempt ran past its timeout: take its tree down; the exit then counts as timed out. */
  private timeOut(gen: number): void {
    if (gen !== this.generation || this.pid === null || this.leaderExit || this.state !== 'running') return;
    this.system(`Timed out after ${formatDuration(this.spec.timeoutMs!)}; stopping the process tree.`);
    this.timeoutKill = killTree({ pid: this.pid, graceMs: this.ctx.stopTimeoutMs(), table: this.ctx.table });
  }

  /**
   * Stops the whole process tree (SIGTERM, then SIGKILL after `graceMs`) and resolves once every
   * process of it is gone. A run that has no process yet ends at once.
   */
  stop(graceMs: number): Promise<void> {
    this.stopRequested = true;
    if (isFinal(this.state)) return Promise.resolve();
    if (this.state === 'queued' || this.state === 'backoff') {
      const when = this.state === 'queued' ? 'before it started' : 'while waiting to retry';
      this.finish(new ProcessError('canceled', `"${this.spec.name}" was cancelled ${when}.`), 'terminated');
      return Promise.resolve();
    }
    // The leader already exited by itself; its sweep ends the run as stopped (stopRequested).
    if (this.finishing) return this.finishing;
    this.stopping ??= this.stopTree(graceMs);
    return this.stopping;
  }

  /** Writes text to the process's stdin; false when there is no process to take it. */
  write(text: string): boolean {
    const stdin = this.child?.stdin;
    if (!stdin || this.state !== 'running' || stdin.destroyed || !stdin.writable) return false;
    stdin.write(text);
    return true;
  }

  private async stopTree(graceMs: number): Promise<void> {
    clearTimeout(this.timeoutTimer);
    this.moveTo('stopping');
    this.system('Stopping (SIGTERM to the process group)...');
    const leaderGone = new Promise<void>((resolve) => {
      if (this.leaderExit || this.pid === null) resolve();
      else this.leaderExited = resolve;
    });
    let forced = false;
    if (this.pid !== null) {
      const result = await killTree({ pid: this.pid, graceMs, table: this.ctx.table });
      forced = result.forced;
      if (result.survivors.length > 0) {
        this.system(`Could not confirm these processes gone: ${result.survivors.join(', ')}.`);
      }
    }
    await leaderGone;
    const how = forced ? `did not stop within ${formatDuration(graceMs)}; killed (SIGKILL)` : 'stopped';
    this.exitCode = this.leaderExit?.exitCode ?? null;
    this.signal = this.leaderExit?.signal ?? null;
    this.finish(new ProcessError('canceled', `"${this.spec.name}" was ${how} on request.`), 'terminated');
  }

  /** The leader ended by itself: take down what it left in its group, then settle the run. */
  private async sweepAfterExit(gen: number, streamsClosed: Promise<void>[]): Promise<void> {
    clearTimeout(this.timeoutTimer);
    const timedOut = this.timeoutKill !== undefined;
    await this.timeoutKill;
    if (this.pid !== null) {
      await killTree({ pid: this.pid, graceMs: 1000, table: this.ctx.table, leaderExited: true });
    }
    await Promise.race([Promise.all(streamsClosed), new Promise((r) => setTimeout(r, DRAIN_MS))]);
    if (gen !== this.generation || this.state === 'stopping' || isFinal(this.state)) return;
    const { exitCode, signal } = this.leaderExit!;
    this.exitCode = exitCode;
    this.signal = signal;
    if (this.stopRequested) {
      this.finish(new ProcessError('canceled', `"${this.spec.name}" was stopped on request.`, { exitCode, signal }), 'terminated');
      return;
    }
    const error = timedOut
      ? new ProcessError('timeout', `"${this.spec.name}" timed out after ${formatDuration(this.spec.timeoutMs!)}.`, { exitCode, signal })
      : classifyExit(this.spec.name, exitCode, signal);
    this.finishing = undefined;
    this.ctx.onAttemptEnd(this, error);
  }

  private prepareEnvironment(): Record<string, string> {
    let cwdOk = false;
    try {
      cwdOk = fs.statSync(this.spec.cwd).isDirectory();
    } catch {
      // Reported below.
    }
    if (!cwdOk) {
      throw new ProcessError('spawn-failed', `"${this.spec.name}" could not start: the working directory ${this.spec.cwd} does not exist.`);
    }
    let fromFile: Record<string, string> = {};
    if (this.spec.envFile) {
      let text: string;
      try {
        text = fs.readFileSync(this.spec.envFile, 'utf8');
      } catch (err) {
        throw new ProcessError('spawn-failed', `"${this.spec.name}" could not start: cannot read the env file ${this.spec.envFile} (${(err as NodeJS.ErrnoException).code ?? err}).`, { cause: err });
      }
      const parsed = parseDotenv(text);
      if (parsed.errors.length > 0) {
        throw new ProcessError('spawn-failed', `"${this.spec.name}" could not start: the env file ${this.spec.envFile} has errors: ${parsed.errors.join(' ')}`);
      }
      fromFile = parsed.vars;
    }
    return buildEnvironment(this.ctx.hostEnv, fromFile, this.spec.env);
  }

  private pipe(gen: number, stream: NodeJS.ReadableStream, kind: OutputStream): Promise<void> {
    const splitter = new LineSplitter();
    const deliver = (texts: string[]) => {
      if (texts.length === 0 || gen !== this.generation) return;
      const at = this.ctx.now();
      this.lastOutputAt = at;
      const lines = texts.map((text) => ({ stream: kind, text, at }));
      for (const line of lines) this.output.push(line);
      this.ctx.onOutput(this, lines);
    };
    stream.on('data', (chunk: Buffer) => deliver(splitter.push(chunk)));
    return new Promise((resolve) => {
      const end = () => {
        deliver(splitter.end());
        resolve();
      };
      stream.once('end', end);
      stream.once('close', end);
      stream.once('error', end);
    });
  }

  /** Adds a line of our own (start, exit, why) to the run's output. */
  system(text: string): void {
    const line: OutputLine = { stream: 'system', text, at: this.ctx.now() };
    this.output.push(line);
    this.ctx.onOutput(this, [line]);
  }

  private moveTo(state: RunState): void {
    assertTransition(this.state, state);
    this.state = state;
    this.ctx.onChange(this);
  }
}
