// The messages between the metrics panel (extension host) and its webview (media/metrics).
// Both sides validate every message they receive with the functions below: a webview is
// untrusted content, and a bug on either side must not turn into an exception loop.
// Only shared imports: this file is bundled into the webview as well as into the extension.
import { describe, isObject, onlyKeys, typeOnly, type Parsed } from './validate';

/** One run's points, oldest first. The three arrays have the same length. */
export interface RunSeries {
  runId: string;
  /** The definition's name (or the command line of an ad-hoc run). */
  name: string;
  /** What the chart and the selector show: "web #1 · pid 4242". */
  label: string;
  /** False once the run has ended: its line stops, it stays selectable. */
  live: boolean;
  /** Replica index of a service (0, 1, ...): instances share their definition's colour, dashed apart. */
  instance?: number;
  /** The definition's `maxCpuPercent`, drawn as a threshold line; null or absent for none. */
  cpuLimit?: number | null;
  /** The definition's `maxMemoryMB` in bytes, drawn as a threshold line; null or absent for none. */
  memLimit?: number | null;
  /** Epoch milliseconds of each sampling round. */
  t: number[];
  /** CPU percent of the run's whole process tree; 100 means one full core. */
  cpu: number[];
  /** Resident memory of the run's whole process tree, bytes. */
  mem: number[];
}

/** Extension -> webview. */
export type HostMessage =
  | {
      /** Everything the monitor keeps, sent when the webview (re)loads: it then replaces its data. */
      type: 'snapshot';
      /** The host's clock, epoch ms: the time axis ends here. */
      now: number;
      /** False when no monitor is available: the webview says so instead of waiting for data. */
      monitoring: boolean;
      runs: RunSeries[];
    }
  | {
      /** New points since the last message (appended), and runs whose label or liveness changed. */
      type: 'update';
      now: number;
      runs: RunSeries[];
    };

/** Webview -> extension. */
export type ViewMessage =
  | {
      /** The script has loaded (first time, or again after the panel was hidden and shown). */
      type: 'ready';
    }
  | {
      /** The user asked for a run's output channel (from the selector). */
      type: 'showOutput';
      runId: string;
    };

/** Upper bounds that keep a hostile or broken message from costing much. */
export const LIMITS = {
  /** Runs in one message. */
  runs: 2000,
  /** Points per run in one message: 10 minutes at 1 Hz is 600; room for faster sampling. */
  points: 20_000,
  /** Characters of an id, name or label. */
  text: 1000,
} as const;

function isText(x: unknown, allowEmpty = false): x is string {
  return typeof x === 'string' && x.length <= LIMITS.text && (allowEmpty || x.length > 0);
}

function isTime(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}

function numbers(x: unknown, what: string, ok: (n: number) => boolean): string | undefined {
  if (!Array.isArray(x)) return `${what} is not an array`;
  if (x.length > LIMITS.points) return `${what} has ${x.length} points (at most ${LIMITS.points})`;
  for (let i = 0; i < x.length; i++) {
    const n: unknown = x[i];
    if (typeof n !== 'number' || !ok(n)) return `${what}[${i}] is not a valid number`;
  }
  return undefined;
}

const nonNegative = (n: number) => Number.isFinite(n) && n >= 0;

function checkSeries(x: unknown, where: string): string | undefined {
  if (!isObject(x)) return `${where} is not an object`;
  const extra = onlyKeys(x, ['runId', 'name', 'label', 'live', 'instance', 'cpuLimit', 'memLimit', 't', 'cpu', 'mem']);
  if (extra) return `${where}: ${extra}`;
  if (x.instance !== undefined && !(Number.isInteger(x.instance) && (x.instance as number) >= 0 && (x.instance as number) <= 10_000)) return `${where}.instance is not a small whole number`;
  for (const key of ['cpuLimit', 'memLimit'] as const) {
    const v = x[key];
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) return `${where}.${key} is not a positive number or null`;
  }
  if (!isText(x.runId)) return `${where}.runId is not a non-empty string`;
  if (!isText(x.name)) return `${where}.name is not a non-empty string`;
  if (!isText(x.label)) return `${where}.label is not a non-empty string`;
  if (typeof x.live !== 'boolean') return `${where}.live is not a boolean`;
  const bad = numbers(x.t, `${where}.t`, nonNegative) ?? numbers(x.cpu, `${where}.cpu`, nonNegative) ?? numbers(x.mem, `${where}.mem`, nonNegative);
  if (bad) return bad;
  const t = x.t as number[];
  if ((x.cpu as number[]).length !== t.length || (x.mem as number[]).length !== t.length) return `${where}: t, cpu and mem differ in length`;
  for (let i = 1; i < t.length; i++) if (t[i] < t[i - 1]) return `${where}.t is not in time order`;
  return undefined;
}

/** Validates a message for the webview. */
export function parseHostMessage(x: unknown): Parsed<HostMessage> {
  if (!isObject(x)) return { ok: false, error: 'not an object' };
  if (x.type !== 'snapshot' && x.type !== 'update') return { ok: false, error: `unknown type ${describe(x.type)}` };
  const extra = onlyKeys(x, x.type === 'snapshot' ? ['type', 'now', 'monitoring', 'runs'] : ['type', 'now', 'runs']);
  if (extra) return { ok: false, error: `${x.type}: ${extra}` };
  if (!isTime(x.now)) return { ok: false, error: `${x.type}.now is not a time` };
  if (x.type === 'snapshot' && typeof x.monitoring !== 'boolean') return { ok: false, error: 'snapshot.monitoring is not a boolean' };
  if (!Array.isArray(x.runs)) return { ok: false, error: `${x.type}.runs is not an array` };
  if (x.runs.length > LIMITS.runs) return { ok: false, error: `${x.type}.runs has ${x.runs.length} entries (at most ${LIMITS.runs})` };
  const ids = new Set<string>();
  for (let i = 0; i < x.runs.length; i++) {
    const bad = checkSeries(x.runs[i], `${x.type}.runs[${i}]`);
    if (bad) return { ok: false, error: bad };
    const id = (x.runs[i] as RunSeries).runId;
    if (ids.has(id)) return { ok: false, error: `${x.type}.runs[${i}]: run ${describe(id)} appears twice` };
    ids.add(id);
  }
  return { ok: true, value: x as unknown as HostMessage };
}

/** Validates a message from the webview. */
export function parseViewMessage(x: unknown): Parsed<ViewMessage> {
  if (!isObject(x)) return { ok: false, error: 'not an object' };
  switch (x.type) {
    case 'ready':
      return typeOnly(x, 'ready');
    case 'showOutput': {
      const extra = onlyKeys(x, ['type', 'runId']);
      if (extra) return { ok: false, error: `showOutput: ${extra}` };
      if (!isText(x.runId)) return { ok: false, error: 'showOutput.runId is not a non-empty string' };
      return { ok: true, value: { type: 'showOutput', runId: x.runId } };
    }
    default:
      return { ok: false, error: `unknown type ${describe(x.type)}` };
  }
}
