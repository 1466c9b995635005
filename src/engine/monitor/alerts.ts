import type { ProcessKind } from '../../core/types';
import { THRESHOLD_RULES, type ThresholdRule } from './alertRules';
import type { Limits } from '../../core/types';
import type { Alert, AlertSeverity, AlertType, RunSample } from './types';

/** The run an alert is about. */
export interface AlertSubject {
  runId: string;
  /** The definition's name (replicas share it), or the command line of an ad-hoc run. */
  name: string;
  kind: ProcessKind;
}

/**
 * What happened to an alert. `escalated`: an active alert's severity rose (memory past 1.5x its
 * limit); it keeps its id and is emitted again with the new severity and message.
 */
export type AlertChangeKind = 'raised' | 'escalated' | 'resolved';

export interface AlertChange {
  /** A copy: later changes do not show through it. */
  alert: Alert;
  change: AlertChangeKind;
}

/**
 * An alert raised or escalated, with what a recovery component needs to act on it: the run's
 * kind, its effective limits and the sample that crossed them. See `wantsRestart`.
 */
export interface AlertContext extends AlertChange {
  change: 'raised' | 'escalated';
  kind: ProcessKind;
  limits: Limits;
  sample: RunSample | null;
}

/** A `memory` alert just raised for a service whose limits say `onExceed: "restart"`: restart `alert.runId`. */
export function wantsRestart(context: AlertContext): boolean {
  return context.alert.type === 'memory' && context.change === 'raised' && context.kind === 'service' && context.limits.onExceed === 'restart';
}

export interface AlertBookOptions {
  /** Alerts kept, active ones always; older resolved ones are dropped first. */
  historyLimit?: number;
  /** Makes ids unique across books; default from the clock. */
  idPrefix?: string;
}

interface Streak {
  past: number;
  below: number;
  active?: Alert;
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2, emergency: 3 };

/**
 * The alert logic, free of timers and I/O: each call gets the time and returns what changed, so
 * thresholds, hysteresis and resolution are tested with a fake clock and made-up samples. At most
 * one alert is active per run and type. The rules (see alertRules.ts):
 * - memory: over `maxMemoryMB` warning, over 1.5x critical (an active warning escalates, never
 *   de-escalates); resolves below 90% of the limit.
 * - cpu: over `maxCpuPercent` for 3 samples in a row, warning; resolves after 3 in a row below 90%.
 * - idle (services only): no line for `maxIdleMs`, warning; resolves when output resumes.
 * - errorRate: stderr lines in the last minute over `maxErrorRate`, warning; resolves below 90%.
 * - down: a service run ended `failed`, critical; resolves when a run of its definition runs.
 * - When a run's process goes (it ended or waits to restart) its alerts other than down resolve;
 *   so does an alert whose limit is removed. `emergency` and `hung` are left to later components.
 */
export class AlertBook {
  private readonly historyLimit: number;
  private readonly idPrefix: string;
  private seq = 0;
  /** Newest first. */
  private history: Alert[] = [];
  private readonly streaks = new Map<string, Streak>();
  /** Active `down` alerts by run id, with the definition whose next running run resolves them. */
  private readonly down = new Map<string, { name: string; alert: Alert }>();

  constructor(options: AlertBookOptions = {}) {
    this.historyLimit = options.historyLimit ?? 500;
    this.idPrefix = options.idPrefix ?? `alert-${Date.now().toString(36)}`;
  }

  /** Checks one sample of a live run against its effective limits. */
  observe(subject: AlertSubject, sample: RunSample, limits: Limits, now: number): AlertChange[] {
    const changes: AlertChange[] = [];
    for (const rule of THRESHOLD_RULES) {
      const limit = rule.appliesTo(subject.kind) ? rule.limit(limits) : undefined;
      // No limit and no streak of any run: nothing to resolve, and no key to build each round.
      if (limit === undefined && this.streaks.size === 0) continue;
      const key = `${subject.runId}\u0000${rule.type}`;
      const streak = this.streaks.get(key) ?? { past: 0, below: 0 };
      if (limit === undefined) {
        // The limit was removed from the settings: what it alerted about no longer applies.
        if (streak.active) changes.push(this.resolve(streak.active, now));
        this.streaks.delete(key);
        continue;
      }
      this.streaks.set(key, streak);
      const change = this.step(rule, streak, subject, rule.value(sample), limit, now);
      if (change) changes.push(change);
    }
    return changes;
  }

