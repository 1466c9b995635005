import { ProcessError } from '../../core/errors';
import type { RunTarget } from '../engineTypes';
import type { Run } from '../run/run';
import { isFinal } from '../run/stateMachine';

/**
 * The engine's runs by id, with an index of each definition's runs by name kept as runs come and
 * go, so finding a definition's runs never scans every run (a long dependsOn chain asks once per
 * link). Ad-hoc command lines belong to no definition and are not indexed.
 */
export class RunTable extends Map<string, Run> {
  private readonly byName = new Map<string, Set<Run>>();

  override set(id: string, run: Run): this {
    const old = super.get(id);
    if (old !== undefined) this.unindex(old);
    super.set(id, run);
    if (!run.adhoc) {
      let runs = this.byName.get(run.spec.name);
      if (!runs) this.byName.set(run.spec.name, (runs = new Set()));
      runs.add(run);
    }
    return this;
  }

  override delete(id: string): boolean {
    const run = super.get(id);
    if (run === undefined) return false;
    this.unindex(run);
    return super.delete(id);
  }

  override clear(): void {
    this.byName.clear();
    super.clear();
  }

  /** A definition's runs, oldest first. */
  ofName(name: string): Run[] {
    const runs = this.byName.get(name);
    return runs ? [...runs] : [];
  }

  /** A run by id, or a definition's latest live run (else its latest run) by name. */
  find(target: RunTarget): Run | undefined {
    const key = typeof target === 'string' ? target : target.id;
    const byId = this.get(key);
    if (byId) return byId;
    const ofName = this.ofName(key);
    return ofName.filter((r) => !isFinal(r.state)).at(-1) ?? ofName.at(-1);
  }

  /** As `find`, but a target that names nothing is an error. */
  require(target: RunTarget): Run {
    const run = this.find(target);
    if (!run) {
      const key = typeof target === 'string' ? target : target.id;
      throw new ProcessError('not-found', `There is no process or definition "${key}".`);
    }
    return run;
  }

  private unindex(run: Run): void {
    const runs = this.byName.get(run.spec.name);
    if (!runs?.delete(run) || runs.size > 0) return;
    this.byName.delete(run.spec.name);
  }
}
