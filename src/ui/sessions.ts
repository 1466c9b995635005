import type { ProcessEngine } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import type { HelperLauncher, SessionFile } from '../platform/launcher';

/** A helper that does not answer within this is treated as gone: what still runs is adopted instead. */
const RECONNECT_TIMEOUT_MS = 3000;

/**
 * Reconnects to the launcher helper a previous window of this workspace left running, and gives
 * the engine its runs back (docs/sessions.md). Resolves to them; to none when there was no such
 * helper, or it refused (a wrong or stale token, another window holds it) or did not answer:
 * that is logged, and the records' adoption path takes over.
 */
export async function reconnectSession(
  launcher: HelperLauncher,
  engine: ProcessEngine,
  session: SessionFile,
  /** Told of the runs taken back before their replayed output comes. */
  onRuns: (runs: ProcessSnapshot[]) => void = () => undefined,
): Promise<ProcessSnapshot[]> {
  const info = session.read();
  if (!info) return [];
  const result = await launcher.reconnect(info, RECONNECT_TIMEOUT_MS);
  if (result.status !== 'welcome') {
    console.warn(`Dev Processes: the processes of the previous window could not be reconnected (${result.status}: ${result.reason}); adopting what still runs instead.`);
    session.remove();
    return [];
  }
  const runs = engine.reconnect(result.runs);
  onRuns(runs);
  launcher.dropUnclaimed(runs.map((run) => run.id));
  return runs;
}
