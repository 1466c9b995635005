import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { HelperLauncher } from '../../../../src/platform/launcher';
import { processTable } from '../../../../src/platform/processes';
import { isGone } from '../../../../src/platform/procfs';
import { makeEngine, nodeSpec, repoRoot, waitForLine } from '../../helpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');

test('prepare starts the helper before any launch; the first launch then uses it, and a second prepare starts no other', async (t) => {
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT });
  const engine = makeEngine(t, [nodeSpec('svc', 'ready-later.js', ['0'])], { launcher });
  t.after(() => launcher.dispose());
  assert.equal(launcher.helperPid, undefined, 'no helper before prepare');
  launcher.prepare();
  const helper = launcher.helperPid;
  assert.ok(helper !== undefined && !isGone(processTable, helper), 'the helper runs');
  launcher.prepare();
  assert.equal(launcher.helperPid, helper);
  const id = await engine.spawn('svc');
  await waitForLine(engine, id, /^ready$/);
  assert.equal(launcher.helperPid, helper, 'the first launch went through the prepared helper');
});

test('prepare after dispose starts nothing', () => {
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT });
  launcher.dispose();
  launcher.prepare();
  assert.equal(launcher.helperPid, undefined);
});
