import type { OutputEvent } from '../engine';
import { DisposableStore, Emitter, type Disposable, type Event } from '../../core/events';
import type { ProcessSnapshot } from '../run/snapshot';
import { isFinal } from '../run/stateMachine';
import type { ProcessSpec } from '../../core/types';
import { mergeLimits } from './alertRules';
import { AlertBook, type AlertChange, type AlertContext } from './alerts';
import { RunRecord } from './runCounters';
import type { TreeSamplerLike, TreeUsage } from './sampler';
import { defaultPortReader, defaultTreeSampler, type TreePortReader } from './posixSampler';
import { PortCadence } from './portCadence';
import type { Limits } from '../../core/types';
import type { Alert, JobCounts, MonitorApi, RunHistory, RunSample } from './types';

/** The parts of a run snapshot the monitor reads. */
export type MonitoredRun = Pick<ProcessSnapshot, 'id' | 'name' | 'kind' | 'state' | 'pid' | 'adhoc' | 'error' | 'exitCode' | 'signal'>;

/** What the monitor needs of the engine (a `ProcessEngine` fits); it only listens. */
export interface MonitoredEngine {
  readonly onDidChange: Event<MonitoredRun | undefined>;
  readonly onDidOutput: Event<Pick<OutputEvent, 'id' | 'lines' | 'restored' | 'batch'>>;
  list(): MonitoredRun[];
  definitions(): Pick<ProcessSpec, 'name' | 'limits'>[];
  /** Takes the TCP ports the tree of the run's process `pid` listens on, read each round. */
  notePorts?(runId: string, pid: number, ports: number[]): void;
}

export interface MonitorOptions {
  /** Milliseconds between the end of one sampling round and the start of the next. */
  intervalMs: number;
  now?: () => number;
  sampler?: TreeSamplerLike;
  /** `devProcesses.alerts`: the thresholds of every run whose definition does not set its own. */
  globalLimits?: Limits;
  /** Samples kept per run, by age; default 10 minutes. */
  historyMs?: number;
  /** Samples kept per run, by count (a short interval then keeps less time); default 1200. */
  historySamples?: number;
  /** Histories of ended runs kept (for `historyMs` after they end); default 30. */
  endedRunsKept?: number;
  /** Alerts kept in the history; default 500. */
  alertHistory?: number;
  /** Reads the listening TCP ports of the trees; default: the process backend's reader. */
  ports?: TreePortReader;
  /** Ports are read every round while a tree is younger than this (ms), then every `portsSettledEveryMs`. */
  portsYoungMs?: number;
  portsSettledEveryMs?: number;
}

/** Intervals shorter than this would cost more than they tell. */
export const MIN_INTERVAL_MS = 100;

/**
 * Samples every live run's process tree in rounds, keeps bounded histories, counts output, and
 * raises and resolves alerts. It attaches to the engine from outside, by its events. The loop runs
 * only while some run has a live process, never overlaps itself (the next round is scheduled when
 * one ends), and its timer is unref'd.
 */
export class ProcessMonitor implements MonitorApi, Disposable {
  private readonly sampleEmitter = new Emitter<RunSample[]>();
  private readonly alertEmitter = new Emitter<Alert>();
  private readonly raiseEmitter = new Emitter<AlertContext>();
  readonly onDidSample = this.sampleEmitter.event;
  readonly onDidAlert = this.alertEmitter.event;
  /** An alert raised or escalated, with the run's kind, limits and sample: the hook for recovery (see `wantsRestart`). */
  readonly onDidRaise = this.raiseEmitter.event;

  private readonly records = new Map<string, RunRecord>();
  private readonly jobs = new Map<string, JobCounts>();
  private readonly endedIds = new Set<string>();
  private readonly subscriptions = new DisposableStore();
  private readonly book: AlertBook;
  private readonly sampler: TreeSamplerLike;
  private readonly now: () => number;
  private intervalMs: number;
  private globalLimits: Limits;
  private limitsBy: { from: readonly Pick<ProcessSpec, 'name' | 'limits'>[]; limits: Map<string, Limits> } | undefined;
  private globalOnly: Limits | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inRound = false;
  private portScanner: TreePortReader | undefined;
  private readonly portCadence: PortCadence;
  private disposed = false;

