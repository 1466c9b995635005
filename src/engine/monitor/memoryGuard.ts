import type { Disposable } from '../../core/events';
import { wantsRestart, type AlertContext } from './alerts';
import type { RunSample } from './types';

/** Samples in a row a service must stay over its memory limit before it is restarted. */
export const OVER_LIMIT_SAMPLES = 3;

export interface MemoryGuardDeps {
  onDidRaise(listener: (ctx: AlertContext) => void): Disposable;
  onDidSample(listener: (samples: RunSample[]) => void): Disposable;
  /** Ends the run's current attempt as resource-exhausted; its restart policy brings it back. */
  recycle(runId: string, reason: string): void;
}

/**
 * `limits.onExceed: "restart"`: a service that stays over `maxMemoryMB` for a few samples is
 * restarted gracefully (SIGTERM, grace, then SIGKILL), not just alerted about.
 */
export class MemoryGuard implements Disposable {
  /** Runs over their limit: the limit in bytes and the samples in a row above it. */
  private readonly watched = new Map<string, { limitBytes: number; over: number }>();
  private readonly subscriptions: Disposable[];

  constructor(private readonly deps: MemoryGuardDeps) {
    this.subscriptions = [
      deps.onDidRaise((ctx) => {
        if (!wantsRestart(ctx) || ctx.limits.maxMemoryMB === undefined) return;
        this.watched.set(ctx.alert.runId, { limitBytes: ctx.limits.maxMemoryMB * 1024 * 1024, over: 1 });
      }),
      deps.onDidSample((samples) => this.check(samples)),
    ];
  }

  private check(samples: RunSample[]): void {
    for (const sample of samples) {
      const entry = this.watched.get(sample.runId);
      if (!entry) continue;
      if (sample.rssBytes <= entry.limitBytes) {
        this.watched.delete(sample.runId);
        continue;
      }
      if (++entry.over < OVER_LIMIT_SAMPLES) continue;
      this.watched.delete(sample.runId);
      const usedMB = Math.round(sample.rssBytes / 1024 / 1024);
      this.deps.recycle(sample.runId, `used ${usedMB} MiB for ${OVER_LIMIT_SAMPLES} samples, over its limit of ${Math.round(entry.limitBytes / 1024 / 1024)} MiB (limits.maxMemoryMB)`);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.watched.clear();
  }
}
