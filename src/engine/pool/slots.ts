import * as os from 'node:os';
import type { Run } from '../run/run';
import { isActive } from '../run/stateMachine';

/** Job attempts hold a slot; services, replicas and ad-hoc command lines do not. */
export function holdsSlot(run: Pick<Run, 'spec' | 'adhoc'>): boolean {
  return run.spec.kind === 'job' && !run.adhoc;
}

/**
 * The `maxConcurrent` slots of running job attempts, and which runs hold them: kept in step as
 * runs change state, so a count never needs a scan of every run.
 */
export class SlotPool {
  private readonly holders = new Set<string>();

  public maxConcurrent: number;

  /** Without a limit: the number of cores, at least 2. */
  constructor(maxConcurrent?: number) {
    this.maxConcurrent = maxConcurrent ?? Math.max(2, os.availableParallelism?.() ?? os.cpus().length);
  }

  /** Takes or gives back the run's slot, as its new state says. */
  update(run: Pick<Run, 'id' | 'spec' | 'adhoc' | 'state'>): void {
    if (holdsSlot(run) && isActive(run.state)) this.holders.add(run.id);
    else this.holders.delete(run.id);
  }

  get used(): number {
    return this.holders.size;
  }

  /** Slots free now; negative when the limit was lowered below what already runs. */
  get free(): number {
    return this.maxConcurrent - this.holders.size;
  }
}
