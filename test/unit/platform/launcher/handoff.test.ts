import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { HelperLauncher } from '../../../../src/platform/launcher';
import type { LinkOutput } from '../../../../src/platform/launcher/launchStreams';
import { fixture, repoRoot } from '../../helpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');

/** Checks numbered lines (flood-numbered.js) as they come: every one, in order. */
function lineChecker() {
  let rest = '';
  let next = 0;
  return {
    push(chunk: Buffer) {
      const text = rest + chunk.toString('latin1');
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        const seq = Number(line.slice(5, 17));
        if (seq !== next) throw new Error(`line ${next} expected, got ${JSON.stringify(line.slice(0, 20))}`);
        next++;
      }
    },
    get lines() {
      return next;
    },
    get rest() {
      return rest;
    },
  };
}

test('a flood is handed to the host: every line arrives once, in order, across the handoff', { timeout: 60_000 }, async (t) => {
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT });
  t.after(() => launcher.dispose());
  const child = launcher.launch({ command: process.execPath, args: [fixture('flood-numbered.js'), '64'], cwd: repoRoot, env: { PATH: process.env.PATH ?? '' }, shell: false });
  const check = lineChecker();
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => check.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<void>((resolve) => child.stdout.once('end', resolve));
  const exited = new Promise<number | null>((resolve) => child.onExit((code) => resolve(code)));
  assert.equal(await exited, 0);
  await ended;
  const wrote = Number(/wrote (\d+) lines/.exec(stderr)?.[1]);
  assert.equal(check.rest, '');
  assert.equal(check.lines, wrote);
  assert.ok((child.stdout as LinkOutput).handoffs >= 1, 'the host read the pipe itself');
});