  constructor(
    private readonly engine: MonitoredEngine,
    private readonly options: MonitorOptions,
  ) {
    this.intervalMs = Math.max(MIN_INTERVAL_MS, options.intervalMs);
    this.now = options.now ?? Date.now;
    this.sampler = options.sampler ?? defaultTreeSampler();
    this.portCadence = new PortCadence(options.portsYoungMs, options.portsSettledEveryMs);
    this.globalLimits = { ...options.globalLimits };
    this.book = new AlertBook({ historyLimit: options.alertHistory });
    this.subscriptions.add(engine.onDidChange((run) => run && this.runChanged(run)));
    // Lines restored from a log file were counted when they were written.
    this.subscriptions.add(engine.onDidOutput((e) => !e.restored && this.records.get(e.id)?.counters.add(e.batch ?? e.lines, this.now())));
    // Runs that ended before the monitor came are not counted or alerted on.
    for (const run of engine.list()) if (!isFinal(run.state)) this.runChanged(run);
  }

  /** True while a round is scheduled or under way; false once nothing runs. */
  get isSampling(): boolean {
    return this.timer !== undefined || this.inRound;
  }

  latest(runId: string): RunSample | undefined {
    return this.records.get(runId)?.history.latest();
  }

  history(): RunHistory[] {
    const now = this.now();
    const out: RunHistory[] = [];
    for (const [runId, record] of this.records) {
      const samples = record.history.toArray(now);
      if (samples.length > 0) out.push({ runId, name: record.subject.name, samples });
    }
    return out;
  }

  /** The samples a previous window kept of runs this one took back after a reload. */
  restore(histories: readonly RunHistory[]): void {
    for (const { runId, samples } of histories) this.records.get(runId)?.history.seed(samples, this.now());
  }

  alerts(): Alert[] {
    return this.book.list();
  }

  /** Success and failure counts of a job definition (or an ad-hoc command line) by name. */
  jobCounts(name: string): JobCounts {
    return { ...(this.jobs.get(name) ?? { succeeded: 0, failed: 0 }) };
  }

  /** `devProcesses.monitor.intervalMs` changed; a scheduled round moves to the new interval. */
  setIntervalMs(ms: number): void {
    this.intervalMs = Math.max(MIN_INTERVAL_MS, ms);
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.schedule();
  }

  /** `devProcesses.alerts` changed; applies from the next round. */
  setGlobalLimits(limits: Limits): void {
    this.globalLimits = { ...limits };
    this.limitsBy = undefined;
    this.globalOnly = undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.subscriptions.dispose();
    this.sampler.dispose?.();
    this.sampleEmitter.dispose();
    this.alertEmitter.dispose();
    this.raiseEmitter.dispose();
  }

  private runChanged(run: MonitoredRun): void {
    const now = this.now();
    if (isFinal(run.state)) return this.runEnded(run, now);
    let record = this.records.get(run.id);
    if (!record) {
      record = new RunRecord(run, now, { maxAgeMs: this.options.historyMs ?? 600_000, maxCount: this.options.historySamples ?? 1200 });
      this.records.set(run.id, record);
    }
    const live = (run.state === 'running' || run.state === 'stopping') && run.pid !== null;
    if (live && record.pid !== run.pid) {
      record.pid = run.pid;
      record.pidSince = now;
      record.counters.restartIdle(now);
      if (run.state === 'running' && !run.adhoc) this.publish(this.book.serviceRunning(run.name, now));
      this.schedule();
    } else if (!live && record.pid !== null) {
      record.pid = null;
      this.publish(this.book.processGone(run.id, now));
    }
  }

  private runEnded(run: MonitoredRun, now: number): void {
    if (this.endedIds.has(run.id)) return;
    this.endedIds.add(run.id);
    if (this.endedIds.size > 1000) this.endedIds.delete(this.endedIds.values().next().value!);
    if (run.kind === 'job' && (run.state === 'completed' || run.state === 'failed')) {
      const counts = this.jobs.get(run.name) ?? { succeeded: 0, failed: 0 };
      if (run.state === 'completed') counts.succeeded++;
      else counts.failed++;
      this.jobs.set(run.name, counts);
    }
    const record = this.records.get(run.id);
    if (record) {
      record.pid = null;
      record.endedAt = now;
      this.publish(this.book.processGone(run.id, now));
    }
    if (run.kind === 'service' && run.state === 'failed' && !run.adhoc) {
      const subject = { runId: run.id, name: run.name, kind: run.kind };
      const limits = this.limitsOf(run.name);
      this.publish(this.book.serviceFailed(subject, failureReason(run), now), { kind: run.kind, limits, sample: null });
    }
    this.pruneEnded(now);
  }

