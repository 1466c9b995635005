import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { MAX_DETECT_FILE_BYTES, type DetectFs } from './types';

/** Folders a workspace glob never descends into. */
const SKIPPED = new Set(['node_modules', '.git']);
/** `**` goes this deep at most: workspace packages sit a few levels down, never dozens. */
const MAX_DEPTH = 8;

/** `DetectFs` on the disk where the workspace is (the extension runs beside it, also in Remote), as the editor, the tests and the benchmarks use it. */
export function nodeDetectFs(): DetectFs {
  return { readText, findDirectories, onPath, exists };
}

/** At most one byte more than the parsers accept, so that a huge file is refused without being read whole. */
async function readText(file: string): Promise<string | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_DETECT_FILE_BYTES + 1);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then((s) => s.isFile(), () => false);
}

async function onPath(program: string): Promise<boolean> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const found = await Promise.all(dirs.map((dir) => fs.access(path.join(dir, program), fs.constants.X_OK).then(() => true, () => false)));
  return found.includes(true);
}

/**
 * The directories under `folder` that the workspace globs name: `*` and `?` within a segment,
 * `**` for any depth, `!glob` to leave out; never node_modules or .git.
 */
async function findDirectories(folder: string, globs: readonly string[]): Promise<string[]> {
  const include = globs.filter((g) => !g.startsWith('!')).map(segmentsOf).filter(isInside);
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => segmentsOf(g.slice(1)));
  const found = new Set<string>();
  for (const pattern of include) for (const relative of await expand(folder, [], pattern)) found.add(relative.join('/'));
  return [...found]
    .filter((relative) => !exclude.some((pattern) => matches(pattern, relative.split('/'))))
    .sort()
    .map((relative) => path.join(folder, relative));
}

function segmentsOf(glob: string): string[] {
  return glob.trim().replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
}

function isInside(segments: readonly string[]): boolean {
  return segments.length > 0 && !segments.includes('..');
}

/** Relative paths (as segments) of the directories below `base` that match `pattern`. */
async function expand(folder: string, base: string[], pattern: readonly string[]): Promise<string[][]> {
  if (pattern.length === 0) return [base];
  const [head, ...rest] = pattern;
  if (head === '**') {
    const here = await expand(folder, base, rest);
    if (base.length >= MAX_DEPTH) return here;
    const below = await Promise.all((await subdirectories(folder, base)).map((name) => expand(folder, [...base, name], pattern)));
    return [...here, ...below.flat()];
  }
  if (!/[*?]/.test(head)) {
    if (SKIPPED.has(head)) return [];
    const isDir = await fs.stat(path.join(folder, ...base, head)).then((s) => s.isDirectory(), () => false);
    return isDir ? expand(folder, [...base, head], rest) : [];
  }
  const names = (await subdirectories(folder, base)).filter((name) => segmentMatches(head, name));
  return (await Promise.all(names.map((name) => expand(folder, [...base, name], rest)))).flat();
}

async function subdirectories(folder: string, base: readonly string[]): Promise<string[]> {
  const entries = await fs.readdir(path.join(folder, ...base), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !SKIPPED.has(e.name) && !e.name.startsWith('.')).map((e) => e.name);
}

function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  if (pattern.length === 0) return segments.length === 0;
  const [head, ...rest] = pattern;
  if (head === '**') return segments.some((_, i) => matches(rest, segments.slice(i))) || matches(rest, []);
  return segments.length > 0 && segmentMatches(head, segments[0]) && matches(rest, segments.slice(1));
}

function segmentMatches(glob: string, name: string): boolean {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}
