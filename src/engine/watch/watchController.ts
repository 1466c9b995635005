import type { Disposable } from '../../core/events';
import type { ProcessSpec, WatchSpec } from '../../core/types';
import type { ProcessSnapshot } from '../run/snapshot';
import { LoopGuard } from './loopGuard';
import { KEPT_PREVIOUS, liveRuns, replaceBeside, replaceInPlace, restartDependents, runBuild, whenReady, type Replaced } from './watchActions';
import { WatchFilter } from './watchFilter';
import type { FileWatcherFactory, WatchHost, WatchState, WatchStatus, WatchTimings } from './watchTypes';

export const DEFAULT_WATCH_TIMINGS: WatchTimings = { loopWindowMs: 2000, loopRestarts: 3, readyTimeoutMs: 60_000, settleMs: 1000 };

/** One watched service. */
interface Watched {
  spec: ProcessSpec & { watch: WatchSpec };
  /** Its cwd and `watch` as JSON: a new key is a new watch. */
  key: string;
  filter: WatchFilter | undefined;
  handle: Disposable | undefined;
  /** A watcher is being made or held: made once even if its factory calls back at once. */
  watching: boolean;
  state: WatchState;
  /** Changed files not acted on yet, in the order they came. */
  pending: Set<string>;
  firstAt: number;
  timer: NodeJS.Timeout | undefined;
  /** A build or restart is under way: changes wait for it. */
  busy: boolean;
  guard: LoopGuard;
}

/**
 * Restarts watched services when their files change: watches a service while it runs, debounces
 * per definition, then builds (`watch.build`), restarts (in place, or beside with
 * `watch.overlap`) and keeps the previous process when the new one fails, and pauses a service
 * that keeps changing its own watched files.
 */
export class WatchController implements Disposable {
  private readonly watched = new Map<string, Watched>();
  private readonly subscription: Disposable;
  private disposed = false;

  constructor(
    private readonly host: WatchHost,
    private readonly factory: FileWatcherFactory | undefined,
    private readonly timings: WatchTimings = DEFAULT_WATCH_TIMINGS,
  ) {
    this.subscription = host.onDidChange((snapshot) => this.follow(snapshot));
  }

  /** Takes the new definitions: a changed `watch` (or cwd) starts its watch afresh. */
  setDefinitions(specs: readonly ProcessSpec[]): void {
    const seen = new Set<string>();
    for (const spec of specs) {
      if (!spec.watch || spec.kind !== 'service') continue;
      seen.add(spec.name);
      const key = JSON.stringify([spec.cwd, spec.watch]);
      const known = this.watched.get(spec.name);
      if (known?.key === key) {
        known.spec = spec as Watched['spec'];
        continue;
      }
      if (known) this.forget(known);
      this.watched.set(spec.name, newWatched(spec as Watched['spec'], key, this.timings));
    }
    for (const entry of [...this.watched.values()]) if (!seen.has(entry.spec.name)) this.forget(entry);
    this.follow(undefined);
  }

  /** The watch state of a definition; null when it has no `watch`. */
  stateOf(name: string): WatchState | null {
    const entry = this.watched.get(name);
    return entry ? { ...entry.state, unmatched: [...entry.state.unmatched] } : null;
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
    for (const entry of [...this.watched.values()]) this.forget(entry);
  }

  /** Watches a service while it has a live run (or an action of ours is under way), and only then. */
  private follow(snapshot: ProcessSnapshot | undefined): void {
    if (this.disposed) return;
    const entries = snapshot === undefined ? [...this.watched.values()] : [this.watched.get(snapshot.name)].filter((e) => e !== undefined);
    for (const entry of entries) {
      const live = entry.busy || liveRuns(this.host, entry.spec.name).length > 0;
      if (live && !entry.watching) this.startWatching(entry);
      else if (!live && entry.watching) this.stopWatching(entry);
    }
  }

  private startWatching(entry: Watched): void {
    entry.watching = true;
    if (!this.factory) return;
    const { name, cwd, watch } = entry.spec;
    entry.filter = new WatchFilter(cwd, watch, this.factory.ignoredFolders?.() ?? []);
    const current = () => this.watched.get(name) === entry && entry.watching;
    try {
      entry.handle = this.factory.watch({ name, cwd, paths: watch.paths }, {
        changed: (file) => current() && this.changed(entry, file),
        unmatched: (globs) => current() && this.setState(entry, { unmatched: globs.map((g) => shownPath(cwd, g)) }),
        failed: (message) => current() && this.unwatched(entry, message),
      });
    } catch (err) {
      this.unwatched(entry, (err as Error).message);
    }
  }

  /** The service ended (or was stopped): its watch ends, and a pause with it. */
  private stopWatching(entry: Watched): void {
    entry.watching = false;
    entry.handle?.dispose();
    entry.handle = undefined;
    clearTimeout(entry.timer);
    entry.pending.clear();
    entry.guard.reset();
    if (entry.state.status !== 'watching' || entry.state.message !== null) this.setState(entry, { status: 'watching', message: null });
  }

  private forget(entry: Watched): void {
    this.stopWatching(entry);
    if (this.watched.get(entry.spec.name) === entry) this.watched.delete(entry.spec.name);
  }

  private unwatched(entry: Watched, message: string): void {
    const text = `not watched: ${message.replace(/\.$/, '')}; it keeps running without restarts on change.`;
    for (const run of liveRuns(this.host, entry.spec.name)) this.host.system(run.id, text);
    this.setState(entry, { status: 'unwatched', message: 'not watched' });
  }

