import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers';

/** Runs `npm run settings-doc` (with `--check` unless told otherwise) on the tree in `dir`. */
function settingsDoc(dir: string, ...flags: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'settings-doc.js'), dir, ...flags], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

/** A copy of docs/settings.md and package.json, with a definition field's description edited in the schema. */
function treeWithEditedDescription(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-doc-'));
  fs.mkdirSync(path.join(dir, 'docs'));
  fs.copyFileSync(path.join(repoRoot, 'docs', 'settings.md'), path.join(dir, 'docs', 'settings.md'));
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  pkg.contributes.configuration.properties['devProcesses.tasks'].items.properties.autoStart.markdownDescription = 'Start with the window.';
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
  return dir;
}

test("docs/settings.md documents the settings exactly as package.json's schema does", () => {
  const { status, stderr } = settingsDoc(repoRoot, '--check');
  assert.equal(status, 0, stderr);
});

test('a schema edit not carried to docs/settings.md fails the check, and regenerating carries it', () => {
  const dir = treeWithEditedDescription();
  try {
    const stale = settingsDoc(dir, '--check');
    assert.equal(stale.status, 1);
    assert.match(stale.stderr, /run npm run settings-doc/);
    assert.equal(settingsDoc(dir).status, 0);
    assert.match(fs.readFileSync(path.join(dir, 'docs', 'settings.md'), 'utf8'), /\| `autoStart` \| boolean \| Start with the window\. Default: `false`\. \|/);
    assert.equal(settingsDoc(dir, '--check').status, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
