import * as fs from 'node:fs';
import * as path from 'node:path';
import { isGone, type ProcessTable } from './procfs';

/** What is written down about each running process, so a later window can find it again. */
export interface ProcessRecord {
  runId: string;
  name: string;
  pid: number;
  /** The process group we created for it (pgid = pid). */
  pgid: number;
  /** Clock ticks since boot from /proc: a pid reused by another process has another start time. */
  startTime: number;
  commandLine: string;
  kind: 'service' | 'job';
  recordedAt: number;
}

/** Where records live; the extension keeps them in the workspace's storage folder. */
export interface RecordStore {
  read(): ProcessRecord[];
  write(records: ProcessRecord[]): void;
}

/** A JSON file, written synchronously so a crash right after a start still leaves its record. */
export class FileRecordStore implements RecordStore {
  constructor(private readonly file: string) {}

  read(): ProcessRecord[] {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
    } catch {
      return [];
    }
  }

  write(records: ProcessRecord[]): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(records));
      fs.renameSync(tmp, this.file);
    } catch (err) {
      console.error('Dev Processes: could not write the process records', err);
    }
  }
}

function isRecord(value: unknown): value is ProcessRecord {
  const r = value as ProcessRecord;
  return (
    typeof r === 'object' && r !== null &&
    Number.isInteger(r.pid) && r.pid > 1 && Number.isInteger(r.pgid) &&
    typeof r.startTime === 'number' && typeof r.name === 'string' && typeof r.runId === 'string'
  );
}

/** True when the recorded process is still the very process we started (not a reused pid). */
export function stillRunning(table: ProcessTable, record: ProcessRecord): boolean {
  if (isGone(table, record.pid)) return false;
  return table.stat(record.pid)?.startTime === record.startTime;
}
