import type { Run } from '../run/run';

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

  private unindex(run: Run): void {
    const runs = this.byName.get(run.spec.name);
    if (!runs?.delete(run) || runs.size > 0) return;
    this.byName.delete(run.spec.name);
  }
}
