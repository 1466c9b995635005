import type { ProcessSpec } from '../core/types';
import type { ProcessSnapshot } from './run/snapshot';
import { isFinal } from './run/stateMachine';
import { dependencyLevels, startOrder } from './scheduler/startOrder';

/** What starting and stopping several definitions at once needs of the engine. */
export interface ManyTarget {
  definition(name: string): ProcessSpec | undefined;
  spawn(name: string): Promise<string>;
  kill(id: string): Promise<void>;
  list(): ProcessSnapshot[];
}

/**
 * Starts definitions, each dependency before its dependents, and resolves to their run ids in
 * that order once every run exists. The engine holds a dependent back until its dependencies
 * are ready; starting them first keeps a dependent's start from running a job dependency that
 * is a member too a second time. A definition that cannot start does not keep the others from
 * starting; the first such error is thrown once all were tried.
 */
export async function startMany(engine: ManyTarget, names: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  const failures: unknown[] = [];
  for (const name of startOrder(names, (n) => engine.definition(n))) {
    try {
      ids.push(await engine.spawn(name));
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
  return ids;
}

/** Stops every run of the named definitions that has not ended, dependents before their dependencies; resolves once all their processes are gone. */
export async function stopMany(engine: ManyTarget, names: readonly string[]): Promise<void> {
  const wanted = new Set(names);
  const runs = engine.list().filter((r) => !r.adhoc && wanted.has(r.name) && !isFinal(r.state));
  const levels = dependencyLevels(wanted, (n) => engine.definition(n));
  const levelOf = (run: ProcessSnapshot) => levels.get(run.name) ?? 0;
  const order = [...new Set(runs.map(levelOf))].sort((a, b) => b - a);
  for (const level of order) await Promise.all(runs.filter((r) => levelOf(r) === level).map((r) => engine.kill(r.id)));
}
