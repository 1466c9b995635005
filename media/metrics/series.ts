// The metrics webview's data: runs and their points, merged from the host's messages, and the
// aligned arrays uPlot draws. No DOM here: unit-tested in plain Node (test/unit/ui).
import type { HostMessage, RunSeries } from '../../src/shared/metricsProtocol';

/** Points older than this (before the host's latest "now") are dropped: the widest window is 10 min. */
export const KEEP_MS = 10 * 60_000 + 30_000;

export interface Run extends RunSeries {
  /** Stable colour slot of its definition: the order in which the definition was first seen. */
  slot: number;
}

/** Every run the webview knows, in the order first seen. */
export class RunStore {
  readonly runs = new Map<string, Run>();
  /** The host's clock at its latest message. */
  now = 0;
  monitoring = true;
  /** One colour per definition, kept across snapshots: a restarted run keeps its definition's colour. */
  private readonly slots = new Map<string, number>();

  private slotOf(name: string): number {
    let slot = this.slots.get(name);
    if (slot === undefined) this.slots.set(name, (slot = this.slots.size));
    return slot;
  }

  apply(message: HostMessage): void {
    if (message.type === 'snapshot') {
      this.runs.clear();
      this.monitoring = message.monitoring;
      for (const s of message.runs) {
        this.runs.set(s.runId, { ...s, t: [...s.t], cpu: [...s.cpu], mem: [...s.mem], slot: this.slotOf(s.name) });
      }
    } else {
      for (const s of message.runs) {
        const run = this.runs.get(s.runId);
        if (!run) {
          this.runs.set(s.runId, { ...s, t: [...s.t], cpu: [...s.cpu], mem: [...s.mem], slot: this.slotOf(s.name) });
          continue;
        }
        run.name = s.name;
        run.label = s.label;
        run.live = s.live;
        run.instance = s.instance;
        run.cpuLimit = s.cpuLimit;
        run.memLimit = s.memLimit;
        const last = run.t.length ? run.t[run.t.length - 1] : -Infinity;
        for (let i = 0; i < s.t.length; i++) {
          // A point the snapshot already had (sampled while it was being sent) is not added twice.
          if (s.t[i] <= last) continue;
          run.t.push(s.t[i]);
          run.cpu.push(s.cpu[i]);
          run.mem.push(s.mem[i]);
        }
      }
    }
    this.now = Math.max(this.now, message.now);
    this.trim();
  }

  /** Drops points past KEEP_MS, and ended runs with no point left. */
  private trim(): void {
    const since = this.now - KEEP_MS;
    for (const [id, run] of this.runs) {
      let cut = 0;
      while (cut < run.t.length && run.t[cut] < since) cut++;
      if (cut > 0) {
        run.t.splice(0, cut);
        run.cpu.splice(0, cut);
        run.mem.splice(0, cut);
      }
      if (!run.live && run.t.length === 0) this.runs.delete(id);
    }
  }

  /** The newest point of a run, for the selector's figures. */
  latest(runId: string): { cpu: number; mem: number } | undefined {
    const run = this.runs.get(runId);
    if (!run || !run.live || run.t.length === 0) return undefined;
    const i = run.t.length - 1;
    return { cpu: run.cpu[i], mem: run.mem[i] };
  }
}

/**
 * The runs the selector lists and the charts may draw: every live run, and for each definition
 * with none live its latest run; with `showEnded`, every run. In the order first seen.
 */
export function listedRuns(runs: readonly Run[], showEnded: boolean): Run[] {
  if (showEnded) return [...runs];
  const live = new Set(runs.filter((r) => r.live).map((r) => r.name));
  const latest = new Map<string, Run>();
  for (const r of runs) {
    if (r.live || live.has(r.name)) continue;
    const known = latest.get(r.name);
    if (!known || lastTime(r) >= lastTime(known)) latest.set(r.name, r);
  }
  const keep = new Set(latest.values());
  return runs.filter((r) => r.live || keep.has(r));
}

function lastTime(run: Run): number {
  return run.t.length ? run.t[run.t.length - 1] : -Infinity;
}

/** uPlot's input: x in seconds, then one array per series, null where a run has no point. */
export type Aligned = [number[], ...(number | null)[][]];

/**
 * Aligns the runs' points on one time axis (x in seconds, as uPlot's time scale wants). Runs are
 * sampled in shared rounds, so their times mostly coincide and the union stays small.
 * `pick` chooses the value: CPU percent, or memory in MB.
 */
export function align(runs: readonly Run[], from: number, to: number, pick: (run: Run, i: number) => number): Aligned {
  const times = new Set<number>();
  for (const run of runs) for (const t of run.t) if (t >= from && t <= to) times.add(t);
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const ys = runs.map((run) => {
    const y: (number | null)[] = new Array(xs.length).fill(null);
    for (let i = 0; i < run.t.length; i++) {
      const at = index.get(run.t[i]);
      if (at !== undefined) y[at] = pick(run, i);
    }
    return y;
  });
  return [xs.map((t) => t / 1000), ...ys];
}

/** A round upper bound for an axis: 1, 2, 2.5, 5 or 10 times a power of ten, at least `floor`. */
export function niceMax(value: number | null | undefined, floor: number): number {
  const v = Math.max(floor, Number.isFinite(value) ? (value as number) * 1.1 : 0);
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * mag >= v) return step * mag;
  return 10 * mag;
}

/** "0.4%", "12%", "230%". */
export function formatPercent(p: number): string {
  return `${p < 9.95 ? p.toFixed(1).replace(/\.0$/, '') : Math.round(p)}%`;
}

/** "0.5 MiB", "85 MiB", "1.2 GiB" from MiB (binary units, as the tree and `maxMemoryMB` count). */
export function formatMB(mb: number): string {
  if (mb >= 1024) return `${(mb / 1024).toFixed(1).replace(/\.0$/, '')} GiB`;
  if (mb < 9.95) return `${mb.toFixed(1).replace(/\.0$/, '')} MiB`;
  return `${Math.round(mb)} MiB`;
}

/** The webview's saved choices (vscode.setState survives hiding and showing). */
export interface ViewState {
  windowMin: 1 | 5 | 10;
  /** Runs the user unchecked; new runs show by default. */
  hidden: string[];
  /** List (and draw) every ended run, not only each definition's latest. */
  showEnded: boolean;
}

export const WINDOWS: readonly ViewState['windowMin'][] = [1, 5, 10];

/** Reads a saved state defensively: it was written by an older version of this script, maybe. */
export function readState(x: unknown): ViewState {
  const o = typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};
  const windowMin = WINDOWS.find((w) => w === o.windowMin) ?? 5;
  const hidden = Array.isArray(o.hidden) ? o.hidden.filter((h): h is string => typeof h === 'string').slice(0, 2000) : [];
  return { windowMin, hidden, showEnded: o.showEnded === true };
}
