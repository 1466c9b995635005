import type { ProcessEngine } from '../engine/engine';
import { saveHistory, takeHistory } from '../engine/monitor/carriedHistory';
import type { ProcessMonitor } from '../engine/monitor/monitor';
import { isFinal } from '../engine/run/stateMachine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import type { HelperLauncher, SessionFile } from '../platform/launcher';

/** A helper that does not answer within this is treated as gone: what still runs is adopted instead. */
const RECONNECT_TIMEOUT_MS = 3000;

export interface ReconnectHooks {
  /** Told of the runs taken back before their replayed output comes. */
  onRuns?: (runs: ProcessSnapshot[]) => void;
  /** Shows the user a run that could not be taken back. */
  warn?: (message: string) => void;
}

/**
 * Reconnects to the launcher helper a previous window of this workspace left running, and gives
 * the engine its runs back (docs/sessions.md). Resolves to them; to none when there was no such
 * helper, or it refused (a wrong or stale token, another window holds it) or did not answer:
 * that is logged, and the records' adoption path takes over.
 */
export async function reconnectSession(launcher: HelperLauncher, engine: ProcessEngine, session: SessionFile, hooks: ReconnectHooks = {}): Promise<ProcessSnapshot[]> {
  const info = session.read();
  if (!info) return [];
  const result = await launcher.reconnect(info, RECONNECT_TIMEOUT_MS);
  if (result.status !== 'welcome') {
    console.warn(`Dev Processes: the processes of the previous window could not be reconnected (${result.status}: ${result.reason}); adopting what still runs instead.`);
    session.remove();
    return [];
  }
  const runs = engine.reconnect(result.runs);
  hooks.onRuns?.(runs);
  launcher.dropUnclaimed(runs.map((run) => run.id));
  stopWhenNotClaimed(launcher, engine, runs, hooks.warn ?? ((message) => console.warn(message)));
  return runs;
}

/**
 * A run taken back claims its process when its start gets to the launch. A start that fails
 * before (its env file unreadable, a variable it needs gone) would leave that process running
 * unseen: once the run's first start is over without claiming it, it is stopped, and said so.
 */
function stopWhenNotClaimed(launcher: HelperLauncher, engine: ProcessEngine, runs: readonly ProcessSnapshot[], warn: (message: string) => void): void {
  const pending = new Set(runs.map((run) => run.id));
  if (pending.size === 0) return;
  const check = (id: string) => {
    const run = engine.get(id);
    if (!pending.has(id) || run?.state === 'starting') return;
    pending.delete(id);
    if (pending.size === 0) subscription.dispose();
    const pid = launcher.stopUnclaimed(id);
    if (pid === undefined) return;
    const why = run?.error?.message.replace(/\.$/, '') ?? 'its start was cancelled';
    warn(`Dev Processes: "${run?.name ?? id}" was not taken back after the reload (${why}); its process from before the reload (pid ${pid}) is stopped.`);
  };
  const subscription = engine.onDidChange((snapshot) => snapshot && check(snapshot.id));
  for (const run of runs) check(run.id);
}

/**
 * The metrics history of the runs kept over a reload: the window that leaves them writes it
 * (`save`), the next reads it once at activation and gives it to the runs it takes back.
 */
export function carriedHistory(file: string | undefined, engine: ProcessEngine, monitor: ProcessMonitor): { restore(): void; save(): void } {
  const carried = file ? takeHistory(file) : [];
  return {
    restore: () => monitor.restore(carried),
    save: () => {
      if (!file) return;
      const running = (runId: string) => {
        const state = engine.get(runId)?.state;
        return state !== undefined && !isFinal(state);
      };
      saveHistory(file, monitor.history().filter((h) => running(h.runId)));
    },
  };
}
