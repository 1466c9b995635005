import { isFinal } from '../run/stateMachine';
import type { RunTable } from './runTable';
import type { Run } from '../run/run';

const ADHOC_KEY = '\u0000adhoc';

/** Ids of finished runs per definition (ad-hoc runs together), oldest first. */
export class FinishedHistory {
  private readonly finished = new Map<string, string[]>();

  constructor(private readonly runs: RunTable, private readonly keep: number) {}

  /** Keeps the last few finished runs of each definition; live runs are always kept. */
  add(finished: Run): void {
    const key = finished.adhoc ? ADHOC_KEY : finished.spec.name;
    let done = this.finished.get(key);
    if (!done) this.finished.set(key, (done = []));
    done.push(finished.id);
    // A finished run never starts again (a retry is a new run), so the oldest finished go first.
    while (done.length > this.keep) this.runs.delete(done.shift()!);
  }

  /**
   * Forgets finished runs (their rows and history) of one definition, of the typed command lines
   * (`{ adhoc: true }`), or of everything when no target is given. Live and queued runs stay.
   * Returns how many were forgotten.
   */
  clear(target?: string | { adhoc: true }): number {
    const matches = (run: Run) =>
      target === undefined || (typeof target === 'string' ? !run.adhoc && run.spec.name === target : run.adhoc);
    const gone = new Set<string>();
    for (const run of this.runs.values()) if (isFinal(run.state) && matches(run)) gone.add(run.id);
    for (const id of gone) this.runs.delete(id);
    for (const [key, ids] of this.finished) this.finished.set(key, ids.filter((id) => !gone.has(id)));
    return gone.size;
  }
}
