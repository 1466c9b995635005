import { specDefaults } from '../core/defaults';
import { startDependencies } from './scheduler/dependencyStarts';
import { inheritedEnvironment } from '../platform/environment';
import { ProcessError } from '../core/errors';
import { Emitter } from '../core/events';
import { IdleWatch, idleCandidates } from './pool/idleWatch';
import { childProcessLauncher, type ReclaimedRun } from '../platform/launcher';
import { reconnectRuns } from './run/reconnect';
import { EngineNotices } from './engineNotices';
import { requireSpec } from './specLookup';
import { DurationStats, type EngineMetrics } from './durationStats';
import type { OutputLine } from '../platform/outputRing';
import { processTable } from '../platform/processes';
import { ReapGate } from '../platform/reapWait';
import { RecoveryController } from './recovery/recoveryController';
import { assertInstanceRange, specForInstance } from './pool/replicas';
import { instanceToAdd, stopHighestInstance } from './pool/scaling';
import { notePorts } from './run/runPorts';
import { RunTable } from './pool/runTable';
import { maskSecrets, secretValues } from '../platform/redact';
import { Run, type RunContext } from './run/run';
import { newRunId } from './run/runId';
import { watchController, type WatchController } from './watch/engineWatch';
import { runOutputControl, type RunOutputControl } from './run/outputControl';
import { SurvivorRecords } from './run/adoption';
import { engineMetrics } from './engineMetrics';
import { FinishedHistory } from './pool/finishedHistory';
import type { EngineOptions, OutputEvent, RunTarget, SpawnOptions, WriteEvent } from './engineTypes';
import { RunOutputEvent } from './outputEvent';
import { Scheduler } from './scheduler/scheduler';
import { SlotPool } from './pool/slots';
import { snapshotOf, type ProcessSnapshot } from './run/snapshot';
import { isActive, isFinal } from './run/stateMachine';
import type { ProcessSpec, RunState } from '../core/types';

export type { EngineOptions, OutputEvent, RunTarget, SpawnOptions, WriteEvent } from './engineTypes';
/** What a shutdown may take past its grace: the SIGKILL round, its confirmation and the exit reports. */
const SHUTDOWN_SLACK_MS = 1500;

/**
 * The engine: definitions in, runs out. Queues runs by priority under a concurrency limit, gates
 * them on their dependencies, retries failed jobs with backoff, keeps service replicas, stops
 * whole process trees, and tells listeners about every change.
 */
export class ProcessEngine {
  private readonly changeEmitter = new Emitter<ProcessSnapshot | undefined>();
  private readonly outputEmitter = new Emitter<OutputEvent>();
  /** Fires with the changed run, or undefined when the definitions changed. */
  readonly onDidChange = this.changeEmitter.event;
  readonly onDidOutput = this.outputEmitter.event;
  private readonly writeEmitter = new Emitter<WriteEvent>();
  /** Output as written, live; only built while someone listens. */
  readonly onDidWrite = this.writeEmitter.event;
  private readonly notices = new EngineNotices();
  /** Worth a notification (see EngineNotices): a launcher lost with processes in its hands; a `tty` run on pipes. */
  readonly onDidLoseLauncher = this.notices.onDidLoseLauncher;
  readonly onDidMissPty = this.notices.onDidMissPty;

  stopTimeoutMs: number;

  private specs = new Map<string, ProcessSpec>();
  private readonly runs = new RunTable();
  private readonly slots: SlotPool;
  private readonly scheduler: Scheduler;
  /** Restarts under way, by the run they stop. */
  private readonly restarting = new Map<Run, Promise<string>>();
  private readonly lastState = new Map<string, RunState>();
  private readonly finished: FinishedHistory;
  private readonly records: SurvivorRecords;
  private readonly durations = new DurationStats();
  private readonly counts = { completed: 0, failed: 0, timedOut: 0, retried: 0, created: 0, destroyed: 0 };
  private readonly idle: IdleWatch;
  private readonly recovery: RecoveryController;
  private readonly watch: WatchController;
  /** Some service has an idle timeout: only then is there anything for the idle watch to do. */
  private idleTimeouts = false;
  private seq = 0;
  private readonly idPrefix = Date.now().toString(36);
  private readonly ctx: RunContext;
  private readonly now: () => number;
  private readonly random: () => number;
  private disposed = false;

