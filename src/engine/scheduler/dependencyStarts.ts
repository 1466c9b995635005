import type { ProcessSpec } from '../../core/types';
import type { Run } from '../run/run';
import type { ProcessSnapshot } from '../run/snapshot';
import { needsNewRun } from './dependencyGate';

export interface DependencyStartsContext {
  spec: (name: string) => ProcessSpec | undefined;
  latestRun: (name: string) => Run | undefined;
  snapshot: (run: Run) => ProcessSnapshot;
  /** Makes and queues a new run of a spec's instance. */
  enqueueNew: (spec: ProcessSpec, instance: number) => void;
}

/** Starts each dependency that has no run on its way to the condition, and theirs in turn. */
export function startDependencies(ctx: DependencyStartsContext, spec: ProcessSpec, seen: Set<string>): void {
  // An explicit stack, not recursion: a chain thousands long must not overflow the call stack.
  // A dependency is queued once its own dependencies are, as a depth-first walk would.
  const stack: { spec: ProcessSpec; next: number; start: boolean }[] = [{ spec, next: 0, start: false }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next >= frame.spec.dependsOn.length) {
      stack.pop();
      const count = frame.spec.kind === 'service' ? Math.max(1, frame.spec.instances.initial) : 1;
      for (let i = 0; frame.start && i < count; i++) ctx.enqueueNew(frame.spec, i);
      continue;
    }
    const dep = frame.spec.dependsOn[frame.next++];
    const depSpec = ctx.spec(dep.name);
    if (!depSpec || seen.has(dep.name)) continue;
    seen.add(dep.name);
    const latest = ctx.latestRun(dep.name);
    if (needsNewRun(dep, depSpec.kind, latest && ctx.snapshot(latest))) stack.push({ spec: depSpec, next: 0, start: true });
  }
}
