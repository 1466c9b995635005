import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isGone, type ProcessTable } from './procfs';
import { environHas, processUid } from './processes';

/** What is written down about each running process, so a later window can find it again. */
export interface ProcessRecord {
  /** The run id its processes carry in their environment (`DEVPROC_RUN=<runId>`). */
  runId: string;
  name: string;
  pid: number;
  /** The process group we created for it (pgid = pid). */
  pgid: number;
  /** Clock ticks since boot from /proc (since the epoch from ps): a pid reused by another process has another start time. */
  startTime: number;
  commandLine: string;
  kind: 'service' | 'job';
  recordedAt: number;
  /** Automatic restarts and attempts so far, and the replica: what a reconnecting window restores. */
  restarts?: number;
  attempts?: number;
  instance?: number;
  /** Its readiness probe had passed: a window that takes the process back does not wait for it again. */
  ready?: boolean;
}

/** Where records live; the extension keeps them in the workspace's storage folder. */
export interface RecordStore {
  read(): ProcessRecord[];
  write(records: ProcessRecord[]): void;
}

// Never through a symlink someone planted at the path; a fresh file is ours alone.
const READ_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW;
const CREATE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

/**
 * A JSON file, written synchronously so a crash right after a start still leaves its record.
 * Written with mode 0600 through a temporary file of a fresh random name, then renamed over.
 */
export class FileRecordStore implements RecordStore {
  constructor(private readonly file: string) {}

  read(): ProcessRecord[] {
    const text = readPrivateFile(this.file);
    if (text === undefined) return [];
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
    } catch {
      return [];
    }
  }

  write(records: ProcessRecord[]): void {
    writePrivateFile(this.file, JSON.stringify(records), 'the process records');
  }
}

/**
 * Writes a file only we can read (mode 0600) through a temporary file of a fresh random name,
 * then renamed over; a failure is logged, naming `what`.
 */
export function writePrivateFile(file: string, text: string, what: string): void {
  const tmp = `${file}.${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(tmp, CREATE_FLAGS, 0o600);
    try {
      fs.writeFileSync(fd, text);
    } finally {
      fs.closeSync(fd);
    }
    // rename replaces whatever is at the path (a symlink included) without following it.
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    console.error(`Dev Processes: could not write ${what}`, err);
  }
}

/** The text of a file, never read through a symlink; undefined when there is none to read. */
export function readPrivateFile(file: string): string | undefined {
  try {
    const fd = fs.openSync(file, READ_FLAGS);
    try {
      return fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Run ids are short printable tokens (see the engine's `newRunId`). */
const RUN_ID = /^[\w-]{1,128}$/;
/** Linux pids are at most 2^22. */
const MAX_PID = 4_194_304;
const MAX_TEXT = 64 * 1024;

function isText(value: unknown, max = MAX_TEXT): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Every field is checked: the file is input like any other, whoever wrote it. */
export function isRecord(value: unknown): value is ProcessRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<keyof ProcessRecord, unknown>;
  return (
    typeof r.runId === 'string' && RUN_ID.test(r.runId) &&
    isText(r.name, 1024) && !/[\u0000-\u001f\u007f]/.test(r.name) &&
    Number.isInteger(r.pid) && (r.pid as number) > 1 && (r.pid as number) <= MAX_PID &&
    r.pgid === r.pid &&
    isCount(r.startTime) &&
    isText(r.commandLine) &&
    (r.kind === 'service' || r.kind === 'job') &&
    isCount(r.recordedAt) &&
    (r.ready === undefined || typeof r.ready === 'boolean') &&
    [r.restarts, r.attempts, r.instance].every((n) => n === undefined || isCount(n))
  );
}

/** True when the recorded process is still the very process we started (not a reused pid). */
export function stillRunning(table: ProcessTable, record: ProcessRecord): boolean {
  if (isGone(table, record.pid)) return false;
  return table.stat(record.pid)?.startTime === record.startTime;
}

/** The variable every process of a run inherits: it finds them after they left our tree. */
export const RUN_MARKER = 'DEVPROC_RUN';

export function runMarker(runId: string): string {
  return `${RUN_MARKER}=${runId}`;
}

/**
 * The recorded process is provably one we started: the same pid and start time, our uid, and
 * our run marker with the record's run id in its environment. Anything less is a stranger.
 */
export function provablyOurs(table: ProcessTable, record: ProcessRecord, uid = process.getuid?.()): boolean {
  if (!stillRunning(table, record)) return false;
  if (uid === undefined || processUid(record.pid) !== uid) return false;
  // Read after the uid: a process that changed hands in between fails the start-time check below.
  return environHas(record.pid, runMarker(record.runId)) && stillRunning(table, record);
}
