/**
 * For each node that lies on a cycle of the graph, the shortest cycle through it, as the path
 * from the node back to itself (`[a, b, c, a]`). Nodes come in the order of `edges`.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const candidates = withoutAcyclicPart(edges);
  const found = new Map<string, string[]>();
  for (const node of edges.keys()) {
    if (!candidates.has(node) || found.has(node)) continue;
    const cycle = shortestCycleThrough(node, edges, candidates);
    if (cycle === undefined) continue;
    const members = cycle.slice(0, -1);
    // A ring with no way off it is the only cycle through each member: turn it instead of searching again.
    const isClosedRing = members.every((member) => (edges.get(member) ?? []).filter((next) => candidates.has(next)).length === 1);
    if (!isClosedRing) found.set(node, cycle);
    else members.forEach((member, i) => found.set(member, [...members.slice(i), ...members.slice(0, i), member]));
  }
  return new Map([...edges.keys()].flatMap((node) => (found.has(node) ? [[node, found.get(node)!]] : [])));
}

/**
 * Peels off, sink first, every node that cannot reach a cycle, so that the search for a cycle
 * runs only from nodes that are on one or lead to one.
 */
function withoutAcyclicPart(edges: ReadonlyMap<string, readonly string[]>): Set<string> {
  const outDegree = new Map<string, number>();
  const predecessors = new Map<string, string[]>();
  for (const [node, targets] of edges) {
    const inGraph = targets.filter((target) => edges.has(target));
    outDegree.set(node, inGraph.length);
    for (const target of inGraph) {
      const list = predecessors.get(target) ?? [];
      list.push(node);
      predecessors.set(target, list);
    }
  }
  const remaining = new Set(edges.keys());
  const sinks = [...remaining].filter((node) => outDegree.get(node) === 0);
  while (sinks.length > 0) {
    const sink = sinks.pop()!;
    remaining.delete(sink);
    for (const predecessor of predecessors.get(sink) ?? []) {
      const degree = outDegree.get(predecessor)! - 1;
      outDegree.set(predecessor, degree);
      if (degree === 0) sinks.push(predecessor);
    }
  }
  return remaining;
}

/** Breadth first, so the cycle reported is a shortest one. */
function shortestCycleThrough(start: string, edges: ReadonlyMap<string, readonly string[]>, allowed: ReadonlySet<string>): string[] | undefined {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const next of edges.get(node) ?? []) {
      if (next === start) return [...pathTo(node, start, cameFrom), start];
      if (!allowed.has(next) || cameFrom.has(next)) continue;
      cameFrom.set(next, node);
      queue.push(next);
    }
  }
  return undefined;
}

function pathTo(node: string, start: string, cameFrom: ReadonlyMap<string, string>): string[] {
  const path = [node];
  for (let at = node; at !== start; ) {
    at = cameFrom.get(at)!;
    path.push(at);
  }
  return path.reverse();
}