  private schedule(): void {
    if (this.disposed || this.timer !== undefined || this.inRound) return;
    if (![...this.records.values()].some((r) => r.pid !== null)) {
      this.sampler.release?.();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.round();
    }, this.intervalMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    this.inRound = true;
    try {
      const live = [...this.records.values()].filter((r) => r.pid !== null);
      if (live.length === 0) return; // everything ended while the round waited for its timer
      const usage = await this.sampler.sample([...new Set(live.map((r) => r.pid!))]);
      if (this.disposed) return;
      const now = this.now();
      const samples: RunSample[] = [];
      const effective = this.effectiveLimits();
      for (const record of live) {
        const tree = record.pid === null ? undefined : usage.get(record.pid);
        if (!tree?.alive) continue; // ended, or restarted with a new pid, while the round ran
        const sample = record.record(tree, now);
        samples.push(sample);
        const limits = this.limitsOf(record.adhoc ? undefined : record.subject.name, effective);
        this.publish(this.book.observe(record.subject, sample, limits, now), { kind: record.subject.kind, limits, sample });
      }
      await this.notePorts(live, usage);
      if (samples.length > 0) this.sampleEmitter.fire(samples);
      this.pruneEnded(now);
    } catch (err) {
      console.error('Dev Processes: a monitor round failed', err);
    } finally {
      this.inRound = false;
      this.schedule();
    }
  }

  /** The same round's trees: which TCP ports each listens on, for the run's snapshot. */
  private async notePorts(live: RunRecord[], usage: Map<number, TreeUsage>): Promise<void> {
    const notePorts = this.engine.notePorts?.bind(this.engine);
    const trees = live.filter((r) => r.pid !== null && usage.get(r.pid)?.alive);
    if (!notePorts || trees.length === 0 || !this.portCadence.due(trees.map((r) => r.pidSince), this.now())) return;
    this.portScanner ??= this.options.ports ?? defaultPortReader(this.sampler);
    const ports = await this.portScanner.scan(trees.map((r) => ({ key: r.subject.runId, pids: usage.get(r.pid!)!.pids })));
    trees.forEach((record, i) => notePorts(record.subject.runId, record.pid!, ports[i]));
  }

  /** Each definition's limits merged over the global ones, built again only when a definition or the global limits changed. */
  private effectiveLimits(): Map<string, Limits> {
    const definitions = this.engine.definitions();
    const known = this.limitsBy;
    if (known && known.from.length === definitions.length && definitions.every((d, i) => d === known.from[i])) return known.limits;
    const limits = new Map<string, Limits>();
    for (const d of definitions) limits.set(d.name, mergeLimits(d.limits, this.globalLimits));
    this.limitsBy = { from: definitions, limits };
    return limits;
  }

  /** A run's effective limits: its definition's (from `effective`) or, ad hoc or removed, the global ones. */
  private limitsOf(name: string | undefined, effective = this.effectiveLimits()): Limits {
    return (name !== undefined ? effective.get(name) : undefined) ?? (this.globalOnly ??= mergeLimits(undefined, this.globalLimits));
  }

  private publish(changes: AlertChange[], context?: Omit<AlertContext, keyof AlertChange>): void {
    for (const change of changes) {
      this.alertEmitter.fire(change.alert);
      if (context && change.change !== 'resolved') this.raiseEmitter.fire({ ...change, change: change.change, ...context });
    }
  }

  /** Keeps the newest `endedRunsKept` ended runs that have samples, each for `historyMs` after it ended. */
  private pruneEnded(now: number): void {
    const ended = [...this.records].filter(([, r]) => r.endedAt !== null).sort(([, a], [, b]) => a.endedAt! - b.endedAt!);
    const keep = this.options.endedRunsKept ?? 30;
    const maxAge = this.options.historyMs ?? 600_000;
    ended.forEach(([id, r], i) => {
      if (i < ended.length - keep || now - r.endedAt! > maxAge || !r.history.latest()) this.records.delete(id);
    });
  }
}

function failureReason(run: MonitoredRun): string {
  if (run.error) return run.error.message;
  if (run.signal) return `killed by ${run.signal}.`;
  return run.exitCode === null ? 'the run failed.' : `exited with code ${run.exitCode}.`;
}
