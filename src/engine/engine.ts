import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { specDefaults } from '../core/defaults';
import { needsNewRun } from './scheduler/dependencyGate';
import { inheritedEnvironment } from '../platform/environment';
import { ProcessError } from '../core/errors';
import { Emitter, type Disposable } from '../core/events';
import { IdleWatch } from './pool/idleWatch';
import { childProcessLauncher, type Launcher, type LauncherLoss } from '../platform/launcher';
import { DurationStats, type EngineMetrics } from './durationStats';
import type { OutputLine } from '../platform/outputRing';
import { linuxProcessTable, type ProcessTable } from '../platform/procfs';
import { ReapGate } from '../platform/reapWait';
import { RecoveryController } from './recovery/recoveryController';
import { assertInstanceRange, freeInstance, specForInstance } from './pool/replicas';
import { RunTable } from './pool/runTable';
import { maskSecrets, secretValues } from '../platform/redact';
import { Run, type RunContext } from './run/run';
import { provablyOurs, type ProcessRecord, type RecordStore } from '../platform/records';
import { Scheduler } from './scheduler/scheduler';
import { SlotPool } from './pool/slots';
import { snapshotOf, type ProcessSnapshot } from './run/snapshot';
import { isActive, isFinal } from './run/stateMachine';
import type { Priority, ProcessSpec, RunState } from '../core/types';

export interface EngineOptions {
  launcher?: Launcher;
  table?: ProcessTable;
  /** Grace between SIGTERM and SIGKILL when stopping. */
  stopTimeoutMs?: number;
  /** Running job attempts at once; default the number of cores, at least 2. */
  maxConcurrent?: number;
  /** The environment runs inherit (less the editor's own variables), read once when the engine is made. */
  hostEnv?: Record<string, string | undefined>;
  now?: () => number;
  /** In [0, 1); spreads retry delays (jitter). */
  random?: () => number;
  /** Finished runs kept per definition (and for ad-hoc commands together). */
  historyPerDefinition?: number;
  /** Working directory of ad-hoc command lines. */
  defaultCwd?: string;
  /** Where running processes are written down, so a later window can adopt or stop them. */
  records?: RecordStore;
  /**
   * The longest a start waits for the previous process tree of its definition to be reaped (a
   * zombie still passes kill(pid, 0)); then it starts anyway and says so. 0 never waits.
   */
  reapWaitMs?: number;
}

export interface OutputEvent {
  id: string;
  name: string;
  /** From a typed command line: `name` is the command line. */
  adhoc?: boolean;
  instance: number;
  lines: OutputLine[];
}

export interface SpawnOptions {
  /** Overrides the definition's priority for this run. */
  priority?: Priority;
  /** Start no sooner than this many milliseconds from now. */
  delayMs?: number;
}

/** A run id, a definition name (its latest run) or anything with an `id`. */
export type RunTarget = string | { id: string };

const ADHOC_KEY = '\u0000adhoc';
/** What a shutdown may take past its grace: the SIGKILL round, its confirmation and the exit reports. */
const SHUTDOWN_SLACK_MS = 1500;

