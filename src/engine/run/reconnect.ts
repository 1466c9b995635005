import type { ProcessSpec } from '../../core/types';
import type { ReclaimedRun } from '../../platform/launcher';
import type { RecordStore } from '../../platform/records';
import { recordSpec } from './adoption';
import type { Run } from './run';

export interface ReconnectOptions {
  store: RecordStore | undefined;
  spec: (name: string) => ProcessSpec | undefined;
  /** Where an unknown command line ran. */
  cwd: string;
  /** Makes and registers a run with this id (the one its processes carry) for a spec and replica. */
  newRun: (spec: ProcessSpec, id: string, instance: number) => Run;
}

/**
 * Gives back the runs a previous window left to the launcher helper (docs/sessions.md): the same
 * id, restart count and replica as recorded, their process claimed from the launcher (same pid,
 * its recent output replayed, its exit status when it ended meanwhile). A run kept by the helper
 * without a record of the same id and pid is not ours to show: the launcher stops it. The port
 * check before a start passes such a run (`Launcher.reclaims`): it holds its port itself.
 */
export function reconnectRuns(reclaimed: ReclaimedRun[], options: ReconnectOptions): Run[] {
  const records = new Map((options.store?.read() ?? []).map((r) => [r.runId, r]));
  const runs: Run[] = [];
  for (const kept of reclaimed) {
    const record = kept.runId === undefined ? undefined : records.get(kept.runId);
    if (!record || record.pid !== kept.pid) continue;
    const run = options.newRun(recordSpec(record, options.spec(record.name), options.cwd), record.runId, record.instance ?? 0);
    run.restarts = record.restarts ?? 0;
    // The attempt below counts again the one that is running.
    run.attempts = Math.max(0, (record.attempts ?? 1) - 1);
    const ended = kept.exit ? ' It ended while no window was open.' : '';
    run.system(`Reconnected after the window reloaded: ${record.commandLine} (pid ${kept.pid}); its recent output follows.${ended}`);
    run.startAttempt({ ready: record.ready === true });
    run.startedAt = record.recordedAt;
    runs.push(run);
  }
  return runs;
}
