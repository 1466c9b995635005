import * as path from 'node:path';
import { globMatcher, globSource, splitGlob } from '../../core/globs';
import type { WatchSpec } from '../../core/types';

/** Never watched, at any depth: dependencies, history and build output. */
export const DEFAULT_EXCLUDES: readonly string[] = ['node_modules', '.git', 'dist', 'out', 'build'];

/**
 * Which changed files count for one watched definition: under one of its `paths`, under none of
 * its excludes (the defaults and its own names at any depth below the folder a glob names, its
 * own globs from `cwd`, and `ignoredFolders`). A watcher may report more than asked; this decides.
 */
export class WatchFilter {
  private readonly includes: { base: string; matcher: RegExp }[];
  private readonly anyDepth: RegExp;
  private readonly anchored: RegExp[];

  constructor(
    private readonly cwd: string,
    watch: Pick<WatchSpec, 'paths' | 'exclude'>,
    private readonly ignoredFolders: readonly string[] = [],
  ) {
    this.includes = watch.paths.map((glob) => ({ base: splitGlob(glob).base, matcher: globMatcher(glob) }));
    // A name without "/" is matched at any depth, below the folder being watched.
    const names = [...DEFAULT_EXCLUDES, ...watch.exclude.filter((g) => !g.replace(/\/+$/, '').includes('/'))];
    this.anyDepth = new RegExp(`(?:^|/)(?:${names.map((n) => globSource(n.replace(/\/+$/, ''))).join('|')})(?:/|$)`);
    this.anchored = watch.exclude.filter((g) => g.replace(/\/+$/, '').includes('/')).map((g) => globMatcher(g.replace(/^\.\//, '')));
  }

  /** The file as shown to the user (relative to `cwd` when inside it) when it counts; undefined otherwise. */
  accept(file: string): string | undefined {
    const include = this.includes.find((i) => i.matcher.test(file));
    if (!include) return undefined;
    if (this.ignoredFolders.some((folder) => file === folder || file.startsWith(`${folder.replace(/\/+$/, '')}/`))) return undefined;
    const fromCwd = path.posix.relative(this.cwd, file);
    const insideCwd = fromCwd !== '' && !fromCwd.startsWith('..') && !path.posix.isAbsolute(fromCwd);
    // Below the folder the glob names: `"paths": ["dist/**"]` watches dist, on purpose.
    if (this.anyDepth.test(path.posix.relative(include.base, file))) return undefined;
    if (insideCwd && this.anchored.some((m) => m.test(fromCwd))) return undefined;
    return insideCwd ? fromCwd : file;
  }
}
