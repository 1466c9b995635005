import type { ProcessSpec } from '../../core/types';

/**
 * How deep each named definition sits in the dependency graph: 0 for one that depends on
 * nothing, else one more than its deepest dependency, counting definitions outside `names` too.
 * A dependency always has a lower level than its dependent, so ascending levels are a start
 * order and descending ones a stop order.
 */
export function dependencyLevels(names: Iterable<string>, spec: (name: string) => ProcessSpec | undefined): Map<string, number> {
  const levels = new Map<string, number>();
  const onPath = new Set<string>();
  for (const root of names) {
    if (levels.has(root)) continue;
    // An explicit stack, not recursion: a long chain must not overflow the call stack.
    const stack = [{ name: root, next: 0 }];
    onPath.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const deps = spec(top.name)?.dependsOn ?? [];
      if (top.next < deps.length) {
        const dep = deps[top.next++].name;
        // A cycle is refused when settings are read; onPath keeps a hand-made one from looping here.
        if (!levels.has(dep) && !onPath.has(dep) && spec(dep)) {
          onPath.add(dep);
          stack.push({ name: dep, next: 0 });
        }
        continue;
      }
      levels.set(top.name, deps.reduce((level, d) => Math.max(level, (levels.get(d.name) ?? -1) + 1), 0));
      onPath.delete(top.name);
      stack.pop();
    }
  }
  return levels;
}

/** `names` with dependencies before their dependents, settings order kept otherwise. */
export function startOrder(names: readonly string[], spec: (name: string) => ProcessSpec | undefined): string[] {
  const levels = dependencyLevels(names, spec);
  return [...names].sort((a, b) => (levels.get(a) ?? 0) - (levels.get(b) ?? 0));
}
