// Fakes for the ui's pure parts: a clock with timers, and a MonitorApi driven by the test.
import { Emitter } from '../../../src/core/events';
import type { Alert, MonitorApi, RunHistory, RunSample } from '../../../src/engine/monitor/types';
import type { Timers } from '../../../src/ui/coalesce';
import type { ProcessSnapshot } from '../../../src/engine/run/snapshot';

/** Timers that run only when the test moves the clock. */
export class FakeClock implements Timers {
  time = 1_000_000;
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.due.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }

  get pending(): number {
    return this.due.size;
  }

  /** Moves the clock forward, running each timer at its time, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.due].sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next || next[1].at > end) break;
      this.due.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}

export function sample(runId: string, at: number, extra: Partial<RunSample> = {}): RunSample {
  return {
    runId,
    name: runId.replace(/-\d+$/, ''),
    at,
    cpuPercent: 10,
    rssBytes: 50 * 1024 * 1024,
    openFiles: 10,
    threads: 7,
    processes: 1,
    linesPerSecond: 0,
    stderrPerMinute: 0,
    idleMs: 0,
    responseMs: null,
    ...extra,
  };
}

export function alert(id: string, extra: Partial<Alert> = {}): Alert {
  return {
    id,
    runId: `run-${id}`,
    name: `svc-${id}`,
    type: 'down',
    severity: 'critical',
    message: 'exited with code 1',
    at: 1_000_000,
    resolved: false,
    resolvedAt: null,
    ...extra,
  };
}

/** A MonitorApi whose samples and alerts the test fires; keeps histories like the real one. */
export class FakeMonitor implements MonitorApi {
  private readonly samples = new Emitter<RunSample[]>();
  private readonly alertEvents = new Emitter<Alert>();
  private readonly histories = new Map<string, RunHistory>();
  private readonly alertList: Alert[] = [];
  readonly onDidSample = this.samples.event;
  readonly onDidAlert = this.alertEvents.event;

  sample(round: RunSample[]): void {
    for (const s of round) {
      let h = this.histories.get(s.runId);
      if (!h) this.histories.set(s.runId, (h = { runId: s.runId, name: s.name, samples: [] }));
      h.samples.push(s);
    }
    this.samples.fire(round);
  }

  raise(a: Alert): void {
    const i = this.alertList.findIndex((x) => x.id === a.id);
    if (i >= 0) this.alertList.splice(i, 1);
    this.alertList.unshift(a);
    this.alertEvents.fire(a);
  }

  latest(runId: string): RunSample | undefined {
    const s = this.histories.get(runId)?.samples;
    return s?.[s.length - 1];
  }

  history(): RunHistory[] {
    return [...this.histories.values()].map((h) => ({ ...h, samples: [...h.samples] }));
  }

  alerts(): Alert[] {
    return [...this.alertList];
  }
}

/** A running service's snapshot, started 4 s before `now`, with `extra` over it. */
export function runSnapshot(now: number, extra: Partial<ProcessSnapshot> = {}): ProcessSnapshot {
  return {
    id: 'r1', name: 'web', kind: 'service', state: 'running', pid: 4242, exitCode: null, signal: null,
    startedAt: now - 4000, endedAt: null, restarts: 0, attempts: 1, error: null, commandLine: 'node server.js',
    adhoc: false, priority: 'normal', instance: 0, queuePosition: null, waitingFor: null, exitedAt: null, nextAttemptAt: null,
    ready: false, health: null, lastRecovery: null, adopted: false, portConflict: null, executable: null, hint: null, tty: false, definitionStatus: 'current', ports: [], watch: null,
    ...extra,
  };
}
