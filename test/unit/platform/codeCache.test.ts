import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CONTENT_HASH_MARK, loadWithCodeCache } from '../../../src/platform/codeCache';
import { scratchDir } from '../helpers';

interface Sample {
  answer: number;
  helper: string;
  self: string;
}

/** A CommonJS file that requires a file next to it, and the directory for its cache. */
function sample(body = 'exports.answer = 42;'): { file: string; cacheDir: string } {
  const dir = scratchDir('code-cache-');
  fs.writeFileSync(path.join(dir, 'helper.js'), 'module.exports = "next to it";');
  const file = path.join(dir, 'bundle.js');
  fs.writeFileSync(file, `"use strict";\n${body}\nexports.helper = require("./helper.js");\nexports.self = __filename;\n`);
  return { file, cacheDir: path.join(dir, 'cache') };
}

const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

/** Set in the process that loads: V8 keeps what one process compiled, so each load gets a new process, as each window does. */
const LOAD_ENV = 'CODE_CACHE_TEST_LOAD';

interface Load {
  exports: Sample;
  cacheUsed: boolean;
  saved: boolean;
}

/** Loads the file in a process of its own, then saves; what it saw. */
function load(file: string, cacheDir: string | undefined): Load {
  const result = spawnSync(process.execPath, [__filename], { encoding: 'utf8', env: { ...process.env, [LOAD_ENV]: JSON.stringify({ file, cacheDir }) } });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Load;
}

if (process.env[LOAD_ENV]) {
  const { file, cacheDir } = JSON.parse(process.env[LOAD_ENV]) as { file: string; cacheDir?: string };
  const loaded = loadWithCodeCache<Sample>(file, cacheDir);
  const saved = loaded.save();
  process.stdout.write(JSON.stringify({ exports: { ...loaded.exports }, cacheUsed: loaded.cacheUsed, saved }));
  process.exit(0);
}

test('the first load compiles and saves; the next one takes the cache and runs the same file', () => {
  const { file, cacheDir } = sample();
  const first = load(file, cacheDir);
  assert.deepEqual(first, { exports: { answer: 42, helper: 'next to it', self: file }, cacheUsed: false, saved: true });
  assert.equal(cacheFiles(cacheDir).length, 1);

  const second = load(file, cacheDir);
  assert.deepEqual(second, { exports: { answer: 42, helper: 'next to it', self: file }, cacheUsed: true, saved: false }, 'a cache that was used is not written again');
});

test('a changed file, even of the same length, never meets the old cache; the old cache is removed', () => {
  const { file, cacheDir } = sample('exports.answer = 42;');
  load(file, cacheDir);
  const old = cacheFiles(cacheDir);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('42', '43'));

  const changed = load(file, cacheDir);
  assert.equal(changed.cacheUsed, false);
  assert.equal(changed.exports.answer, 43);
  assert.equal(changed.saved, true);
  const now = cacheFiles(cacheDir);
  assert.equal(now.length, 1);
  assert.notDeepEqual(now, old);
});

test('a damaged cache is refused, the file runs all the same, and its save replaces it', () => {
  const { file, cacheDir } = sample();
  load(file, cacheDir);
  const [name] = cacheFiles(cacheDir);
  fs.writeFileSync(path.join(cacheDir, name), 'not a code cache');

  const damaged = load(file, cacheDir);
  assert.equal(damaged.cacheUsed, false);
  assert.equal(damaged.exports.answer, 42);
  assert.equal(damaged.saved, true);
  assert.equal(load(file, cacheDir).cacheUsed, true);
});

test('without a cache directory, or one that cannot be written, the file loads and nothing is saved', () => {
  const { file } = sample();
  assert.deepEqual(load(file, undefined), { exports: { answer: 42, helper: 'next to it', self: file }, cacheUsed: false, saved: false });

  const blocked = path.join(path.dirname(file), 'a-file');
  fs.writeFileSync(blocked, '');
  const unwritable = load(file, path.join(blocked, 'cache'));
  assert.equal(unwritable.exports.answer, 42);
  assert.equal(unwritable.saved, false);
});

test('a bundle that carries its content hash (esbuild.js) is named by it: a rebuild with a new hash never meets the old cache', () => {
  const marked = (answer: number, hash: string) => `"use strict";\nexports.answer = ${answer};\nexports.helper = require("./helper.js");\nexports.self = __filename;\n${CONTENT_HASH_MARK}${hash}\n`;
  const { file, cacheDir } = sample();
  fs.writeFileSync(file, marked(42, 'a'.repeat(64)));
  assert.equal(load(file, cacheDir).saved, true);
  assert.equal(load(file, cacheDir).cacheUsed, true);

  fs.writeFileSync(file, marked(43, 'b'.repeat(64)));
  const rebuilt = load(file, cacheDir);
  assert.equal(rebuilt.cacheUsed, false);
  assert.equal(rebuilt.exports.answer, 43);
  assert.equal(rebuilt.saved, true);
  assert.equal(cacheFiles(cacheDir).length, 1);
  assert.equal(load(file, cacheDir).cacheUsed, true);
});

test('a part of the bundle it requires (written by the same build) loads through a cache of its own, once', () => {
  const { file, cacheDir } = sample('globalThis.partRuns = 0;\nexports.answer = require("./part.js").value + require("./part.js").value;');
  fs.writeFileSync(path.join(path.dirname(file), 'part.js'), `globalThis.partRuns++;\nexports.value = 20 + globalThis.partRuns;\n${CONTENT_HASH_MARK}${'c'.repeat(64)}\n`);
  const first = load(file, cacheDir);
  assert.deepEqual(first.exports.answer, 42, 'the part ran once: both requires got the same exports');
  assert.equal(first.saved, true);
  assert.equal(cacheFiles(cacheDir).length, 2, 'the bundle and its part');

  const second = load(file, cacheDir);
  assert.equal(second.exports.answer, 42);
  assert.deepEqual({ cacheUsed: second.cacheUsed, saved: second.saved }, { cacheUsed: true, saved: false }, 'both caches used: nothing left to write');
});
