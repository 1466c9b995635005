import type { ProcessSnapshot } from '../run/snapshot';
import { isFinal } from '../run/stateMachine';
import type { WatchHost, WatchTimings } from './watchTypes';

type ReadyTimings = Pick<WatchTimings, 'readyTimeoutMs' | 'settleMs'>;

/** What the tree and the output say when a new process did not become ready. */
export const KEPT_PREVIOUS = 'kept the previous process: the new one did not become ready';

/** One run replaced: the run that serves now, and whether it is the previous process (or its command). */
export interface Replaced {
  id: string;
  kept: boolean;
}

/** The live, not stopping, runs of a definition. */
export function liveRuns(host: Pick<WatchHost, 'list'>, name: string): ProcessSnapshot[] {
  return host.list().filter((r) => r.name === name && !r.adhoc && !isFinal(r.state) && r.state !== 'stopping');
}

/**
 * Resolves true once the run is ready (running, and its readiness probe passed; without a probe,
 * running for `settleMs`), false when it ends, waits to restart, fails its readiness probe or
 * takes longer than `readyTimeoutMs`.
 */
export function whenReady(host: Pick<WatchHost, 'get' | 'onDidChange' | 'now'>, id: string, timings: ReadyTimings): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    let settle: NodeJS.Timeout | undefined;
    const finish = (ready: boolean) => {
      if (settled) return;
      settled = true;
      subscription.dispose();
      clearTimeout(timer);
      clearTimeout(settle);
      resolve(ready);
    };
    const check = () => {
      const run = host.get(id);
      if (!run || isFinal(run.state) || run.state === 'backoff' || run.health?.readiness === 'failing') return finish(false);
      if (!run.ready) return;
      const probed = run.health !== null && run.health.readiness !== 'none';
      const left = probed ? 0 : (run.startedAt ?? host.now()) + timings.settleMs - host.now();
      if (left <= 0) return finish(true);
      clearTimeout(settle);
      settle = setTimeout(check, left).unref();
    };
    const subscription = host.onDidChange((snapshot) => (snapshot === undefined || snapshot.id === id) && check());
    const timer = setTimeout(() => finish(false), timings.readyTimeoutMs).unref();
    check();
  });
}

/** Runs the build job to its end; the reason when it did not complete. */
export async function runBuild(host: WatchHost, build: string): Promise<string | undefined> {
  let id: string;
  try {
    id = await host.spawn(build);
  } catch (err) {
    return (err as Error).message;
  }
  await host.whenDone(id);
  const run = host.get(id);
  if (run?.state === 'completed') return undefined;
  return run?.error?.message ?? `"${build}" did not complete`;
}

/**
 * Stop, then start; when `checkReady` and the new process does not become ready, it is stopped
 * and the previous command starts again.
 */
export async function replaceInPlace(host: WatchHost, old: ProcessSnapshot, checkReady: boolean, timings: ReadyTimings): Promise<Replaced> {
  const previous = host.specOf(old.id);
  const id = await host.restart(old.id);
  if (!checkReady || previous === undefined || (await whenReady(host, id, timings))) return { id, kept: false };
  await host.kill(id);
  return { id: host.startInstance(previous, old.instance), kept: true };
}

/**
 * Starts the new process beside the old one (as another instance), and stops the old one once
 * the new one is ready; otherwise stops the new one and the old one keeps serving.
 */
export async function replaceBeside(host: WatchHost, old: ProcessSnapshot, timings: ReadyTimings): Promise<Replaced> {
  const spec = host.definition(old.name);
  if (spec === undefined) return { id: old.id, kept: true };
  const used = new Set(host.list().filter((r) => r.name === old.name && !isFinal(r.state)).map((r) => r.instance));
  let instance = 0;
  while (used.has(instance)) instance++;
  const id = host.startInstance(spec, instance);
  if (await whenReady(host, id, timings)) {
    await host.kill(old.id);
    return { id, kept: false };
  }
  await host.kill(id);
  return { id: old.id, kept: true };
}

/**
 * Restarts the live definitions that depend on `name`, each once what it depends on is ready
 * again, and then theirs in turn.
 */
export async function restartDependents(host: WatchHost, name: string, reason: string, timings: ReadyTimings, seen = new Set([name])): Promise<void> {
  const dependents = host.definitions().filter((d) => !seen.has(d.name) && d.dependsOn.some((dep) => dep.name === name));
  for (const dependent of dependents) {
    seen.add(dependent.name);
    const runs = liveRuns(host, dependent.name);
    if (runs.length === 0) continue;
    for (const run of runs) host.system(run.id, `restarting: "${name}" restarted (${reason})`);
    const ids = await Promise.all(runs.map((run) => host.restart(run.id)));
    await Promise.all(ids.map((id) => whenReady(host, id, timings)));
    await restartDependents(host, dependent.name, reason, timings, seen);
  }
}
