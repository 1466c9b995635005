import type { Disposable } from '../../core/events';
import { descendantsOf, type ProcessTable } from '../../platform/procfs';
import type { ProcessSpec } from '../../core/types';
import type { Run } from '../run/run';

interface Activity {
  cpuTicks: number;
  activeAt: number;
}

/** The running instances past `instances.min` of each service that has an idle timeout. */
export function idleCandidates(specs: Iterable<ProcessSpec>, liveInstances: (name: string) => Run[]): Run[] {
  const watched: Run[] = [];
  for (const spec of specs) {
    if (spec.kind !== 'service' || spec.idleTimeoutMs === undefined) continue;
    const live = liveInstances(spec.name).filter((r) => r.state === 'running');
    watched.push(...live.slice(spec.instances.min));
  }
  return watched;
}

/**
 * Stops extra service instances that produced no output and used no CPU (whole tree) for their
 * idle timeout. It only runs while there is something to watch.
 */
export class IdleWatch implements Disposable {
  private runs: Run[] = [];
  private timeoutOf: (run: Run) => number | undefined = () => undefined;
  private readonly activity = new Map<string, Activity>();
  private timer: NodeJS.Timeout | undefined;
  private periodMs = 0;

  constructor(
    private readonly table: ProcessTable,
    private readonly now: () => number,
    private readonly onIdle: (run: Run) => void,
  ) {}

  /** True while some run is watched. */
  get watching(): boolean {
    return this.runs.length > 0;
  }

  /** Replaces what is watched: the extra instances, with each one's idle timeout. */
  watch(runs: Run[], timeoutOf: (run: Run) => number | undefined): void {
    this.runs = runs;
    this.timeoutOf = timeoutOf;
    const ids = new Set(runs.map((r) => r.id));
    for (const id of this.activity.keys()) if (!ids.has(id)) this.activity.delete(id);
    const shortest = Math.min(...runs.map((r) => timeoutOf(r) ?? Infinity));
    const period = Number.isFinite(shortest) ? Math.min(5000, Math.max(50, Math.floor(shortest / 4))) : 0;
    if (period === this.periodMs) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.periodMs = period;
    if (period > 0) this.timer = setInterval(() => this.check(), period).unref();
  }

  private check(): void {
    const now = this.now();
    const all = this.runs.length > 0 ? this.table.all() : [];
    for (const run of this.runs) {
      const timeout = this.timeoutOf(run);
      if (timeout === undefined || run.pid === null || run.state !== 'running') continue;
      const tree = [run.pid, ...descendantsOf(this.table, run.pid, all).map((s) => s.pid)];
      const cpuTicks = tree.reduce((sum, pid) => sum + (all.find((s) => s.pid === pid)?.cpuTicks ?? 0), 0);
      const seen = this.activity.get(run.id);
      if (!seen || seen.cpuTicks !== cpuTicks) this.activity.set(run.id, { cpuTicks, activeAt: now });
      const activeAt = Math.max(this.activity.get(run.id)!.activeAt, run.lastOutputAt);
      if (now - activeAt >= timeout) {
        this.activity.delete(run.id);
        run.system(`Idle for ${Math.round((now - activeAt) / 1000)} s (no output, no CPU): stopping this extra instance.`);
        this.onIdle(run);
      }
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
