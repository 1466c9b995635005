import * as path from 'node:path';
import { COMPOSE_FILES, parseCompose } from './compose';
import { readPackages } from './packages';
import { parseProcessCompose } from './processCompose';
import { parseProcfile } from './procfile';
import { parseTasksJson } from './tasksJson';
import { uniqueNames } from './names';
import { DETECT_SOURCES, type DetectFs, type DetectResult, type DetectSelection, type DetectSource } from './types';

const PROCFILES = ['Procfile.dev', 'Procfile'];
const PROCESS_COMPOSE_FILES = ['process-compose.yaml', 'process-compose.yml'];

type Parse = (text: string, file: string, folder: string) => DetectResult;

/**
 * Everything the workspace folders already define, in the selected sources, as entries of
 * `devProcesses.tasks` with names unique across the window. Never throws for what a file holds: a
 * file that cannot be read as its format says is one problem, and the others still give entries.
 * Compose files are read only when `docker` is on PATH.
 */
export async function detectWorkspace(folders: readonly string[], selection: DetectSelection, given: DetectFs): Promise<DetectResult> {
  const fs = forgiving(given);
  const dockerFound = selection.compose ? fs.onPath('docker') : Promise.resolve(false);
  const npm = selection.npm ? readPackages(folders, fs) : Promise.resolve({ entries: [], problems: [] });
  const bySource: Record<DetectSource, (folder: string) => Promise<DetectResult | undefined>> = {
    npm: async () => undefined,
    tasks: (folder) => parseFirst(fs, folder, [path.join('.vscode', 'tasks.json')], (text, file) => parseTasksJson(text, file, folder)),
    // Procfile.dev when there is one: foreman and overmind users run it in development.
    Procfile: (folder) => parseFirst(fs, folder, PROCFILES, parseProcfile),
    'process-compose': (folder) => parseFirst(fs, folder, PROCESS_COMPOSE_FILES, parseProcessCompose),
    compose: async (folder) => ((await dockerFound) ? parseFirst(fs, folder, COMPOSE_FILES, parseCompose) : undefined),
  };
  const perFolder = folders.map((folder) =>
    Promise.all(DETECT_SOURCES.filter((source) => selection[source]).map((source) => bySource[source](folder))),
  );
  const [packages, ...found] = await Promise.all([npm, ...perFolder]);
  const results = [packages, ...found.flat()].filter((r): r is DetectResult => r !== undefined);
  const entries = results.flatMap((r) => r.entries);
  return { entries: uniqueNames(sortByFolder(entries, folders)), problems: results.flatMap((r) => r.problems) };
}

/** The first of `names` that exists in the folder, parsed; undefined when there is none. */
async function parseFirst(fs: DetectFs, folder: string, names: readonly string[], parse: Parse): Promise<DetectResult | undefined> {
  for (const name of names) {
    const file = path.join(folder, name);
    const text = await fs.readText(file);
    if (text !== undefined) return parse(text, file, folder);
  }
  return undefined;
}

/** Folder by folder, in the window's order; within one, the order of the sources (a stable sort). */
function sortByFolder<T extends { folder: string; source: DetectSource }>(entries: T[], folders: readonly string[]): T[] {
  const rank = (e: T) => folders.indexOf(e.folder) * DETECT_SOURCES.length + DETECT_SOURCES.indexOf(e.source);
  return [...entries].sort((a, b) => rank(a) - rank(b));
}

/** A file that cannot be read is a file that is not there: one failing read must not lose the others. */
function forgiving(fs: DetectFs): DetectFs {
  const exists = fs.exists;
  return {
    readText: (file) => attempt(() => fs.readText(file), undefined),
    findDirectories: (folder, globs) => attempt(() => fs.findDirectories(folder, globs), []),
    onPath: (program) => attempt(() => fs.onPath(program), false),
    exists: exists ? (file) => attempt(() => exists.call(fs, file), false) : undefined,
  };
}

async function attempt<T>(read: () => Promise<T>, otherwise: T): Promise<T> {
  try {
    return await read();
  } catch {
    return otherwise;
  }
}