  /** The run has no live process any more (it ended, or waits to restart): its alerts other than `down` resolve. */
  processGone(runId: string, now: number): AlertChange[] {
    const changes: AlertChange[] = [];
    for (const rule of THRESHOLD_RULES) {
      const key = `${runId}\u0000${rule.type}`;
      const active = this.streaks.get(key)?.active;
      if (active) changes.push(this.resolve(active, now));
      this.streaks.delete(key);
    }
    return changes;
  }

  /** A service run ended `failed`: it is down until a run of the same definition runs again. */
  serviceFailed(subject: AlertSubject, reason: string, now: number): AlertChange[] {
    if (this.down.has(subject.runId)) return [];
    const alert = this.raise(subject, 'down', 'critical', `Down: ${reason}`, now);
    this.down.set(subject.runId, { name: subject.name, alert });
    return [{ alert: { ...alert }, change: 'raised' }];
  }

  /** A run of this definition is running: its `down` alerts resolve. */
  serviceRunning(name: string, now: number): AlertChange[] {
    const changes: AlertChange[] = [];
    for (const [runId, entry] of this.down) {
      if (entry.name !== name) continue;
      this.down.delete(runId);
      changes.push(this.resolve(entry.alert, now));
    }
    return changes;
  }

  /** Active and recent alerts, newest first (copies). */
  list(): Alert[] {
    return this.history.map((a) => ({ ...a }));
  }

  /** Active alerts, newest first (copies). */
  active(): Alert[] {
    return this.history.filter((a) => !a.resolved).map((a) => ({ ...a }));
  }

  private step(rule: ThresholdRule, streak: Streak, subject: AlertSubject, value: number, limit: number, now: number): AlertChange | undefined {
    streak.past = rule.isPast(value, limit) ? streak.past + 1 : 0;
    streak.below = value < limit * rule.resolveBelow ? streak.below + 1 : 0;
    const active = streak.active;
    if (!active) {
      if (streak.past < rule.samplesToRaise) return undefined;
      streak.active = this.raise(subject, rule.type, rule.severity(value, limit), rule.message(value, limit), now);
      return { alert: { ...streak.active }, change: 'raised' };
    }
    if (streak.below >= rule.samplesToResolve) {
      streak.active = undefined;
      return this.resolve(active, now);
    }
    const severity = rule.severity(value, limit);
    if (streak.past > 0 && SEVERITY_RANK[severity] > SEVERITY_RANK[active.severity]) {
      active.severity = severity;
      active.message = rule.message(value, limit);
      return { alert: { ...active }, change: 'escalated' };
    }
    return undefined;
  }

  private raise(subject: AlertSubject, type: AlertType, severity: AlertSeverity, message: string, now: number): Alert {
    const alert: Alert = {
      id: `${this.idPrefix}-${++this.seq}`,
      runId: subject.runId,
      name: subject.name,
      type,
      severity,
      message,
      at: now,
      resolved: false,
      resolvedAt: null,
    };
    this.history.unshift(alert);
    this.trim();
    return alert;
  }

  private resolve(alert: Alert, now: number): AlertChange {
    alert.resolved = true;
    alert.resolvedAt = now;
    return { alert: { ...alert }, change: 'resolved' };
  }

  private trim(): void {
    for (let i = this.history.length - 1; i >= 0 && this.history.length > this.historyLimit; i--) {
      if (this.history[i].resolved) this.history.splice(i, 1);
    }
  }
}
