import type { Disposable, Event } from '../../core/events';
import type { ProcessSpec } from '../../core/types';
import type { ProcessSnapshot } from '../run/snapshot';

export type { WatchState, WatchStatus } from './watchState';

/** What a file watcher is asked to watch for one definition. */
export interface WatchRequest {
  /** The definition's name, for messages. */
  name: string;
  cwd: string;
  /** Absolute globs (see `WatchSpec.paths`). */
  paths: readonly string[];
}

/** Where a file watcher reports. */
export interface WatchSink {
  /** A file was created, changed or deleted (an absolute path); the controller filters and debounces. */
  changed(file: string): void;
  /** These globs of `paths` match no file now (said once, after the watch began). */
  unmatched(globs: string[]): void;
  /** No watch could be had (e.g. the inotify limit): the service keeps running unwatched. */
  failed(message: string): void;
}

/** Gives file watchers; the editor's, or any other, injected into the engine. */
export interface FileWatcherFactory {
  watch(request: WatchRequest, sink: WatchSink): Disposable;
  /** Absolute folders whose changes never count (the log folder). */
  ignoredFolders?(): readonly string[];
}

/** What the watch controller needs of the engine. */
export interface WatchHost {
  now(): number;
  onDidChange: Event<ProcessSnapshot | undefined>;
  definition(name: string): ProcessSpec | undefined;
  definitions(): ProcessSpec[];
  list(): ProcessSnapshot[];
  get(id: string): ProcessSnapshot | undefined;
  spawn(name: string): Promise<string>;
  restart(id: string): Promise<string>;
  kill(id: string): Promise<void>;
  whenDone(id: string): Promise<void>;
  /** The spec a run was started with (the previous command, to start again). */
  specOf(id: string): ProcessSpec | undefined;
  /** Starts a run of `spec` as instance `instance`, beside what runs; its id. */
  startInstance(spec: ProcessSpec, instance: number): string;
  /** Adds a line of ours to a run's output. */
  system(id: string, text: string): void;
  /** Tells listeners that the watch state of a definition changed. */
  changed(name: string): void;
}

/** Bounds of the controller; tests shorten them. */
export interface WatchTimings {
  /** A change this soon after the new process started counts towards a loop. */
  loopWindowMs: number;
  /** Changes of the same file right after this many restarts in a row pause the watch. */
  loopRestarts: number;
  /** The longest a new process may take to become ready before the previous one is kept. */
  readyTimeoutMs: number;
  /** Without a readiness probe, a new process is ready once it has run this long (one that exits at once is not). */
  settleMs: number;
}
