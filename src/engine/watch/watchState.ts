/** Where a watched service stands; shown in the tree and in every snapshot of its runs. */
export type WatchStatus =
  /** Waiting for a change. */
  | 'watching'
  /** A change came; waiting for `debounceMs` of quiet. */
  | 'pending'
  /** The build job runs. */
  | 'building'
  | 'restarting'
  /** The build failed: the process that runs is older than the files. */
  | 'stale'
  /** The new process did not become ready: the previous one serves. */
  | 'kept-previous'
  /** The service changes its own watched files: watching stopped until its definition or a manual restart. */
  | 'paused'
  /** No watcher could be had. */
  | 'unwatched';

export interface WatchState {
  status: WatchStatus;
  /** The file whose change led to the last action (relative to `cwd` when inside it), and when. */
  lastChange: { file: string; at: number } | null;
  /** What the tree says besides the status, e.g. "stale: build failed"; null when all is well. */
  message: string | null;
  /** Globs of `watch.paths` that matched no file when the watch began (fine: new files count). */
  unmatched: string[];
}
