import { formatDuration } from '../../core/duration';
import { classifyExit, classifySpawnError, ProcessError } from '../../core/errors';
import type { HealthState, HealthWatch } from '../health/healthWatch';
import { watchHealth } from './runHealth';
import { killTree, signalGroup, type KillTreeResult } from '../../platform/killTree';
import { maskSecrets, secretValues } from '../../platform/redact';
import type { LaunchedProcess } from '../../platform/launcher';
import { IngestCap } from '../../platform/ingestCap';
import { OutputRing, type OutputStream } from '../../platform/outputRing';
import { StreamGate } from '../../platform/streamGate';
import type { ProcStat } from '../../platform/procfs';
import { describeReapWait } from '../../platform/reapWait';
import { runMarker, type ProcessRecord } from '../../platform/records';
import { attemptTimeout, killForStop, killWhenConfirmed, spawnSettled, sweepAfterLeader, whenGone, type RunTree } from './runTree';
import { assertTransition, isFinal } from './stateMachine';
import { endLine, formatCommandLine } from './commandLine';
import { withExtraArgs, type RunExtras } from './runExtras';
import { writeInput } from './runInput';
import type { RunHost } from './runContext';
import { largestInput, prepareEnvironment, withEnvFile, resolvedNote, resolveProgram } from './runEnvironment';
import { drain, pipeLines, systemBatch, toLineBatch } from './runOutput';
import { RunTty } from './runTty';
import type { PortReading } from './runPorts';
import { runStopCommand, stopPlan, stoppingLine, type StopPlan } from './runStop';
import type { PortConflict, ProcessSpec, RecoveryStrategy, RunState } from '../../core/types';

export type RunContext = RunHost<Run>;

/** One run of a definition: its process, its state and its recent output. */
export class Run {
  state: RunState = 'queued';
  pid: number | null = null;
  exitCode: number | null = null;
  signal: NodeJS.Signals | null = null;
  startedAt: number | null = null;
  endedAt: number | null = null;
  /** When the current attempt's process exited (undefined while it runs or if it never started). */
  exitedAt: number | undefined;
  restarts = 0;
  attempts = 0;
  error: ProcessError | null = null;
  /** When a run in backoff tries again. */
  nextAttemptAt: number | null = null;
  /** Epoch ms of each automatic restart of this run (the engine trims it to the window). */
  readonly restartTimes: number[] = [];
  /** Restarts since the backoff last reset. */
  consecutiveRestarts = 0;
  /** The last thing recovery did, and why: the tree and the output say it. */
  lastRecovery: { strategy: RecoveryStrategy; reason: string; at: number } | null = null;
  /** Set when the last attempt failed because another process holds its port. */
  portConflict: PortConflict | null = null;
  /** The TCP ports its tree listens on, as the monitor last read them (see `portsOf`). */
  listening: PortReading | undefined;
  /** The file the command resolved to on the run's PATH, read at each start; null when not found. */
  executable: string | null = null;
  /** Something a user should know about a run that did not fail (a service that exited at once). */
  hint: string | null = null;
  /** Start time from /proc: tells the process apart from a later one with its pid; read when first recorded. */
  startTime: number | undefined;
  /** Set when this run took over a process a previous window started. */
  adoptedFrom: ProcessRecord | undefined;
  /** This attempt claims a process kept over a reload (was it ready before?). */
  private takenBack: { ready: boolean } | undefined;
  private adoptPoll: NodeJS.Timeout | undefined;
  /** When the last chunk of output arrived (monotonic, real time), whole line or not; the drain after an exit reads it. */
  private lastChunkAt = 0;
  private streamsClosed: Promise<void>[] = [];
  /** When the current attempt's output last moved; the idle check reads it. */
  lastOutputAt = 0;
  readonly output = new OutputRing();
  /** The unfinished last line of stdout and of stderr, as written: a prompt the terminal view replays. */
  private readonly pending: [() => string, () => string] = [() => '', () => ''];
  /** Pauses reading the output while a reader downstream (a log file) falls behind. */
  readonly outputGate = new StreamGate();
  readonly tty = new RunTty(() => this.spec.tty === true);
  /** Variables and arguments over the definition's (a debug run); set before the first attempt. */
  extras: RunExtras | undefined;

