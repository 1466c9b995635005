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

/** Node's own wrapper for a CommonJS file, so the file sees the same five names. */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/**
 * The cache's name follows the file's content and the runtime: V8 itself checks only the
 * source's length and its own version and flags, so a rebuilt file of the same length must
 * never meet the cache of the old one.
 */
function cacheName(file: string, source: string): string {
  const hash = createHash('sha256').update(source).update(`\0${process.version}\0${process.arch}`).digest('hex').slice(0, 16);
  return `${path.basename(file, '.js')}-${hash}${SUFFIX}`;
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Loads a CommonJS file as `require` would (its `require` resolves next to it), with the code V8
 * compiled for it on an earlier load when cacheDir holds it: a large bundle's compile is then
 * mostly skipped. Without cacheDir, or with a cache V8 refuses, the file is compiled as usual.
 * The file's own `require('vscode')` still comes from the editor's hook: the `require` it gets is
 * made for its path.
 */
export function loadWithCodeCache<T>(file: string, cacheDir: string | undefined): CachedModule<T> {
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = cacheDir && path.join(cacheDir, cacheName(file, source));
  const cachedData = cacheFile ? readOrUndefined(cacheFile) : undefined;
  const script = new vm.Script(wrap(source), { filename: file, cachedData });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: { exports: T }, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
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
  return { exports: module.exports, cacheUsed, save };
}
