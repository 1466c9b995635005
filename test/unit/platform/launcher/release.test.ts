import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { HelperLauncher } from '../../../../src/platform/launcher';
import { isGone } from '../../../../src/platform/procfs';
import { processTable } from '../../../../src/platform/processes';
import { alive, makeEngine, nodeSpec, reap, repoRoot, waitFor, waitForLine } from '../../helpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');
const gone = (pid: number) => isGone(processTable, pid);

test('release leaves a writing child to the helper for the grace; then the helper stops it and exits', async (t) => {
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT, reconnectGraceMs: 1000, stopGraceMs: 200 });
  const engine = makeEngine(t, [nodeSpec('ticks', 'ticks.js', ['tick', '1000000', '5'])], { launcher });
  t.after(() => launcher.dispose());
  const id = await engine.spawn('ticks');
  await waitForLine(engine, id, /^tick 3$/);
  const pid = engine.get(id)!.pid!;
  const helper = launcher.helperPid!;
  t.after(() => reap([pid, helper]));

  const releasedAt = Date.now();
  launcher.release();
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(alive([pid, helper]), [pid, helper], 'both run on within the grace');
  await waitFor(() => gone(pid) && gone(helper), 'the child and the helper to go after the grace');
  assert.ok(Date.now() - releasedAt >= 1000, 'not before the grace');
});

test('with a grace of 0 (keepRunningOnReload off, the host killed) the helper stops its children at once', async (t) => {
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT, reconnectGraceMs: 0, stopGraceMs: 200 });
  const engine = makeEngine(t, [nodeSpec('hang', 'hang.js')], { launcher });
  t.after(() => launcher.dispose());
  const id = await engine.spawn('hang');
  await waitForLine(engine, id, /^ready$/);
  const pid = engine.get(id)!.pid!;
  const helper = launcher.helperPid!;
  t.after(() => reap([pid, helper]));
  launcher.release();
  await waitFor(() => gone(pid) && gone(helper), 'the child and the helper to go', 3000);
});
