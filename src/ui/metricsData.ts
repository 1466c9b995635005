// Turns the monitor's histories and samples into the metrics webview's messages.
// No `vscode` import: unit-tested in plain Node.
import type { RunHistory, RunSample } from '../engine/monitor/types';
import { LIMITS, type RunSeries } from '../shared/metricsProtocol';

/** The longest time window the webview offers; older points are not sent. */
export const MAX_WINDOW_MS = 10 * 60_000;

/** A run's label, liveness, instance and limits, from the engine (the monitor knows only ids and names). */
export interface RunInfo {
  label: string;
  live: boolean;
  instance?: number;
  cpuLimit?: number | null;
  memLimit?: number | null;
}

/** What a series carries besides its points. */
function described(runId: string, name: string, i: RunInfo): Omit<RunSeries, 't' | 'cpu' | 'mem'> {
  return { runId, name: clip(name), label: clip(i.label), live: i.live, instance: i.instance ?? 0, cpuLimit: i.cpuLimit ?? null, memLimit: i.memLimit ?? null };
}

/** What the webview must hear again when it changes. */
function infoKey(i: RunInfo): string {
  return `${i.label}\u0000${i.live}\u0000${i.instance ?? 0}\u0000${i.cpuLimit ?? ''}\u0000${i.memLimit ?? ''}`;
}

const clip = (s: string) => (s.length > LIMITS.text ? `${s.slice(0, LIMITS.text - 1)}…` : s);

function finite(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** The snapshot's series: every history, cut to the last MAX_WINDOW_MS before `now`. */
export function seriesFromHistories(histories: readonly RunHistory[], now: number, info: (runId: string, name: string) => RunInfo): RunSeries[] {
  const since = now - MAX_WINDOW_MS;
  const out: RunSeries[] = [];
  for (const h of histories.slice(-LIMITS.runs)) {
    const samples = h.samples.filter((s) => s.at >= since).slice(-LIMITS.points);
    out.push({
      ...described(h.runId, h.name, info(h.runId, h.name)),
      t: samples.map((s) => s.at),
      cpu: samples.map((s) => finite(s.cpuPercent)),
      mem: samples.map((s) => finite(s.rssBytes)),
    });
  }
  return out;
}

/**
 * Collects samples between two messages to the webview. Also remembers what the webview was last
 * told about each run, so a run whose label (a new pid after a restart) or liveness changed is sent
 * even when it has no new points.
 */
export class SampleBuffer {
  private readonly pending = new Map<string, { name: string; t: number[]; cpu: number[]; mem: number[] }>();
  /** Per run: its name and what the webview last heard of its label and liveness. */
  private readonly told = new Map<string, { name: string; key: string }>();

  add(samples: readonly RunSample[]): void {
    for (const s of samples) {
      let p = this.pending.get(s.runId);
      if (!p) this.pending.set(s.runId, (p = { name: s.name, t: [], cpu: [], mem: [] }));
      // Never out of order (the validator refuses it) and never more than the webview keeps.
      if (p.t.length > 0 && s.at < p.t[p.t.length - 1]) continue;
      p.t.push(s.at);
      p.cpu.push(finite(s.cpuPercent));
      p.mem.push(finite(s.rssBytes));
      if (p.t.length > LIMITS.points) {
        p.t.shift();
        p.cpu.shift();
        p.mem.shift();
      }
    }
  }

  /** True when there are points to send. */
  get hasPoints(): boolean {
    return this.pending.size > 0;
  }

  /** Forgets the points (e.g. the panel is hidden: a snapshot follows when it shows again). */
  clear(): void {
    this.pending.clear();
    this.told.clear();
  }

  /** Remembers what a snapshot told the webview. */
  noteSent(series: readonly RunSeries[]): void {
    this.told.clear();
    for (const s of series) {
      this.told.set(s.runId, { name: s.name, key: infoKey({ label: s.label, live: s.live, instance: s.instance, cpuLimit: s.cpuLimit, memLimit: s.memLimit }) });
    }
  }

  /**
   * The update's series: runs with new points, plus known runs whose label or liveness changed.
   * Empties the buffer.
   */
  take(info: (runId: string, name: string) => RunInfo): RunSeries[] {
    const out: RunSeries[] = [];
    const add = (runId: string, name: string, t: number[], cpu: number[], mem: number[]) => {
      const i = info(runId, name);
      const key = infoKey(i);
      if (t.length === 0 && this.told.get(runId)?.key === key) {
        // An ended run the webview knows as ended will not change again: stop watching it.
        if (!i.live) this.told.delete(runId);
        return;
      }
      this.told.set(runId, { name, key });
      out.push({ ...described(runId, name, i), t, cpu, mem });
    };
    for (const [runId, p] of this.pending) add(runId, p.name, p.t, p.cpu, p.mem);
    for (const [runId, told] of [...this.told]) if (!this.pending.has(runId)) add(runId, told.name, [], [], []);
    this.pending.clear();
    return out.slice(0, LIMITS.runs);
  }
}
