import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDefinitions } from '../../../../src/config/definitions';
import type { DetectedEntry } from '../../../../src/config/detected/types';

/** The repository root, found from wherever the bundled test runs. */
const repoRoot = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

/** A folder under test/fixtures/detect. */
export function detectFixture(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', 'detect', ...parts);
}

export function readFixture(...parts: string[]): string {
  return fs.readFileSync(detectFixture(...parts), 'utf8');
}

/** Every entry passes our own validation, dependencies included, folder by folder. */
export function assertValidEntries(entries: readonly DetectedEntry[]): void {
  const folders = new Set(entries.map((e) => e.folder));
  for (const folder of folders) {
    const raw = entries.filter((e) => e.folder === folder).map((e) => e.entry);
    const set = parseDefinitions(raw, { workspaceFolder: folder, env: {}, homeDir: '/home/u' });
    assert.deepEqual(set.errors, [], `entries of ${folder} are refused`);
    assert.equal(set.specs.length, raw.length);
  }
  for (const e of entries) assert.equal(e.entry.name, e.name);
}

export function byName(entries: readonly DetectedEntry[]): Map<string, DetectedEntry> {
  return new Map(entries.map((e) => [e.name, e]));
}
