import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import type { Disposable as IDisposable } from '../core/events';
import { splitGlob } from '../core/globs';
import type { ProcessEngine } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { DEFAULT_EXCLUDES } from '../engine/watch/watchFilter';
import type { FileWatcherFactory, WatchRequest, WatchSink } from '../engine/watch/watchTypes';

/** Never searched when telling whether a glob matches a file (the engine ignores them anyway). */
const UNMATCHED_SEARCH_EXCLUDE = `**/{${DEFAULT_EXCLUDES.join(',')}}/**`;

/**
 * The file watchers of services with `watch`: the editor's own (`createFileSystemWatcher`),
 * which in a workspace folder rides on the watcher the editor already runs there (its
 * `files.watcherExclude` applies), and works in a remote window alike. Also says, once each,
 * when a watch could not be had or was paused.
 */
export class FileWatchers extends Disposable implements FileWatcherFactory {
  private ignored: () => readonly string[] = () => [];
  /** Definitions whose pause or failure was told, so that each is told once. */
  private readonly told = new Set<string>();

  /** Follows the engine's runs to tell of paused watches; `ignored` gives the log folder. */
  attach(engine: ProcessEngine, ignored: () => readonly string[]): this {
    this.ignored = ignored;
    this._register(engine.onDidChange((snap) => snap && this.notice(snap)));
    return this;
  }

  ignoredFolders(): readonly string[] {
    return this.ignored();
  }

  watch(request: WatchRequest, sink: WatchSink): IDisposable {
    const owned: vscode.Disposable[] = [];
    const report = (uri: vscode.Uri) => sink.changed(uri.fsPath);
    try {
      for (const glob of request.paths) {
        const watcher = vscode.workspace.createFileSystemWatcher(relativePattern(glob));
        owned.push(watcher, watcher.onDidCreate(report), watcher.onDidChange(report), watcher.onDidDelete(report));
      }
    } catch (err) {
      owned.forEach((d) => d.dispose());
      const message = err instanceof Error ? err.message : String(err);
      this.tell(`failed:${request.name}`, `Dev Processes: "${request.name}" cannot be watched for changes (${message}); it keeps running, without restarts on change. Check "watch.paths" in its definition.`);
      sink.failed(message);
      return { dispose() {} };
    }
    let live = true;
    void unmatchedGlobs(request.paths).then((globs) => live && globs.length > 0 && sink.unmatched(globs));
    return {
      dispose: () => {
        live = false;
        owned.forEach((d) => d.dispose());
      },
    };
  }

  private notice(snap: ProcessSnapshot): void {
    const key = `paused:${snap.name}`;
    if (snap.watch?.status !== 'paused') {
      if (snap.watch) this.told.delete(key);
      return;
    }
    const file = snap.watch.lastChange?.file ?? 'a watched file';
    this.tell(key, `Dev Processes: watching "${snap.name}" is paused: it changes ${file} itself each time it starts, which would restart it in a loop. Add that file to its "watch.exclude".`);
  }

  private tell(key: string, message: string): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    void vscode.window.showWarningMessage(message);
  }
}

/** A glob as the editor's watcher takes it: the folder part as base; a plain path is a folder (everything in it) or one file. */
function relativePattern(glob: string): vscode.RelativePattern {
  const { base, pattern } = splitGlob(glob);
  if (pattern !== '') return new vscode.RelativePattern(base, pattern);
  return isFile(base) ? new vscode.RelativePattern(path.dirname(base), path.basename(base)) : new vscode.RelativePattern(base, '**');
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The globs that match no file now: said in the tree's tooltip (fine, new files will count). */
async function unmatchedGlobs(globs: readonly string[]): Promise<string[]> {
  const unmatched: string[] = [];
  for (const glob of globs) {
    try {
      const found = await vscode.workspace.findFiles(relativePattern(glob), UNMATCHED_SEARCH_EXCLUDE, 1);
      if (found.length === 0) unmatched.push(glob);
    } catch {
      // A search the editor cannot do says nothing about the glob.
    }
  }
  return unmatched;
}