  constructor(private readonly options: EngineOptions = {}) {
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    this.slots = new SlotPool(options.maxConcurrent);
    this.finished = new FinishedHistory(this.runs, options.historyPerDefinition ?? 10);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    const table = options.table ?? processTable;
    this.records = new SurvivorRecords({ store: options.records, table, runs: () => this.runs.values(), now: this.now });
    this.scheduler = new Scheduler({ now: this.now, run: (id) => this.runs.get(id), latestRun: (name) => this.latestRun(name), slots: this.slots });
    this.ctx = {
      launcher: options.launcher ?? childProcessLauncher,
      table,
      reaped: new ReapGate(table, options.reapWaitMs ?? 3000),
      inheritedEnv: inheritedEnvironment(options.hostEnv ?? process.env),
      now: this.now,
      stopTimeoutMs: () => this.stopTimeoutMs,
      onChange: (run) => this.runChanged(run),
      onOutput: (run, batch, restored) => this.outputEmitter.fire(new RunOutputEvent(run.id, run.spec.name, run.adhoc, run.instance, batch, restored)),
      liveOutput: (run, stream) => (this.writeEmitter.hasListeners && stream !== 'system' ? (text) => this.writeEmitter.fire({ id: run.id, name: run.spec.name, adhoc: run.adhoc, instance: run.instance, stream, text }) : undefined),
      onAttemptEnd: (run, error) => this.recovery.attemptEnded(run, error),
      onHung: (run, message) => this.recovery.handleHung(run, message),
      onNoPty: (run, reason) => this.notices.noPty(run.spec.name, reason),
      portTaken: (run) => (options.launcher?.reclaims?.(run.id) ? null : this.recovery.portTaken(run)),
    };
    this.recovery = new RecoveryController({
      now: this.now, random: this.random, table, stopTimeoutMs: () => this.stopTimeoutMs, counts: this.counts,
      onDidChange: this.onDidChange,
      spec: (name) => this.specs.get(name),
      runs: () => this.runs.values(),
      liveInstances: (name) => this.liveInstances(name),
      startInstance: (spec, instance) => this.startRun(spec, {}, instance),
      backoff: (run, delayMs, error, next) => this.scheduler.waitAndRequeue(run, delayMs, error, next),
    });
    this.idle = new IdleWatch(table, this.now, (run) => void run.stop(this.stopTimeoutMs));
    this.notices.follow(this.ctx.launcher);
    const own = { now: this.now, specOf: (id: string) => this.runs.get(id)?.spec, system: (id: string, text: string) => this.runs.get(id)?.system(text) };
    this.watch = watchController(this, { ...own, startInstance: (spec, i) => this.startRun(spec, {}, i).id, changed: (name) => this.runs.ofName(name).forEach((r) => this.changeEmitter.fire(this.snapshot(r))) }, options);
  }

  /** Running job attempts at once; a lower limit stops nothing, it only holds back new starts. */
  get maxConcurrent(): number {
    return this.slots.maxConcurrent;
  }

  set maxConcurrent(value: number) {
    this.slots.maxConcurrent = value;
  }

  /** Replaces the definitions. Running processes are never stopped by this. */
  setDefinitions(specs: readonly ProcessSpec[]): void {
    specs.forEach(assertInstanceRange);
    this.specs = new Map(specs.map((s) => [s.name, s]));
    this.idleTimeouts = specs.some((s) => s.kind === 'service' && s.idleTimeoutMs !== undefined);
    this.updateIdleWatch();
    this.watch.setDefinitions(specs);
    this.changeEmitter.fire(undefined);
    this.scheduler.schedulePump();
  }

  definitions(): ProcessSpec[] {
    return [...this.specs.values()];
  }

  /** One definition by name, or undefined. */
  definition(name: string): ProcessSpec | undefined {
    return this.specs.get(name);
  }

  /**
   * Starts a definition by name and resolves to the run's id as soon as it exists (a job may
   * wait in the queue). A service already running resolves to its first live instance.
   */
  async spawn(name: string, options: SpawnOptions = {}): Promise<string> {
    this.assertLive();
    const spec = requireSpec(this.specs, name);
    if (spec.kind === 'service') {
      const all = this.liveInstances(name);
      const live = all.filter((r) => !r.isStopping);
      if (live.length > 0) return live[0].id;
      // Whatever still stops holds the service's ports: the fresh run starts once it is gone.
      const count = Math.max(1, spec.instances.initial);
      const first = this.startRun(spec, options, 0, false, all);
      for (let i = 1; i < count; i++) this.startRun(spec, options, i, false, all);
      return first.id;
    }
    return this.startRun(spec, options).id;
  }

