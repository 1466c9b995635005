import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** A CommonJS file loaded through V8's code cache. */
export interface CachedModule<T> {
  readonly exports: T;
  /** Whether V8 took the cache: the file's functions were not compiled again. */
  readonly cacheUsed: boolean;
  /**
   * Writes what V8 has compiled of the file so far, functions run since the load included, for the
   * next load; false when there was nothing to write (the cache was used) or it could not be written.
   */
  save(): boolean;
}

const SUFFIX = '.v8cache';

/**
 * The last line of a bundle the extension's build wrote (esbuild.js): the hash of everything
 * before it, so a load need not hash the bundle itself.
 */
export const CONTENT_HASH_MARK = '//# contentHash=';
/** A mark further from the end is not the build's (hex digits and a newline at most follow it). */
const MARK_TAIL = CONTENT_HASH_MARK.length + 130;

/** Node's own wrapper for a CommonJS file, so the file sees the same five names. */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/** The content hash the build wrote at the file's end, if it did. */
function builtHash(source: string): string | undefined {
  const at = source.lastIndexOf(CONTENT_HASH_MARK);
  if (at < 0 || at < source.length - MARK_TAIL) return undefined;
  const hash = source.slice(at + CONTENT_HASH_MARK.length).trim();
  return /^[0-9a-f]{16,128}$/.test(hash) ? hash : undefined;
}

/**
 * The cache's name follows the file's content and the runtime: V8 itself checks only the
 * source's length and its own version and flags, so a rebuilt file of the same length must
 * never meet the cache of the old one. The content is known by the hash the build wrote at the
 * file's end, which goes into the name as it is (no hash is computed at load: the first one in a
 * process costs as much as the rest of the name's work); a file without one is hashed here.
 */
function cacheName(file: string, source: string): string {
  const content = builtHash(source);
  const runtime = `${process.version}-${process.arch}`.replace(/[^\w.-]/g, '_');
  const key = content ? `${content.slice(0, 32)}-${runtime}` : createHash('sha256').update(source).update(`\0${runtime}`).digest('hex').slice(0, 16);
  return `${path.basename(file, '.js')}-${key}${SUFFIX}`;
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** `./name.js`: a file next to the one requiring it, as the extension's build names its parts. */
const SIBLING = /^\.\/[\w.-]+\.js$/;

/** The files loaded through the cache in one load, by path: each runs once, as `require` would have it. */
type Loaded = Map<string, CachedModule<unknown>>;

/**
 * The `require` a cached file gets: a part of the bundle the build wrote next to it (it carries
 * the content hash) is loaded through the cache as well, with a cache of its own; anything else
 * is Node's `require`, resolved next to the file.
 */
function requireFor(file: string, cacheDir: string | undefined, loaded: Loaded): NodeJS.Require {
  const nodeRequire = createRequire(file);
  // Each module of a bundle requires `vscode` and Node's modules for itself, and the editor's hook
  // looks up the requiring file's real path at every `require('vscode')`: the file asks once per id.
  const asked = new Map<string, unknown>();
  const required = (id: string): unknown => {
    if (!SIBLING.test(id)) {
      if (!asked.has(id)) asked.set(id, nodeRequire(id));
      return asked.get(id);
    }
    const target = path.join(path.dirname(file), id);
    const known = loaded.get(target);
    if (known) return known.exports;
    const source = fs.readFileSync(target, 'utf8');
    if (!builtHash(source)) return nodeRequire(id);
    return load(target, source, cacheDir, loaded).exports;
  };
  return Object.assign(required, nodeRequire);
}

function load<T>(file: string, source: string, cacheDir: string | undefined, loaded: Loaded): CachedModule<T> {
  const cacheFile = cacheDir && path.join(cacheDir, cacheName(file, source));
  const cachedData = cacheFile ? readOrUndefined(cacheFile) : undefined;
  const script = new vm.Script(wrap(source), { filename: file, cachedData });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as T };
  const save = (): boolean => {
    if (cacheUsed || !cacheDir || !cacheFile) return false;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed, so a window loading at the same moment never reads half of it.
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(tmp, cacheFile);
      const prefix = `${path.basename(file, '.js')}-`;
      for (const name of fs.readdirSync(cacheDir)) {
        if (name.startsWith(prefix) && name.endsWith(SUFFIX) && name !== path.basename(cacheFile)) fs.rmSync(path.join(cacheDir, name), { force: true });
      }
      return true;
    } catch {
      return false;
    }
  };
  const self: CachedModule<T> = { get exports() { return module.exports; }, cacheUsed, save };
  // Listed before it runs, as Node lists a module: a cycle gets the exports made so far.
  loaded.set(file, self);
  const run = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: { exports: T }, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, requireFor(file, cacheDir, loaded), module, file, path.dirname(file));
  return self;
}

/**
 * Loads a CommonJS file as `require` would (its `require` resolves next to it), with the code V8
 * compiled for it on an earlier load when cacheDir holds it: a large bundle's compile is then
 * mostly skipped. Without cacheDir, or with a cache V8 refuses, the file is compiled as usual.
 * The file's own `require('vscode')` still comes from the editor's hook: the `require` it gets is
 * made for its path. The parts of the bundle it requires later (`./name.js`, written by the same
 * build) are loaded the same way, and `save()` writes their caches too, for those loaded by then.
 */
export function loadWithCodeCache<T>(file: string, cacheDir: string | undefined): CachedModule<T> {
  const loaded: Loaded = new Map();
  const main = load<T>(file, fs.readFileSync(file, 'utf8'), cacheDir, loaded);
  return {
    exports: main.exports,
    cacheUsed: main.cacheUsed,
    save: () => [...loaded.values()].map((part) => part.save()).includes(true),
  };
}
