import { specDefaults } from '../../core/defaults';
import type { ProcessSpec } from '../../core/types';
import type { ProcessTable } from '../../platform/procfs';
import { provablyOurs, type ProcessRecord, type RecordStore } from '../../platform/records';
import type { Run } from './run';
import { isActive } from './stateMachine';

export interface SurvivorRecordsOptions {
  /** Where running processes are written down; none keeps no records. */
  store: RecordStore | undefined;
  table: ProcessTable;
  runs: () => Iterable<Run>;
  now: () => number;
}

/** The definition of a recorded run: the current one of its name, else its command line as the user's own. */
export function recordSpec(record: ProcessRecord, current: ProcessSpec | undefined, cwd: string): ProcessSpec {
  return current ?? {
    ...specDefaults(record.kind), name: record.name, kind: record.kind, command: record.commandLine, args: [], cwd, env: {}, shell: true, autoStart: false,
  };
}

/** Writes down the live processes, and adopts those a previous window wrote down. */
export class SurvivorRecords {
  /** A write waits for the start time of a new process (a table read through ps). */
  private deferred = false;

  constructor(private readonly options: SurvivorRecordsOptions) {}

  /**
   * Finds processes a previous window recorded that still run and are provably ours (same pid
   * and start time, our uid, our run marker) and takes them over: they show, are monitored and
   * can be stopped like our own. A record that fails any check names a stranger: left alone.
   * `newRun` makes and registers a run for a spec; `cwd` is where an unknown command line ran.
   */
  adopt<T>(spec: (name: string) => ProcessSpec | undefined, cwd: string, newRun: (spec: ProcessSpec) => Run, snapshot: (run: Run) => T): T[] {
    const runs = [...this.options.runs()];
    // A run a reconnected window took back has its pid only once the helper's report is read.
    const known = new Set<number | string | null>([...runs.map((r) => r.pid), ...runs.map((r) => r.id)]);
    const adopted: T[] = [];
    const records = this.options.store?.read() ?? [];
    for (const record of records) {
      if (known.has(record.pid) || known.has(record.runId) || !provablyOurs(this.options.table, record)) continue;
      const run = newRun(recordSpec(record, spec(record.name), cwd));
      run.adopt(record);
      known.add(record.pid);
      adopted.push(snapshot(run));
    }
    // Nothing written down and nothing running: a plain activation does no file writes.
    if (records.length > 0 || runs.length > 0) this.write();
    return adopted;
  }

  /** Writes down every live process; what is not confirmed gone stays for the next window. */
  write(): void {
    const store = this.options.store;
    if (!store) return;
    const { table } = this.options;
    // A table read through ps learns a new process's start time off the thread first: a start is no place to block.
    const unknown = table.prefetch ? [...this.options.runs()].filter((r) => isActive(r.state) && r.pid !== null && r.startTime === undefined) : [];
    if (unknown.length > 0) {
      this.deferred = true;
      void table.prefetch!(unknown.map((r) => r.pid!)).then(() => this.writeNow(store));
      return;
    }
    this.writeNow(store);
  }

  /**
   * A write that waits for a start time to be read does it now, blocking. A window about to go
   * would not live to see a read it did not wait for.
   */
  flush(): void {
    if (this.deferred && this.options.store) this.writeNow(this.options.store);
  }

  private writeNow(store: RecordStore): void {
    this.deferred = false;
    const records: ProcessRecord[] = [];
    for (const run of this.options.runs()) {
      if (!isActive(run.state) || run.pid === null) continue;
      run.startTime ??= this.options.table.stat(run.pid)?.startTime;
      if (run.startTime === undefined) continue;
      records.push({
        runId: run.adoptedFrom?.runId ?? run.id, name: run.spec.name, pid: run.pid, pgid: run.pid, startTime: run.startTime,
        commandLine: run.commandLine, kind: run.spec.kind, recordedAt: run.startedAt ?? this.options.now(),
        restarts: run.restarts, attempts: run.attempts, instance: run.instance,
        ...(run.spec.healthCheck?.readiness && run.ready ? { ready: true } : {}),
      });
    }
    store.write(records);
  }
}