  /** Runs a command line the user typed, through `/bin/sh -c`, at once (it holds no job slot). */
  async runCommandLine(commandLine: string, cwd = this.options.defaultCwd ?? process.cwd()): Promise<string> {
    this.assertLive();
    const text = commandLine.trim();
    if (text === '') throw new ProcessError('invalid-argument', 'The command line is empty.');
    // Its name is shown everywhere (tree, channel title, metrics): a token typed in it is masked there.
    const name = maskSecrets(text, secretValues(this.ctx.inheritedEnv));
    const spec: ProcessSpec = { ...specDefaults('job'), name, kind: 'job', command: text, args: [], cwd, env: {}, shell: true, autoStart: false };
    return this.startRun(spec, {}, 0, true).id;
  }

  /** Stops a run's whole process tree (or cancels it if queued); resolves once every process is gone. */
  async kill(target: RunTarget): Promise<void> {
    await this.runs.require(target).stop(this.stopTimeoutMs);
  }

  /** Stops every run, each with its grace bounded by `capMs` if given; resolves once all their processes are gone. */
  async killAll(capMs?: number): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.stop(this.stopTimeoutMs, capMs)));
  }

  /** Cancels a run that is queued or waiting to retry. */
  async cancel(target: RunTarget): Promise<void> {
    const run = this.runs.require(target);
    if (run.state !== 'queued' && run.state !== 'backoff') {
      throw new ProcessError('invalid-state', `"${run.spec.name}" is ${run.state}; only a queued or backing-off run can be cancelled (use Stop).`);
    }
    await run.stop(this.stopTimeoutMs);
  }

  /** Stops a run and starts its definition again as a new run; resolves to the new id. */
  async restart(target: RunTarget, options: Pick<SpawnOptions, 'extras'> = {}): Promise<string> {
    const old = this.runs.require(target);
    // Refuse before stopping anything: a run whose definition is gone could not come back.
    if (!old.adhoc && !this.specs.has(old.spec.name)) {
      throw new ProcessError('not-found', `"${old.spec.name}" can no longer be started: its definition was removed. Stop it instead.`);
    }
    // A second restart of the same run (a double click) joins the first.
    let pending = this.restarting.get(old);
    if (!pending) {
      pending = this.stopAndRerun(old, options).finally(() => this.restarting.delete(old));
      this.restarting.set(old, pending);
    }
    return pending;
  }

  private async stopAndRerun(old: Run, options: Pick<SpawnOptions, 'extras'>): Promise<string> {
    await old.stop(this.stopTimeoutMs);
    // A service instance started meanwhile (a spawn, another restart) is the one to keep: a
    // second would fight it for its port.
    const successor = old.spec.kind === 'service' && !old.adhoc
      ? this.liveInstances(old.spec.name).find((r) => r !== old && r.instance === old.instance && !r.isStopping)
      : undefined;
    return (successor ?? this.rerun(old, options)).id;
  }

  /** Runs a finished run's definition again now, with a fresh attempt count; resolves to the new id. */
  async retry(target: RunTarget): Promise<string> {
    const old = this.runs.require(target);
    if (!isFinal(old.state)) {
      throw new ProcessError('invalid-state', `"${old.spec.name}" is ${old.state}; only a finished run can be retried (use Restart).`);
    }
    return this.rerun(old).id;
  }

  /** Starts one more instance of a service, up to its `instances.max`; resolves to its id. */
  async scaleUp(name: string): Promise<string> {
    this.assertLive();
    const spec = requireSpec(this.specs, name);
    return this.startRun(spec, {}, instanceToAdd({ spec, live: this.liveInstances(name), stopTimeoutMs: this.stopTimeoutMs })).id;
  }

  /** Stops the highest instance of a service, down to its `instances.min`. */
  async scaleDown(name: string): Promise<void> {
    await stopHighestInstance({ spec: requireSpec(this.specs, name), live: this.liveInstances(name), stopTimeoutMs: this.stopTimeoutMs });
  }

  /** The monitor's reading of the TCP ports the tree of a run's process `pid` listens on (the snapshot's `ports`). */
  notePorts(runId: string, pid: number, ports: number[]): void {
    const run = this.runs.get(runId);
    if (run && notePorts(run, pid, ports)) this.changeEmitter.fire(this.snapshot(run));
  }

  /**
   * Ends a running run's current attempt as resource-exhausted (gracefully: SIGTERM, grace,
   * SIGKILL); its restart policy and recovery strategy then apply as for any failure.
   */
  recycle(target: RunTarget, reason: string): void {
    const run = this.runs.require(target);
    run.terminate(new ProcessError('resource-exhausted', `"${run.spec.name}" ${reason}.`));
  }

  /** Sends a line to a running process's stdin; past `MAX_QUEUED_INPUT` bytes unread it is refused (`resource-exhausted`). */
  sendInput(target: RunTarget, text: string): void {
    this.write(target, text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Writes text to a running process's stdin as it is (keys from a terminal view), bounded as sendInput. */
  write(target: RunTarget, text: string): void {
    const run = this.runs.require(target);
    if (!run.write(text)) throw new ProcessError('invalid-state', `"${run.spec.name}" is ${run.state}; input can only go to a running process.`);
  }

  /** Sets a `tty` run's terminal size, kept for its later attempts; true when a running pty got it (SIGWINCH). */
  resize(target: RunTarget, cols: number, rows: number): boolean {
    return this.runs.require(target).tty.resize(cols, rows);
  }

  list(): ProcessSnapshot[] {
    const positions = this.scheduler.positions();
    return [...this.runs.values()].map((r) => this.snapshot(r, positions));
  }

  /** Forgets finished runs of one definition, of the typed command lines, or of everything; returns how many. */
  clearFinished(target?: string | { adhoc: true }): number {
    const gone = this.finished.clear(target);
    if (gone > 0) this.changeEmitter.fire(undefined);
    return gone;
  }

  get(target: RunTarget): ProcessSnapshot | undefined {
    const run = this.runs.find(target);
    return run && this.snapshot(run);
  }

  /** Recent output of a run, oldest first. */
  output(target: RunTarget, last?: number): OutputLine[] {
    return this.runs.find(target)?.output.toArray(last) ?? [];
  }

  /** What a run wrote after its last newline (a prompt), as written: a terminal view replays it. */
  unfinishedOutput(target: RunTarget): string {
    return this.runs.find(target)?.unfinishedOutput ?? '';
  }

  /** Ctrl+C: SIGINT to the run's process group, as a terminal would send it; false when no process of it runs. */
  interrupt(target: RunTarget): boolean {
    return this.runs.require(target).interrupt();
  }

  /** Resolves when the run reaches a final state. */
  whenDone(target: RunTarget): Promise<void> {
    return this.runs.require(target).done;
  }

  metrics(): EngineMetrics {
    const { counts, durations, maxConcurrent } = this;
    return engineMetrics({ runs: this.runs.values(), counts, durations, queued: this.scheduler.size, maxConcurrent, nextDelayedStart: this.scheduler.nextStartAt(this.now()) });
  }

  /** Holds a run's output back, or restores earlier lines to it (see RunOutputControl). */
  outputControl(target: RunTarget): RunOutputControl { return runOutputControl(this.runs.require(target), this.ctx); }

  /** Takes over the provably-our processes a previous window recorded (see SurvivorRecords.adopt). */
  adoptSurvivors(): ProcessSnapshot[] {
    return this.records.adopt((name) => this.specs.get(name), this.options.defaultCwd ?? process.cwd(), (spec) => this.createRun(spec), (run) => this.snapshot(run));
  }

  /** Does at once a write of the records that waits for a start time (SurvivorRecords.flush): a window leaves its runs to the helper. */
  flushRecords(): void {
    this.records.flush();
  }

  /** Takes back the runs a previous window left to the launcher helper (see reconnectRuns). */
  reconnect(reclaimed: ReclaimedRun[]): ProcessSnapshot[] {
    return reconnectRuns(reclaimed, { store: this.options.records, spec: (name) => this.specs.get(name), cwd: this.options.defaultCwd ?? process.cwd(), newRun: (spec, id, i) => this.createRun(specForInstance(spec, i), false, i, id) }).map((run) => this.snapshot(run));
  }

  /**
   * Stops every process (grace `graceMs`, then SIGKILL) and releases timers and listeners.
   * Resolves within `graceMs` plus a little even if the launcher never answers; what could not
   * be confirmed gone by then stays in the records for the next window.
   */
  async shutdown(graceMs = Math.min(this.stopTimeoutMs, 3000)): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.scheduler.dispose();
    this.idle.dispose();
    this.watch.dispose();
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([this.killAll(graceMs), new Promise((resolve) => (deadline = setTimeout(resolve, graceMs + SHUTDOWN_SLACK_MS)))]);
    clearTimeout(deadline);
    this.changeEmitter.dispose();
    this.outputEmitter.dispose();
    this.writeEmitter.dispose();
    this.notices.dispose();
  }

  /** Creates a run and queues it, or, with `after`, queues it once those runs have ended. */
  private startRun(spec: ProcessSpec, options: SpawnOptions, instance = 0, adhoc = false, after: Run[] = []): Run {
    const run = this.createRun({ ...specForInstance(spec, instance), priority: options.priority ?? spec.priority }, adhoc, instance);
    run.extras = options.extras;
    if (!adhoc) this.startDependencies(spec);
    const delayMs = options.delayMs ?? 0;
    if (after.length === 0) this.scheduler.enqueue(run, this.now() + delayMs);
    else {
      void Promise.all(after.map((r) => r.done)).then(() => {
        // Cancelled while it waited, or the engine is gone: nothing to start.
        if (run.state === 'queued' && !this.disposed) this.scheduler.enqueue(run, this.now() + delayMs);
      });
    }
    this.changeEmitter.fire(this.snapshot(run));
    return run;
  }

  private rerun(old: Run, options: Pick<SpawnOptions, 'extras'> = {}): Run {
    this.assertLive();
    if (old.adhoc) return this.startRun(old.spec, options, 0, true);
    const spec = this.specs.get(old.spec.name);
    if (!spec) throw new ProcessError('not-found', `"${old.spec.name}" can no longer be started: its definition was removed.`);
    const run = this.startRun(spec, { priority: old.spec.priority, ...options }, old.instance);
    run.tty.size = old.tty.size;
    return run;
  }

  private startDependencies(spec: ProcessSpec): void {
    const ctx = { spec: (name: string) => this.specs.get(name), latestRun: (name: string) => this.latestRun(name), snapshot: (run: Run) => this.snapshot(run), enqueueNew: (s: ProcessSpec, i: number) => this.enqueueNew(s, i) };
    startDependencies(ctx, spec, new Set([spec.name]));
  }

  private enqueueNew(spec: ProcessSpec, instance: number): void {
    this.scheduler.enqueue(this.createRun(specForInstance(spec, instance), false, instance), this.now());
  }

  private createRun(spec: ProcessSpec, adhoc = false, instance = 0, id = newRunId(this.idPrefix, ++this.seq)): Run {
    const run = new Run(id, spec, adhoc, this.ctx, instance);
    this.runs.set(run.id, run);
    this.lastState.set(run.id, run.state);
    return run;
  }

  private runChanged(run: Run): void {
    const before = this.lastState.get(run.id);
    this.lastState.set(run.id, run.state);
    this.slots.update(run);
    if (run.state === 'running' && before === 'starting') this.counts.created++;
    if (run.state === 'running' || isFinal(run.state)) this.records.write();
    if (before !== undefined && isActive(before) && !isActive(run.state) && run.pid !== null) this.counts.destroyed++;
    if (isFinal(run.state)) {
      this.scheduler.forget(run.id);
      if (run.state === 'completed') this.counts.completed++;
      if (run.state === 'failed') this.counts.failed++;
      if (run.startedAt !== null && run.endedAt !== null && run.attempts > 0) this.durations.add(run.endedAt - run.startedAt);
      this.lastState.delete(run.id);
      this.finished.add(run);
    }
    this.updateIdleWatch();
    this.changeEmitter.fire(this.snapshot(run));
    this.scheduler.schedulePump();
  }

  /** Watches the extra instances of services that have an idle timeout. */
  private updateIdleWatch(): void {
    // Runs change often; most settings have no idle timeout, so skip the scan of every run then.
    if (!this.idleTimeouts && !this.idle.watching) return;
    const watched = idleCandidates(this.specs.values(), (name) => this.liveInstances(name));
    this.idle.watch(watched, (run) => this.specs.get(run.spec.name)?.idleTimeoutMs);
  }

  private liveInstances(name: string): Run[] {
    return this.runs.ofName(name)
      .filter((r) => !isFinal(r.state))
      .sort((a, b) => a.instance - b.instance);
  }

  private latestRun(name: string): Run | undefined {
    return this.runs.ofName(name).at(-1);
  }

  private snapshot(run: Run, positions?: Map<string, number>): ProcessSnapshot {
    const position = run.state !== 'queued' ? null : ((positions ? positions.get(run.id) : this.scheduler.positionOf(run.id)) ?? null);
    const wait = position === null ? null : this.scheduler.waitReason(run, position);
    return snapshotOf(run, run.adhoc ? undefined : this.specs.get(run.spec.name), position, wait, run.adhoc ? null : this.watch.stateOf(run.spec.name));
  }

  private assertLive(): void {
    if (this.disposed) throw new ProcessError('invalid-state', 'The process engine has been shut down.');
  }
}