export function defaultMaxConcurrent(): number {
  return Math.max(2, os.availableParallelism?.() ?? os.cpus().length);
}

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
  private readonly launcherLossEmitter = new Emitter<LauncherLoss>();
  /**
   * The launcher helper died or stopped answering with processes in its hands, and was replaced:
   * once per loss. Those processes end with `launcher-lost`.
   */
  readonly onDidLoseLauncher = this.launcherLossEmitter.event;
  private readonly launcherLoss: Disposable | undefined;

  stopTimeoutMs: number;

  private specs = new Map<string, ProcessSpec>();
  private readonly runs = new RunTable();
  private readonly slots: SlotPool;
  private readonly scheduler: Scheduler;
  /** Restarts under way, by the run they stop. */
  private readonly restarting = new Map<Run, Promise<string>>();
  private readonly lastState = new Map<string, RunState>();
  /** Ids of finished runs per definition (ad-hoc runs together), oldest first. */
  private readonly finished = new Map<string, string[]>();
  private readonly durations = new DurationStats();
  private readonly counts = { completed: 0, failed: 0, timedOut: 0, retried: 0, created: 0, destroyed: 0 };
  private readonly idle: IdleWatch;
  private readonly recovery: RecoveryController;
  /** Some service has an idle timeout: only then is there anything for the idle watch to do. */
  private idleTimeouts = false;
  private seq = 0;
  private readonly idPrefix = Date.now().toString(36);
  private readonly ctx: RunContext;
  private readonly history: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private disposed = false;

  constructor(private readonly options: EngineOptions = {}) {
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    this.slots = new SlotPool(options.maxConcurrent ?? defaultMaxConcurrent());
    this.history = options.historyPerDefinition ?? 10;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    const table = options.table ?? linuxProcessTable;
    this.scheduler = new Scheduler({ now: this.now, run: (id) => this.runs.get(id), latestRun: (name) => this.latestRun(name), slots: this.slots });
    this.ctx = {
      launcher: options.launcher ?? childProcessLauncher,
      table,
      reaped: new ReapGate(table, options.reapWaitMs ?? 3000),
      inheritedEnv: inheritedEnvironment(options.hostEnv ?? process.env),
      now: this.now,
      stopTimeoutMs: () => this.stopTimeoutMs,
      onChange: (run) => this.runChanged(run),
      onOutput: (run, lines) => this.outputEmitter.fire({ id: run.id, name: run.spec.name, adhoc: run.adhoc, instance: run.instance, lines }),
      onAttemptEnd: (run, error) => this.recovery.attemptEnded(run, error),
      onHung: (run, message) => this.recovery.handleHung(run, message),
    };
    this.recovery = new RecoveryController({
      now: this.now,
      random: this.random,
      table,
      stopTimeoutMs: () => this.stopTimeoutMs,
      counts: this.counts,
      onDidChange: this.onDidChange,
      spec: (name) => this.specs.get(name),
      runs: () => this.runs.values(),
      liveInstances: (name) => this.liveInstances(name),
      startInstance: (spec, instance) => this.startRun(spec, {}, instance),
      backoff: (run, delayMs, error, next) => this.scheduler.waitAndRequeue(run, delayMs, error, next),
    });
    this.idle = new IdleWatch(table, this.now, (run) => void run.stop(this.stopTimeoutMs));
    this.launcherLoss = this.ctx.launcher.onDidLose?.((loss) => this.launcherLossEmitter.fire(loss));
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
    const spec = this.requireSpec(name);
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
    await this.require(target).stop(this.stopTimeoutMs);
  }

  /** Stops every run; resolves once all their processes are gone. */
  async killAll(graceMs = this.stopTimeoutMs): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.stop(graceMs)));
  }

  /** Cancels a run that is queued or waiting to retry. */
  async cancel(target: RunTarget): Promise<void> {
    const run = this.require(target);
    if (run.state !== 'queued' && run.state !== 'backoff') {
      throw new ProcessError('invalid-state', `"${run.spec.name}" is ${run.state}; only a queued or backing-off run can be cancelled (use Stop).`);
    }
    await run.stop(this.stopTimeoutMs);
  }

  /** Stops a run and starts its definition again as a new run; resolves to the new id. */
  async restart(target: RunTarget): Promise<string> {
    const old = this.require(target);
    // Refuse before stopping anything: a run whose definition is gone could not come back.
    if (!old.adhoc && !this.specs.has(old.spec.name)) {
      throw new ProcessError('not-found', `"${old.spec.name}" can no longer be started: its definition was removed. Stop it instead.`);
    }
    // A second restart of the same run (a double click) joins the first.
    let pending = this.restarting.get(old);
    if (!pending) {
      pending = this.stopAndRerun(old).finally(() => this.restarting.delete(old));
      this.restarting.set(old, pending);
    }
    return pending;
  }

  private async stopAndRerun(old: Run): Promise<string> {
    await old.stop(this.stopTimeoutMs);
    // A service instance started meanwhile (a spawn, another restart) is the one to keep: a
    // second would fight it for its port.
    const successor = old.spec.kind === 'service' && !old.adhoc
      ? this.liveInstances(old.spec.name).find((r) => r !== old && r.instance === old.instance && !r.isStopping)
      : undefined;
    return (successor ?? this.rerun(old)).id;
  }

  /** Runs a finished run's definition again now, with a fresh attempt count; resolves to the new id. */
  async retry(target: RunTarget): Promise<string> {
    const old = this.require(target);
    if (!isFinal(old.state)) {
      throw new ProcessError('invalid-state', `"${old.spec.name}" is ${old.state}; only a finished run can be retried (use Restart).`);
    }
    return this.rerun(old).id;
  }

  /** Starts one more instance of a service, up to its `instances.max`; resolves to its id. */
  async scaleUp(name: string): Promise<string> {
    this.assertLive();
    const spec = this.requireSpec(name);
    const live = this.liveInstances(name);
    if (spec.kind !== 'service') throw new ProcessError('invalid-argument', `"${name}" is a job; only services have instances.`);
    if (live.length >= spec.instances.max) {
      throw new ProcessError('limit-reached', `"${name}" already runs ${live.length} instance(s), its maximum (instances.max).`);
    }
    return this.startRun(spec, {}, freeInstance(live.map((r) => r.instance))).id;
  }

  /** Stops the highest instance of a service, down to its `instances.min`. */
  async scaleDown(name: string): Promise<void> {
    const spec = this.requireSpec(name);
    const live = this.liveInstances(name);
    if (live.length === 0) throw new ProcessError('invalid-state', `"${name}" has no running instance.`);
    if (live.length <= spec.instances.min) {
      throw new ProcessError('limit-reached', `"${name}" runs ${live.length} instance(s), its minimum (instances.min); use Stop to stop it.`);
    }
    await live[live.length - 1].stop(this.stopTimeoutMs);
  }

  /**
   * Ends a running run's current attempt as resource-exhausted (gracefully: SIGTERM, grace,
   * SIGKILL); its restart policy and recovery strategy then apply as for any failure.
   */
  recycle(target: RunTarget, reason: string): void {
    const run = this.require(target);
    run.terminate(new ProcessError('resource-exhausted', `"${run.spec.name}" ${reason}.`));
  }

  /**
   * Sends a line of text to a running process's stdin. A process that does not read it gets at
   * most `MAX_QUEUED_INPUT` bytes waiting; more is refused (`resource-exhausted`).
   */
  sendInput(target: RunTarget, text: string): void {
    const run = this.require(target);
    const line = text.endsWith('\n') ? text : `${text}\n`;
    if (!run.write(line)) {
      throw new ProcessError('invalid-state', `"${run.spec.name}" is ${run.state}; input can only go to a running process.`);
    }
  }

  list(): ProcessSnapshot[] {
    const positions = this.scheduler.positions();
    return [...this.runs.values()].map((r) => this.snapshot(r, positions));
  }

  /**
   * Forgets finished runs (their rows and history) of one definition, of the typed command lines
   * (`{ adhoc: true }`), or of everything when no target is given. Live and queued runs stay.
   * Returns how many were forgotten.
   */
  clearFinished(target?: string | { adhoc: true }): number {
    const matches = (run: Run) =>
      target === undefined || (typeof target === 'string' ? !run.adhoc && run.spec.name === target : run.adhoc);
    const gone = new Set<string>();
    for (const run of this.runs.values()) if (isFinal(run.state) && matches(run)) gone.add(run.id);
    for (const id of gone) this.runs.delete(id);
    for (const [key, ids] of this.finished) this.finished.set(key, ids.filter((id) => !gone.has(id)));
    if (gone.size > 0) this.changeEmitter.fire(undefined);
    return gone.size;
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

  metrics(): EngineMetrics {
    const all = [...this.runs.values()];
    const backoffs = all.filter((r) => r.state === 'backoff' && r.nextAttemptAt !== null).map((r) => r.nextAttemptAt!);
    const delayed = this.scheduler.nextStartAt(this.now());
    const next = [...backoffs, ...(delayed === undefined ? [] : [delayed])];
    return {
      ...this.counts,
      avgDurationMs: this.durations.average(),
      p95DurationMs: this.durations.p95(),
      active: all.filter((r) => isActive(r.state)).length,
      queued: this.scheduler.size,
      maxConcurrent: this.maxConcurrent,
      nextStartAt: next.length > 0 ? Math.min(...next) : null,
    };
  }

  /**
   * Finds processes a previous window recorded that still run and are provably ours (same pid
   * and start time, our uid, our run marker) and takes them over: they show, are monitored and
   * can be stopped like our own. A record that fails any check names a stranger: left alone.
   */
  adoptSurvivors(): ProcessSnapshot[] {
    const known = new Set([...this.runs.values()].map((r) => r.pid));
    const adopted: ProcessSnapshot[] = [];
    for (const record of this.options.records?.read() ?? []) {
      if (known.has(record.pid) || !provablyOurs(this.ctx.table, record)) continue;
      const current = this.specs.get(record.name);
      const spec: ProcessSpec = current ?? {
        ...specDefaults(record.kind), name: record.name, kind: record.kind, command: record.commandLine, args: [], cwd: this.options.defaultCwd ?? process.cwd(), env: {}, shell: true, autoStart: false,
      };
      const run = new Run(this.newRunId(), spec, false, this.ctx);
      this.runs.set(run.id, run);
      this.lastState.set(run.id, run.state);
      run.adopt(record);
      known.add(record.pid);
      adopted.push(this.snapshot(run));
    }
    this.writeRecords();
    return adopted;
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
    this.launcherLoss?.dispose();
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([this.killAll(graceMs), new Promise((resolve) => (deadline = setTimeout(resolve, graceMs + SHUTDOWN_SLACK_MS)))]);
    clearTimeout(deadline);
    this.changeEmitter.dispose();
    this.outputEmitter.dispose();
    this.launcherLossEmitter.dispose();
  }

  /** Creates a run and queues it, or, with `after`, queues it once those runs have ended. */
  private startRun(spec: ProcessSpec, options: SpawnOptions, instance = 0, adhoc = false, after: Run[] = []): Run {
    const id = this.newRunId();
    const priority = options.priority ?? spec.priority;
    const run = new Run(id, { ...specForInstance(spec, instance), priority }, adhoc, this.ctx, instance);
    this.runs.set(id, run);
    this.lastState.set(id, run.state);
    if (!adhoc) this.startDependencies(spec, new Set([spec.name]));
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

  /**
   * A run id, which every process of the run carries in its environment: random bits make it
   * unguessable, so a process cannot pass for ours by copying a likely marker.
   */
  private newRunId(): string {
    return `${this.idPrefix}-${++this.seq}-${randomBytes(8).toString('hex')}`;
  }

  private rerun(old: Run): Run {
    this.assertLive();
    if (old.adhoc) return this.startRun(old.spec, {}, 0, true);
    const spec = this.specs.get(old.spec.name);
    if (!spec) throw new ProcessError('not-found', `"${old.spec.name}" can no longer be started: its definition was removed.`);
    return this.startRun(spec, { priority: old.spec.priority }, old.instance);
  }

  /** Starts each dependency that has no run on its way to the condition, and theirs in turn. */
  private startDependencies(spec: ProcessSpec, seen: Set<string>): void {
    // An explicit stack, not recursion: a chain thousands long must not overflow the call stack.
    // A dependency is queued once its own dependencies are, as a depth-first walk would.
    const stack: { spec: ProcessSpec; next: number; start: boolean }[] = [{ spec, next: 0, start: false }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.next >= frame.spec.dependsOn.length) {
        stack.pop();
        const count = frame.spec.kind === 'service' ? Math.max(1, frame.spec.instances.initial) : 1;
        for (let i = 0; frame.start && i < count; i++) this.enqueueNew(frame.spec, i);
        continue;
      }
      const dep = frame.spec.dependsOn[frame.next++];
      const depSpec = this.specs.get(dep.name);
      if (!depSpec || seen.has(dep.name)) continue;
      seen.add(dep.name);
      const latest = this.latestRun(dep.name);
      if (needsNewRun(dep, depSpec.kind, latest && this.snapshot(latest))) stack.push({ spec: depSpec, next: 0, start: true });
    }
  }

  private enqueueNew(spec: ProcessSpec, instance: number): void {
    const id = this.newRunId();
    const run = new Run(id, specForInstance(spec, instance), false, this.ctx, instance);
    this.runs.set(id, run);
    this.lastState.set(id, run.state);
    this.scheduler.enqueue(run, this.now());
  }

  private runChanged(run: Run): void {
    const before = this.lastState.get(run.id);
    this.lastState.set(run.id, run.state);
    this.slots.update(run);
    if (run.state === 'running' && before === 'starting') this.counts.created++;
    if (run.state === 'running' || isFinal(run.state)) this.writeRecords();
    if (before !== undefined && isActive(before) && !isActive(run.state) && run.pid !== null) this.counts.destroyed++;
    if (isFinal(run.state)) {
      this.scheduler.forget(run.id);
      if (run.state === 'completed') this.counts.completed++;
      if (run.state === 'failed') this.counts.failed++;
      if (run.startedAt !== null && run.endedAt !== null && run.attempts > 0) this.durations.add(run.endedAt - run.startedAt);
      this.lastState.delete(run.id);
      this.trimHistory(run);
    }
    this.updateIdleWatch();
    this.changeEmitter.fire(this.snapshot(run));
    this.scheduler.schedulePump();
  }

  /** Watches the extra instances of services that have an idle timeout. */
  private updateIdleWatch(): void {
    // Runs change often; most settings have no idle timeout, so skip the scan of every run then.
    if (!this.idleTimeouts && !this.idle.watching) return;
    const watched: Run[] = [];
    for (const spec of this.specs.values()) {
      if (spec.kind !== 'service' || spec.idleTimeoutMs === undefined) continue;
      const live = this.liveInstances(spec.name).filter((r) => r.state === 'running');
      watched.push(...live.slice(spec.instances.min));
    }
    this.idle.watch(watched, (run) => this.specs.get(run.spec.name)?.idleTimeoutMs);
  }

  /** Writes down every live process; what is not confirmed gone stays for the next window. */
  private writeRecords(): void {
    const store = this.options.records;
    if (!store) return;
    const records: ProcessRecord[] = [];
    for (const run of this.runs.values()) {
      if (!isActive(run.state) || run.pid === null) continue;
      run.startTime ??= this.ctx.table.stat(run.pid)?.startTime;
      if (run.startTime === undefined) continue;
      records.push({
        runId: run.adoptedFrom?.runId ?? run.id, name: run.spec.name, pid: run.pid, pgid: run.pid, startTime: run.startTime,
        commandLine: run.commandLine, kind: run.spec.kind, recordedAt: run.startedAt ?? this.now(),
      });
    }
    store.write(records);
  }

  private liveInstances(name: string): Run[] {
    return this.runsOf(name)
      .filter((r) => !isFinal(r.state))
      .sort((a, b) => a.instance - b.instance);
  }

  private latestRun(name: string): Run | undefined {
    return this.runsOf(name).at(-1);
  }

  private requireSpec(name: string): ProcessSpec {
    const spec = this.specs.get(name);
    if (spec) return spec;
    const known = [...this.specs.keys()].map((n) => `"${n}"`).join(', ') || 'none';
    throw new ProcessError('not-found', `There is no definition named "${name}" (defined: ${known}).`);
  }

  private find(target: RunTarget): Run | undefined {
    const key = typeof target === 'string' ? target : target.id;
    const byId = this.runs.get(key);
    if (byId) return byId;
    const ofName = this.runsOf(key);
    return ofName.filter((r) => !isFinal(r.state)).at(-1) ?? ofName.at(-1);
  }

  private require(target: RunTarget): Run {
    const run = this.find(target);
    if (!run) {
      const key = typeof target === 'string' ? target : target.id;
      throw new ProcessError('not-found', `There is no process or definition "${key}".`);
    }
    return run;
  }

  private runsOf(name: string): Run[] {
    return this.runs.ofName(name);
  }

  /** Keeps the last few finished runs of each definition; live runs are always kept. */
  private trimHistory(finished: Run): void {
    const key = finished.adhoc ? ADHOC_KEY : finished.spec.name;
    let done = this.finished.get(key);
    if (!done) this.finished.set(key, (done = []));
    done.push(finished.id);
    // A finished run never starts again (a retry is a new run), so the oldest finished go first.
    while (done.length > this.history) this.runs.delete(done.shift()!);
  }

  private snapshot(run: Run, positions?: Map<string, number>): ProcessSnapshot {
    const position = run.state !== 'queued' ? null : ((positions ? positions.get(run.id) : this.scheduler.positionOf(run.id)) ?? null);
    const wait = position === null ? null : this.scheduler.waitReason(run, position);
    return snapshotOf(run, run.adhoc ? undefined : this.specs.get(run.spec.name), position, wait);
  }

  private assertLive(): void {
    if (this.disposed) throw new ProcessError('invalid-state', 'The process engine has been shut down.');
  }
}