  private changed(entry: Watched, file: string): void {
    if (entry.state.status === 'paused' || entry.state.status === 'unwatched') return;
    const shown = entry.filter?.accept(file.replaceAll('\\', '/'));
    if (shown === undefined) return;
    if (entry.pending.size === 0) entry.firstAt = this.host.now();
    entry.pending.add(shown);
    if (!entry.busy) this.schedule(entry);
  }

  private schedule(entry: Watched): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => void this.fire(entry), entry.spec.watch.debounceMs).unref();
    if (entry.state.status !== 'pending') this.setState(entry, { status: 'pending' });
  }

  private async fire(entry: Watched): Promise<void> {
    entry.timer = undefined;
    const files = [...entry.pending];
    entry.pending.clear();
    const runs = liveRuns(this.host, entry.spec.name);
    if (this.disposed || this.watched.get(entry.spec.name) !== entry || files.length === 0 || runs.length === 0) return;
    const lastChange = { file: files[0], at: this.host.now() };
    const loop = entry.guard.check(files, entry.firstAt);
    if (loop !== undefined) return this.pause(entry, loop, runs);
    entry.busy = true;
    this.setState(entry, { lastChange });
    try {
      if (await this.act(entry, describeFiles(files), runs)) entry.guard.restarted(this.host.now());
    } catch (err) {
      const text = `watch: ${(err as Error).message}`;
      for (const run of liveRuns(this.host, entry.spec.name)) this.host.system(run.id, text);
      this.setState(entry, { status: 'watching' });
    } finally {
      entry.busy = false;
      if (entry.pending.size > 0 && entry.watching) this.schedule(entry);
      this.follow(undefined);
    }
  }

  /** Builds and restarts as the definition says; true when a new process was started. */
  private async act(entry: Watched, what: string, runs: ProcessSnapshot[]): Promise<boolean> {
    const { name, watch } = entry.spec;
    const say = (text: string, ids = runs.map((r) => r.id)) => ids.forEach((id) => this.host.system(id, text));
    if (watch.action === 'none') {
      say(`changed: ${what} ("watch.action" is "none": not restarting)`);
      this.setState(entry, { status: 'watching' });
      return false;
    }
    if (watch.build !== undefined) {
      this.setState(entry, { status: 'building' });
      say(`building: ${what} changed; running "${watch.build}" first`);
      const failure = await runBuild(this.host, watch.build);
      if (failure !== undefined) {
        say(`stale: build failed (${failure.replace(/\.$/, '')}); the previous process keeps serving.`);
        this.setState(entry, { status: 'stale', message: 'stale: build failed' });
        return false;
      }
    }
    this.setState(entry, { status: 'restarting' });
    say(`restarting: ${what} changed`);
    const replaced = await this.replace(entry, runs);
    const kept = replaced.filter((r) => r.kept);
    say(`restarted: ${what} changed`, replaced.filter((r) => !r.kept).map((r) => r.id));
    say(`${KEPT_PREVIOUS}.`, kept.map((r) => r.id));
    this.setState(entry, kept.length > 0 ? { status: 'kept-previous', message: KEPT_PREVIOUS } : { status: 'watching', message: null });
    if (watch.action === 'restart-with-dependents' && kept.length === 0) {
      await Promise.all(replaced.map((r) => whenReady(this.host, r.id, this.timings)));
      await restartDependents(this.host, name, `${what} changed`, this.timings);
    }
    return true;
  }

  private async replace(entry: Watched, runs: ProcessSnapshot[]): Promise<Replaced[]> {
    const { watch } = entry.spec;
    if (!watch.overlap) return Promise.all(runs.map((run) => replaceInPlace(this.host, run, watch.build !== undefined, this.timings)));
    // One at a time: the instances keep serving while each is replaced.
    const replaced: Replaced[] = [];
    for (const run of runs) replaced.push(await replaceBeside(this.host, run, this.timings));
    return replaced;
  }

  private pause(entry: Watched, file: string, runs: ProcessSnapshot[]): void {
    const { name } = entry.spec;
    const text = `watch paused: "${name}" changed ${file} right after each of its last ${this.timings.loopRestarts} restarts, so it writes into its own watched paths; add ${JSON.stringify(file)} to "watch.exclude". Watching resumes on a restart or when "watch" changes.`;
    for (const run of runs) this.host.system(run.id, text);
    clearTimeout(entry.timer);
    entry.guard.reset();
    this.setState(entry, { status: 'paused', message: `watch paused: writes into its own watched file ${file}` });
  }

  private setState(entry: Watched, change: Partial<WatchState> & { status?: WatchStatus }): void {
    entry.state = { ...entry.state, ...change };
    this.host.changed(entry.spec.name);
  }
}

function newWatched(spec: Watched['spec'], key: string, timings: WatchTimings): Watched {
  return {
    spec,
    key,
    filter: undefined,
    handle: undefined,
    watching: false,
    state: { status: 'watching', lastChange: null, message: null, unmatched: [] },
    pending: new Set(),
    firstAt: 0,
    timer: undefined,
    busy: false,
    guard: new LoopGuard(timings),
  };
}

/** "src/app.ts", or "src/app.ts and 2 more files". */
function describeFiles(files: readonly string[]): string {
  return files.length === 1 ? files[0] : `${files[0]} and ${files.length - 1} more file${files.length === 2 ? '' : 's'}`;
}

/** A path or glob relative to `cwd` when inside it. */
function shownPath(cwd: string, glob: string): string {
  const root = `${cwd.replace(/\/+$/, '')}/`;
  return glob.startsWith(root) ? glob.slice(root.length) : glob;
}
