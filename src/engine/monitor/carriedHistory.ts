import * as fs from 'node:fs';
import { readPrivateFile, writePrivateFile } from '../../platform/records';
import type { RunHistory, RunSample } from './types';

/**
 * The metrics history of the runs a window leaves to the launcher helper on a reload, written
 * by that window and read once by the next, which takes the runs back (docs/sessions.md). A
 * sample is stored as a row of numbers in this order.
 */
const FIELDS = ['at', 'cpuPercent', 'rssBytes', 'openFiles', 'threads', 'processes', 'linesPerSecond', 'stderrPerMinute', 'idleMs', 'responseMs'] as const;

/** The file is ours, but it sits in a folder others can write to: a huge one is not read. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_RUNS = 1000;
const MAX_SAMPLES = 10_000;
const RUN_ID = /^[\w-]{1,128}$/;

type Row = (number | null)[];

export function saveHistory(file: string, histories: readonly RunHistory[]): void {
  const runs = histories.map(({ runId, name, samples }) => ({ runId, name, rows: samples.map((s) => FIELDS.map((f) => s[f])) }));
  writePrivateFile(file, JSON.stringify({ fields: FIELDS, runs }), 'the metrics history');
}

/** Reads what a previous window left and removes the file; nothing when there is none or it is not ours. */
export function takeHistory(file: string): RunHistory[] {
  let text: string | undefined;
  try {
    text = fs.lstatSync(file).size <= MAX_FILE_BYTES ? readPrivateFile(file) : undefined;
    fs.rmSync(file, { force: true });
  } catch {
    return [];
  }
  try {
    return text === undefined ? [] : decode(JSON.parse(text));
  } catch {
    return [];
  }
}

function decode(value: unknown): RunHistory[] {
  const file = value as { fields?: unknown; runs?: unknown };
  if (JSON.stringify(file?.fields) !== JSON.stringify(FIELDS) || !Array.isArray(file.runs)) return [];
  const out: RunHistory[] = [];
  for (const run of file.runs.slice(0, MAX_RUNS) as { runId?: unknown; name?: unknown; rows?: unknown }[]) {
    if (typeof run?.runId !== 'string' || !RUN_ID.test(run.runId) || typeof run.name !== 'string' || run.name.length > 1024 || !Array.isArray(run.rows)) continue;
    const samples: RunSample[] = [];
    for (const row of run.rows.slice(-MAX_SAMPLES)) {
      const sample = toSample(row, run.runId, run.name);
      if (sample) samples.push(sample);
    }
    out.push({ runId: run.runId, name: run.name, samples });
  }
  return out;
}

function toSample(row: unknown, runId: string, name: string): RunSample | undefined {
  if (!Array.isArray(row) || row.length !== FIELDS.length) return undefined;
  const values = row as Row;
  const ok = values.every((v, i) => (typeof v === 'number' && Number.isFinite(v) && v >= 0) || (v === null && FIELDS[i] === 'responseMs'));
  if (!ok) return undefined;
  const sample = { runId, name } as Record<string, unknown>;
  FIELDS.forEach((field, i) => (sample[field] = values[i]));
  return sample as unknown as RunSample;
}
