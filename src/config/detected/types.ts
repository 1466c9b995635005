/**
 * What the project already defines elsewhere (package.json scripts, tasks.json, Procfile,
 * process-compose, compose files), turned into entries of `devProcesses.tasks` so that the same
 * validation and the same engine run them.
 */

import type { SpecSource } from '../../core/types';

/** Where a detected entry comes from; the prefix of its name (`npm: dev`). */
export type DetectSource = Exclude<SpecSource, 'settings'>;

export const DETECT_SOURCES: readonly DetectSource[] = ['npm', 'tasks', 'Procfile', 'process-compose', 'compose'];

/** A place in a file, 0-based, as the editor's positions are. */
export interface FilePosition {
  /** Absolute path. */
  file: string;
  line: number;
  column: number;
}

export interface DetectedEntry {
  source: DetectSource;
  /** The stable name every command and the API accept, e.g. `npm: dev`, `npm: web/dev`, `Procfile: web`. */
  name: string;
  /** The workspace folder it was found in (absolute): where "Add to Settings" writes it and relative paths resolve. */
  folder: string;
  /**
   * An entry of `devProcesses.tasks`, as "Add to Settings" writes it: `name` (equal to `name`
   * above), `command`, `args`, and where needed `cwd` (relative to `folder`), `env`, `kind`,
   * `shell`, `dependsOn` (other detected names), `healthCheck`, `stop`.
   */
  entry: Record<string, unknown>;
  /** Where it is declared: what "Go to Definition" of a detected row opens. */
  at: FilePosition;
}

/** A file that could not be read as its format says: one problem, at its place. */
export interface DetectProblem extends FilePosition {
  source: DetectSource;
  message: string;
}

export interface DetectResult {
  entries: DetectedEntry[];
  problems: DetectProblem[];
}

/** The file access detection needs, injected so that it runs the same in the editor, the tests and the benchmarks. */
export interface DetectFs {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readText(file: string): Promise<string | undefined>;
  /** Absolute paths of the directories under `folder` matching the globs (relative to `folder`), excluding node_modules. */
  findDirectories(folder: string, globs: readonly string[]): Promise<string[]>;
  /** Whether a program is found on PATH (`docker` for compose files). */
  onPath(program: string): Promise<boolean>;
  /**
   * Whether a file exists, for lockfiles, which can be large and whose text is not needed;
   * without it, `readText` tells.
   */
  exists?(file: string): Promise<boolean>;
}

/** `devProcesses.detect`: the sources read; every one unless turned off. */
export type DetectSelection = Readonly<Record<DetectSource, boolean>>;

/** Files larger than this are refused with a problem: a `DetectFs` need not read more than this plus one byte. */
export const MAX_DETECT_FILE_BYTES = 4 * 1024 * 1024;

/** The program that runs a package's scripts: `npm run`, `pnpm run`, `yarn run` or `bun run`. */
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';
