import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { fixture, repoRoot } from '../helpers';

/** Runs the import check of `npm run lint` on a tree with the project's own rules, as lint prints it. */
function checkImports(cwd: string, ...paths: string[]): { status: number | null; violations: string[] } {
  const cli = path.join(repoRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const config = path.join(repoRoot, '.dependency-cruiser.cjs');
  const result = spawnSync(process.execPath, [cli, ...paths, '--config', config], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(result.error, undefined);
  // "error RULE: FROM → TO", a cycle continuing over more lines.
  const violations = [...result.stdout.matchAll(/error (\S+): (\S+) →\s+(\S+)/g)]
    .map(([, rule, from, to]) => `${rule}: ${from} -> ${to.replace(/^.*node_modules\//, 'node_modules/')}`);
  return { status: result.status, violations: violations.sort() };
}

test('the import check fails on a planted cycle, an upward import, the editor API below the surfaces and an unlayered module', () => {
  const { status, violations } = checkImports(fixture('layering'), 'src');
  assert.deepEqual(violations, [
    'config-imports-core: src/config/entry.ts -> src/engine/run/run.ts',
    'layer-core: src/core/types.ts -> src/engine/monitor/types.ts',
    'layer-unknown: src/misc.ts -> src/core/types.ts',
    'no-circular: src/engine/run/run.ts -> src/engine/run/snapshot.ts',
    'no-editor-api: src/platform/procfs.ts -> node_modules/@types/vscode/index.d.ts',
  ]);
  assert.equal(status, violations.length, 'the exit status counts the errors, so lint fails');
});
