import { ProcessError } from '../../core/errors';
import { holdsSlot, type SlotPool } from '../pool/slots';
import type { Run } from '../run/run';
import type { WaitReason } from '../run/snapshot';
import { dependencyStatus, type DependencyStatus } from './dependencyGate';
import { RunQueue, type QueueEntry } from './runQueue';

/** What the scheduler reads from the engine: its runs, the time and the slots. */
export interface SchedulerHost {
  now(): number;
  run(id: string): Run | undefined;
  /** The latest run of a definition, which a dependent's condition is checked against. */
  latestRun(name: string): Run | undefined;
  slots: SlotPool;
}

/**
 * Starts queued runs: in priority order, when their delay has passed, their dependencies are met
 * and (for jobs) a slot is free. Fails a queued run whose dependency failed, and holds runs in
 * backoff until their next attempt is due.
 */
export class Scheduler {
  private readonly queue = new RunQueue();
  private readonly backoffTimers = new Map<string, NodeJS.Timeout>();
  /** Arrival order within a priority. */
  private seq = 0;
  /** Whether a run that waits on dependencies may be queued; reset when the queue empties. */
  private dependentsQueued = false;
  private pumpQueued = false;
  private pumpTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly host: SchedulerHost) {}

  get size(): number {
    return this.queue.size;
  }

  /** Queue positions of every queued run at once: looking each up would make a long queue quadratic. */
  positions(): Map<string, number> {
    return new Map(this.queue.ordered().map((e, i) => [e.id, i + 1]));
  }

  positionOf(id: string): number | undefined {
    return this.queue.positionOf(id);
  }

  /** When the earliest delayed run may start, or undefined when none waits for a time. */
  nextStartAt(now: number): number | undefined {
    return this.queue.nextStartAt(now);
  }

  enqueue(run: Run, notBefore: number): void {
    if (run.spec.dependsOn.length > 0) this.dependentsQueued = true;
    this.queue.add({ id: run.id, priority: run.spec.priority, seq: this.seq++, notBefore, needsSlot: holdsSlot(run) });
    this.schedulePump();
  }

  /** Starting is deferred to setImmediate, never done inside another run's exit handler. */
  schedulePump(): void {
    if (this.pumpQueued || this.disposed) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.disposed) return;
    const now = this.host.now();
    const cannotStart: [Run, ProcessError][] = [];
    if (this.queue.size === 0) this.dependentsQueued = false;
    for (const entry of this.dependentsQueued ? this.queue.ordered() : []) {
      const run = this.host.run(entry.id);
      if (!run || run.spec.dependsOn.length === 0) continue;
      const status = this.dependencies(run);
      if (status instanceof ProcessError) cannotStart.push([run, status]);
    }
    for (const [run, error] of cannotStart) {
      this.queue.remove(run.id);
      run.finish(error);
    }
    const ready = this.queue.takeReady(now, this.host.slots.free, (id) => this.dependencies(this.host.run(id)!) === 'ready');
    for (const entry of ready) this.host.run(entry.id)?.startAttempt();

    clearTimeout(this.pumpTimer);
    const next = this.queue.nextStartAt(now);
    if (next !== undefined) this.pumpTimer = setTimeout(() => this.schedulePump(), next - now);
  }

  private dependencies(run: Run): DependencyStatus {
    for (const dep of run.spec.dependsOn) {
      const latest = this.host.latestRun(dep.name);
      const status = dependencyStatus(dep, latest && { state: latest.state, ready: latest.ready }, run.spec.name);
      if (status !== 'ready') return status;
    }
    return 'ready';
  }

  /** Waits in `backoff`, holding no slot, then goes back in the queue. */
  waitAndRequeue(run: Run, delayMs: number, error: ProcessError | null, next: string): void {
    // The delay counts from the process's exit, not from the end of the sweep after it.
    const now = this.host.now();
    const at = Math.max(now, (run.exitedAt ?? now) + delayMs);
    run.enterBackoff(at, error, next);
    const requeue = () => {
      this.backoffTimers.delete(run.id);
      if (run.state !== 'backoff' || this.disposed) return;
      run.requeue();
      this.enqueue(run, at);
    };
    // No wait left: straight back in the queue (the start itself still waits for the pump's turn).
    if (at <= now) return requeue();
    this.backoffTimers.set(run.id, setTimeout(requeue, at - now));
  }

  /** A run ended for good: drop its backoff timer and its place in the queue. */
  forget(id: string): void {
    clearTimeout(this.backoffTimers.get(id));
    this.backoffTimers.delete(id);
    this.queue.remove(id);
  }

  /** What a queued run waits for, first what would hold it longest: its delay, its dependencies, a slot. */
  waitReason(run: Run, position: number): WaitReason | null {
    const entry: QueueEntry | undefined = this.queue.ordered()[position - 1];
    if (!entry) return null;
    if (entry.notBefore > this.host.now()) return { kind: 'delay', until: entry.notBefore };
    const pending = run.spec.dependsOn.filter((dep) => {
      const latest = this.host.latestRun(dep.name);
      return dependencyStatus(dep, latest && { state: latest.state, ready: latest.ready }, run.spec.name) === 'waiting';
    });
    if (pending.length > 0) return { kind: 'dependency', dependencies: pending.map((d) => ({ name: d.name, condition: d.condition })) };
    return entry.needsSlot ? { kind: 'slot', position, running: this.host.slots.used } : null;
  }

  /** Starts nothing more: clears the delayed-start and backoff timers. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.pumpTimer);
    for (const timer of this.backoffTimers.values()) clearTimeout(timer);
  }
}
