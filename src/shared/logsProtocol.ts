// The messages between the "All Processes" log panel (extension host) and its webview
// (media/logs). Both sides validate what they receive: process output is hostile text, and a
// bug on either side must not turn into an exception loop. Only shared imports: this file is
// bundled into the webview as well.
import { SYSTEM } from './logLines';
import { describe, isObject, onlyKeys, typeOnly, type Obj, type Parsed } from './validate';

/** A run whose lines the view shows: the prefix, its colour and where a click on it leads. */
export interface LogSource {
  /** The number lines refer to (`src`). */
  key: number;
  runId: string;
  /** The definition's name, or the command line of an ad-hoc run: what the process filter lists. */
  name: string;
  /** The prefix shown: the name, `name#1` for a replica, a shortened command line. */
  label: string;
  /** Index into the view's palette: one colour per definition. */
  color: number;
}

/** Lines in columns: entry i of every array is line i, oldest first. */
export interface LineColumns {
  at: number[];
  src: number[];
  stream: number[];
  text: string[];
  /** Formatted timestamps ('' each when timestamps are off). */
  ts: string[];
}

/** Extension -> webview. */
export type HostMessage =
  | {
      /** Forget every line and source: a snapshot follows as `lines` messages. */
      type: 'reset';
      /** The most lines the view keeps (it says so once it drops some). */
      maxLines: number;
      /** Whether lines carry a timestamp (`devProcesses.output.timestamps` is not "none"). */
      timestamps: boolean;
    }
  | ({
      /** More lines, each inserted at its place in time; the view answers with `ack`. */
      type: 'lines';
      /** Counts up per message: the acknowledgement names it. */
      batch: number;
      /** Sources first referred to in this message. */
      sources: LogSource[];
      /** Lines the host no longer keeps or never sent (oldest dropped, a flood cut), in total. */
      dropped: number;
    } & LineColumns);

/** Webview -> extension. */
export type ViewMessage =
  | {
      /** The script has loaded (first time, or again after the panel was hidden and shown). */
      type: 'ready';
    }
  | {
      /** A `lines` message has been applied: the host may send the next one. */
      type: 'ack';
      batch: number;
    }
  | {
      /** The user clicked a line's prefix: show that run. */
      type: 'showRun';
      runId: string;
    };

/** Upper bounds that keep a hostile or broken message from costing much. */
export const LOG_LIMITS = {
  /** Lines in one message. */
  lines: 20_000,
  /** Characters of one line: the line splitter cuts at 64 KB, with room to spare. */
  lineChars: 70_000,
  /** Sources in one message. */
  sources: 5_000,
  /** Characters of an id, name, label or timestamp. */
  text: 1000,
  /** Palette entries. */
  colors: 64,
} as const;

const isText = (x: unknown, max: number = LOG_LIMITS.text): x is string => typeof x === 'string' && x.length <= max;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function checkSource(x: unknown, where: string): string | undefined {
  if (!isObject(x)) return `${where} is not an object`;
  const extra = onlyKeys(x, ['key', 'runId', 'name', 'label', 'color']);
  if (extra) return `${where}: ${extra}`;
  if (!isCount(x.key)) return `${where}.key is not a whole number`;
  if (!isText(x.runId) || x.runId === '') return `${where}.runId is not a non-empty string`;
  if (!isText(x.name)) return `${where}.name is not a string`;
  if (!isText(x.label)) return `${where}.label is not a string`;
  if (!isCount(x.color) || x.color >= LOG_LIMITS.colors) return `${where}.color is not a palette index`;
  return undefined;
}

function checkColumns(x: Obj): string | undefined {
  const columns = ['at', 'src', 'stream', 'text', 'ts'] as const;
  for (const c of columns) if (!Array.isArray(x[c])) return `lines.${c} is not an array`;
  const n = (x.at as unknown[]).length;
  if (n > LOG_LIMITS.lines) return `lines has ${n} lines (at most ${LOG_LIMITS.lines})`;
  for (const c of columns) if ((x[c] as unknown[]).length !== n) return `lines.${c} differs in length from lines.at`;
  const [at, src, stream, text, ts] = columns.map((c) => x[c] as unknown[]);
  for (let i = 0; i < n; i++) {
    const t = at[i];
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) return `lines.at[${i}] is not a time`;
    if (!isCount(src[i])) return `lines.src[${i}] is not a source key`;
    const s = stream[i];
    if (!isCount(s) || s > SYSTEM) return `lines.stream[${i}] is not a stream`;
    if (!isText(text[i], LOG_LIMITS.lineChars)) return `lines.text[${i}] is not a string of at most ${LOG_LIMITS.lineChars} characters`;
    if (!isText(ts[i])) return `lines.ts[${i}] is not a short string`;
  }
  return undefined;
}

/** Validates a message for the webview. */
export function parseHostMessage(x: unknown): Parsed<HostMessage> {
  if (!isObject(x)) return { ok: false, error: 'not an object' };
  if (x.type === 'reset') {
    const extra = onlyKeys(x, ['type', 'maxLines', 'timestamps']);
    if (extra) return { ok: false, error: `reset: ${extra}` };
    if (!isCount(x.maxLines) || x.maxLines === 0) return { ok: false, error: 'reset.maxLines is not a positive whole number' };
    if (typeof x.timestamps !== 'boolean') return { ok: false, error: 'reset.timestamps is not a boolean' };
    return { ok: true, value: x as unknown as HostMessage };
  }
  if (x.type !== 'lines') return { ok: false, error: `unknown type ${describe(x.type)}` };
  const extra = onlyKeys(x, ['type', 'batch', 'sources', 'dropped', 'at', 'src', 'stream', 'text', 'ts']);
  if (extra) return { ok: false, error: `lines: ${extra}` };
  if (!isCount(x.batch)) return { ok: false, error: 'lines.batch is not a whole number' };
  if (!isCount(x.dropped)) return { ok: false, error: 'lines.dropped is not a whole number' };
  if (!Array.isArray(x.sources)) return { ok: false, error: 'lines.sources is not an array' };
  if (x.sources.length > LOG_LIMITS.sources) return { ok: false, error: `lines.sources has ${x.sources.length} entries (at most ${LOG_LIMITS.sources})` };
  for (let i = 0; i < x.sources.length; i++) {
    const bad = checkSource(x.sources[i], `lines.sources[${i}]`);
    if (bad) return { ok: false, error: bad };
  }
  const bad = checkColumns(x);
  return bad ? { ok: false, error: bad } : { ok: true, value: x as unknown as HostMessage };
}

/** Validates a message from the webview. */
export function parseViewMessage(x: unknown): Parsed<ViewMessage> {
  if (!isObject(x)) return { ok: false, error: 'not an object' };
  switch (x.type) {
    case 'ready':
      return typeOnly(x, 'ready');
    case 'ack': {
      const extra = onlyKeys(x, ['type', 'batch']);
      if (extra) return { ok: false, error: `ack: ${extra}` };
      if (!isCount(x.batch)) return { ok: false, error: 'ack.batch is not a whole number' };
      return { ok: true, value: { type: 'ack', batch: x.batch } };
    }
    case 'showRun': {
      const extra = onlyKeys(x, ['type', 'runId']);
      if (extra) return { ok: false, error: `showRun: ${extra}` };
      if (!isText(x.runId) || x.runId === '') return { ok: false, error: 'showRun.runId is not a non-empty string' };
      return { ok: true, value: { type: 'showRun', runId: x.runId } };
    }
    default:
      return { ok: false, error: `unknown type ${describe(x.type)}` };
  }
}