  /** Bumped per spawn so events of a replaced process are dropped. */
  private generation = 0;
  private child: LaunchedProcess | undefined;
  private stopping: Promise<void> | undefined;
  private stopRequested = false;
  private finishing: Promise<void> | undefined;
  private leaderExit: { exitCode: number | null; signal: NodeJS.Signals | null } | undefined;
  private leaderExited: (() => void) | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  /** A kill we started (timeout, hung, over its memory limit) and the failure it stands for. */
  private forcedEnd: { error: ProcessError; kill: Promise<KillTreeResult> } | undefined;
  private env: Record<string, string> = {};
  /** The current attempt's variables from `envFile`, to name the field at fault in an E2BIG. */
  private fromFile: Record<string, string> = {};
  private spawnSettled: Promise<void> = Promise.resolve();
  /** Values of secret-looking variables, kept out of every line we store or emit. */
  private secrets: string[] = [];
  private health: HealthWatch | undefined;
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
    // The inherited variables too: `${env:API_TOKEN}` may have put a secret into the command line.
    this.secrets = secretValues({ ...ctx.inheritedEnv, ...spec.env });
  }

  /** Text with this run's secret values masked: for anything shown outside the engine. */
  redact(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  /** Resolves once the run reached a final state. */
  get done(): Promise<void> {
    return this.settled;
  }

  /** What every process of this run carries; an adopted run keeps the one it was started with. */
  get envMarker(): string {
    return runMarker(this.adoptedFrom?.runId ?? this.id);
  }

  get commandLine(): string {
    return this.redact(formatCommandLine({ ...this.spec, args: withExtraArgs(this.spec.args, this.extras) }));
  }

  /** Starts one attempt: a fresh process, the same run; or claims the process kept over a reload. */
  startAttempt(takenBack?: { ready: boolean }): void {
    const gen = ++this.generation;
    this.takenBack = takenBack;
    this.attempts++;
    this.leaderExit = undefined;
    this.exitedAt = undefined;
    this.exitCode = null;
    this.signal = null;
    this.pid = null;
    this.startTime = undefined;
    this.nextAttemptAt = null;
    this.forcedEnd = undefined;
    this.child = undefined;
    this.hint = null;
    this.startedAt = this.ctx.now();
    this.lastOutputAt = this.startedAt;
    this.moveTo('starting');
    withEnvFile(this.spec, () => gen === this.generation && this.state === 'starting', (vars) => this.launchAttempt(gen, vars), (error) => this.ctx.onAttemptEnd(this, error));
  }

  private launchAttempt(gen: number, fromFile: Record<string, string>): void {
    this.fromFile = fromFile;
    let env: Record<string, string>;
    try {
      env = prepareEnvironment(this.spec, this.ctx.inheritedEnv, fromFile, this.id, this.extras);
      this.env = env;
      this.secrets = secretValues(env);
      this.executable = resolveProgram(this.spec, env);
    } catch (err) {
      this.ctx.onAttemptEnd(this, err as ProcessError);
      return;
    }
    const reaping = this.ctx.reaped.check(this.spec.name);
    if (!reaping) return this.launch(gen, env);
    void reaping.then((result) => {
      // Stopped while waiting: nothing to start.
      if (gen !== this.generation || this.state !== 'starting') return;
      this.system(describeReapWait(this.spec.name, result));
      this.launch(gen, env);
    });
  }

  private launch(gen: number, env: Record<string, string>): void {
    const taken = this.ctx.portTaken(this);
    if (taken) return this.ctx.onAttemptEnd(this, taken);
    const { command, cwd, shell } = this.spec;
    const child = this.ctx.launcher.launch({ command, args: withExtraArgs(this.spec.args, this.extras), cwd, env, shell, tty: this.tty.option });
    this.child = child;
    // Node knows the pid synchronously when the spawn worked; a failed spawn reports through onError.
    this.pid = child.pid ?? null;
    // A launcher in another process learns the pid only when the spawn is confirmed.
    this.spawnSettled = spawnSettled(child);
    const cap = this.spec.maxOutputMBps === undefined ? undefined : new IngestCap(this.spec.maxOutputMBps * 1e6);
    const streamsClosed = (this.streamsClosed = [this.pipe(gen, child.stdout, 'stdout', cap), this.pipe(gen, child.stderr, 'stderr', cap)]);

    child.onSpawn(() => {
      if (gen !== this.generation) return;
      this.pid = child.pid ?? this.pid;
      if (!this.takenBack) this.system(`Started: ${this.commandLine} (pid ${this.pid}) in ${this.spec.cwd}${resolvedNote(this.spec, this.executable)}`);
      const noPty = this.tty.started(child, this.spec.name, (line) => this.system(line));
      if (noPty) this.ctx.onNoPty(this, noPty);
      if (this.state === 'starting') {
        this.startHealth();
        this.moveTo('running');
      }
      else this.ctx.onChange(this);
    });
    child.onError((err) => {
      if (gen !== this.generation || this.pid !== null) return;
      this.leaderExited?.();
      if (this.state === 'starting') this.ctx.onAttemptEnd(this, classifySpawnError(this.spec.name, this.spec.command, err, largestInput(this.spec, this.fromFile)));
    });
    child.onExit((exitCode, signal) => {
      // Late (the stop did not wait for it): the run is over, its pid may be someone else's now.
      if (gen !== this.generation || isFinal(this.state)) return;
      this.leaderExit = { exitCode, signal };
      this.exitedAt = this.ctx.now();
      this.leaderExited?.();
      if (this.state !== 'stopping') this.finishing ??= this.sweepAfterExit(gen, streamsClosed);
    });
    this.timeoutTimer = attemptTimeout(this.spec, (error) => (this.state === 'starting' && this.pid === null ? this.abandonStart(gen, child, error) : this.terminateAttempt(gen, error)));
  }

  /** Ends an attempt whose start was never confirmed; a process confirmed later is taken down at once. */
  private abandonStart(gen: number, child: LaunchedProcess, error: ProcessError): void {
    if (gen !== this.generation) return;
    // The attempt's late events (output, exit, errors) are dropped from here on.
    this.generation++;
    killWhenConfirmed(child, this.ctx.table, (text) => this.system(text));
    this.ctx.onAttemptEnd(this, error);
  }

  /** Waits before the next attempt; the engine queues it again at `until`. */
  enterBackoff(until: number, reason: ProcessError | null, next: string): void {
    this.error = reason;
    this.nextAttemptAt = until;
    this.finishing = undefined;
    const why = reason ? reason.message.replace(/\.$/, '') : `"${this.spec.name}" exited`;
    this.system(`${why}; ${next} in ${formatDuration(Math.max(0, until - this.ctx.now()))}.`);
    this.moveTo('backoff');
  }

  /**
   * Takes over a process a previous window started and left running. There are no pipes to it,
   * so no output; its end is noticed by polling /proc, and a stop checks its start time first.
   */
  adopt(record: ProcessRecord): void {
    this.adoptedFrom = record;
    this.attempts = 1;
    this.pid = record.pid;
    this.startTime = record.startTime;
    this.startedAt = record.recordedAt;
    this.moveTo('starting');
    this.system(`Adopted from a previous window: ${record.commandLine} (pid ${record.pid}). What it writes from now on cannot be shown here; restart it to see its output live.`);
    this.moveTo('running');
    this.adoptPoll = whenGone(this.ctx.table, record, () => {
      this.leaderExit = { exitCode: null, signal: null };
      this.leaderExited?.();
      if (this.state === 'running') {
        this.finish(new ProcessError('exit-code', `"${this.spec.name}" (adopted) ended; its exit status cannot be read.`));
      }
    });
  }

  /** What the process wrote after its last newline on stdout and stderr, as written. */
  get unfinishedOutput(): string {
    return this.pending[0]() + this.pending[1]();
  }

  /** Health as the probes last saw it; undefined while no process runs. */
  get healthState(): HealthState | undefined {
    return this.health?.state;
  }

  /** Running, and its readiness probe (if any) passed: what `dependsOn: healthy` waits for. */
  get ready(): boolean {
    return this.state === 'running' && (this.health?.ready ?? true);
  }

  /**
   * Ends the current attempt ourselves (timeout, hung, over its memory limit): the whole tree is
   * taken down and the attempt counts as `error`, so retries and restarts apply as for a failure.
   */
  terminate(error: ProcessError): void {
    this.terminateAttempt(this.generation, error);
  }

  /** Back in the queue after a backoff. */
  requeue(): void {
    this.moveTo('queued');
  }

  /** Ends the run for good, with the reason (null for success). */
  finish(error: ProcessError | null, state?: RunState): void {
    if (isFinal(this.state)) return;
    clearTimeout(this.timeoutTimer);
    clearInterval(this.adoptPoll);
    this.health?.dispose();
    this.error = error;
    this.endedAt = this.ctx.now();
    this.nextAttemptAt = null;
    const final = state ?? (error ? 'failed' : 'completed');
    this.system(endLine(this.spec.name, error, this.startedAt === null ? null : this.endedAt - this.startedAt));
    this.moveTo(final);
    this.child?.stdin.destroy();
    // A kept finished run needs its lines, not its process object and streams.
    this.child = undefined;
    this.settle();
  }

  private terminateAttempt(gen: number, error: ProcessError): void {
    if (gen !== this.generation || this.pid === null || this.leaderExit || this.state !== 'running' || this.forcedEnd) return;
    this.system(`${error.message.replace(/\.$/, '')}; stopping the process tree.`);
    const { signal, graceMs } = stopPlan(this.spec, this.ctx.stopTimeoutMs());
    this.forcedEnd = { error, kill: killTree({ ...this.treeOf(this.pid), graceMs, signal, sweep: false }) };
  }

  /**
   * Stops the whole process tree (the definition's `stop`: its command, its signal or SIGTERM,
   * then SIGKILL after its grace or `graceMs`) and resolves once every process of it is gone;
   * `capMs` bounds all of it. A run that has no process yet ends at once.
   */
  stop(graceMs: number, capMs?: number): Promise<void> {
    this.stopRequested = true;
    if (isFinal(this.state)) return Promise.resolve();
    if (this.state === 'queued' || this.state === 'backoff') {
      const when = this.state === 'queued' ? 'before it started' : 'while waiting to retry';
      this.finish(new ProcessError('canceled', `"${this.spec.name}" was cancelled ${when}.`), 'terminated');
      return Promise.resolve();
    }
    // The leader already exited by itself; its sweep ends the run as stopped (stopRequested).
    if (this.finishing) return this.finishing;
    this.stopping ??= this.stopTree(stopPlan(this.spec, graceMs, capMs));
    return this.stopping;
  }

  /** A stop was asked for and the run has not ended yet. */
  get isStopping(): boolean {
    return this.stopRequested && !isFinal(this.state);
  }

  /**
   * Writes text to the process's stdin; false when there is no process to take it. Throws
   * `resource-exhausted` rather than queue more than MAX_QUEUED_INPUT bytes it has not read.
   */
  write(text: string): boolean {
    return this.state === 'running' && writeInput(this.spec.name, this.child?.stdin, text);
  }

  /** SIGINT to the process group, if it is still ours; false when no process of this run runs. */
  interrupt(): boolean {
    return this.pid !== null && this.state === 'running' && !this.leaderExit && signalGroup(this.treeOf(this.pid), 'SIGINT');
  }

  /** This run's process tree, as stopping and sweeping it needs it. */
  private get tree(): RunTree {
    const { table } = this.ctx;
    return { pid: () => this.pid, adoptedFrom: this.adoptedFrom, table, treeOf: (pid) => this.treeOf(pid), remember: (procs) => this.rememberTree(procs), system: (text) => this.system(text), leaderExited: () => this.leaderExited?.() };
  }

  /** What killTree needs to know this run's tree, and to tell it from a stranger's. */
  private treeOf(pid: number) {
    return { pid, table: this.ctx.table, envMarker: this.envMarker, startTime: this.startTime };
  }

  private async stopTree(plan: StopPlan): Promise<void> {
    clearTimeout(this.timeoutTimer);
    this.health?.dispose();
    this.moveTo('stopping');
    this.system(stoppingLine(plan));
    // Stopped before the spawn was confirmed: wait for it, or the process would start unseen.
    if (this.pid === null && this.child && !this.leaderExit) await this.spawnSettled;
    const leaderGone = new Promise<void>((resolve) => {
      if (this.leaderExit || this.pid === null) resolve();
      else this.leaderExited = resolve;
    });
    const failed = this.pid === null || this.leaderExit ? undefined : await runStopCommand(plan, { ...this.ctx, cwd: this.spec.cwd, env: this.env });
    if (failed) this.system(failed);
    const { forced, reportWait } = await killForStop(this.tree, plan.graceMs, plan.signal);
    await leaderGone;
    await drain(this.streamsClosed, () => this.lastChunkAt); // a busy thread may see the exit before the last output
    clearTimeout(reportWait);
    const how = forced ? `did not stop within ${formatDuration(plan.graceMs)}; killed (SIGKILL)` : 'stopped';
    this.exitCode = this.leaderExit?.exitCode ?? null;
    this.signal = this.leaderExit?.signal ?? null;
    this.finish(new ProcessError('canceled', `"${this.spec.name}" was ${how} on request.`), 'terminated');
  }

  /** The leader ended by itself: take down what it left in its group, then settle the run. */
  private async sweepAfterExit(gen: number, streamsClosed: Promise<void>[]): Promise<void> {
    clearTimeout(this.timeoutTimer);
    this.health?.dispose();
    const forced = this.forcedEnd;
    // The output may end while the group is swept: wait for both at once, not one after the other.
    await Promise.all([sweepAfterLeader(this.tree, forced?.kill, this.spec.kind === 'service'), drain(streamsClosed, () => this.lastChunkAt)]);
    if (gen !== this.generation || this.state === 'stopping' || isFinal(this.state)) return;
    const { exitCode, signal } = this.leaderExit!;
    this.exitCode = exitCode;
    this.signal = signal;
    if (this.stopRequested) {
      this.finish(new ProcessError('canceled', `"${this.spec.name}" was stopped on request.`, { exitCode, signal }), 'terminated');
      return;
    }
    const error = forced?.error ?? classifyExit(this.spec.name, exitCode, signal);
    this.finishing = undefined;
    this.ctx.onAttemptEnd(this, error);
  }

  private startHealth(): void {
    if (!this.spec.healthCheck) return;
    const gen = this.generation;
    this.health = watchHealth(this.spec.healthCheck, this.ctx, { cwd: this.spec.cwd, env: this.env, pid: () => this.pid, envMarker: () => this.envMarker }, {
      onChange: () => gen === this.generation && this.ctx.onChange(this),
      onHung: (message) => gen === this.generation && this.ctx.onHung(this, message),
      log: (text) => gen === this.generation && this.system(text),
    });
    this.health.start(this.takenBack?.ready);
  }

  private pipe(gen: number, stream: NodeJS.ReadableStream, kind: OutputStream, cap: IngestCap | undefined): Promise<void> {
    const secrets = this.secrets;
    this.outputGate.attach(stream);
    const piped = pipeLines(stream, secrets, cap, {
      chunk: () => (this.lastChunkAt = performance.now()),
      live: () => (gen === this.generation ? this.ctx.liveOutput(this, kind) : undefined),
      lines: (split) => {
        if (split.count === 0 || gen !== this.generation) return;
        const at = this.ctx.now();
        this.lastOutputAt = at;
        const batch = toLineBatch(split, kind, secrets, at);
        this.output.pushBatch(batch);
        this.ctx.onOutput(this, batch);
        // After the lines: a "Ready" line follows the line that matched. Unmasked, as the splitter gave them.
        if (this.health?.wantsOutput) this.health.onOutput(split.bytes ? batch.allTexts() : (split.texts as string[]));
      },
    });
    this.pending[kind === 'stderr' ? 1 : 0] = piped.pending;
    return piped.closed;
  }

  /** The next start of this definition waits until what is left of this tree is reaped. */
  private rememberTree(procs: ProcStat[]): void {
    if (this.pid !== null) this.ctx.reaped.remember(this.spec.name, { pgid: this.pid, procs });
  }

  /** Adds a line of our own (start, exit, why) to the run's output. */
  system(text: string): void {
    const batch = systemBatch(this.redact(text), this.ctx.now());
    this.output.pushBatch(batch);
    this.ctx.onOutput(this, batch);
  }

  private moveTo(state: RunState): void {
    assertTransition(this.state, state);
    this.state = state;
    this.ctx.onChange(this);
  }
}
