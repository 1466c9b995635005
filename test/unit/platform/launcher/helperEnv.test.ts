import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { childProcessLauncher, HelperLauncher, type LaunchedProcess, type Launcher } from '../../../../src/platform/launcher';
import { repoRoot } from '../../helpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');

/** An object with an own property of this name, which a literal cannot make for "__proto__". */
function withOwn(env: Record<string, string>, name: string, value: string): Record<string, string> {
  return Object.defineProperty({ ...env }, name, { value, enumerable: true, writable: true, configurable: true });
}

/** What the child sees as its environment. */
async function childEnv(launcher: Launcher, env: Record<string, string>): Promise<Record<string, string>> {
  const child: LaunchedProcess = launcher.launch({
    command: process.execPath,
    args: ['-e', 'process.stdout.write(JSON.stringify(Object.entries(process.env)))'],
    cwd: repoRoot,
    env,
    shell: false,
  });
  child.stdin.end();
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    child.onError(reject);
    child.stdout.once('end', resolve);
  });
  child.stderr.resume();
  await ended;
  // Entries, not an object: JSON.parse of an object would make "__proto__" its own, hiding a loss.
  return Object.fromEntries(JSON.parse(Buffer.concat(chunks).toString('utf8')) as [string, string][]);
}

const BASE: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/home/ada',
  LANG: 'C.UTF-8',
  ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`PAD_${i}`, `value ${i}`])),
};

test('through the helper, launch after launch, a child gets exactly the environment child_process.spawn gives it', async (t) => {
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT });
  t.after(() => launcher.dispose());
  const sequence: Record<string, string>[] = [
    { ...BASE, DEVPROC_RUN: 'r1' },
    // Added, changed and removed variables, an empty value, and names an object holds by default.
    withOwn({ ...Object.fromEntries(Object.entries(BASE).filter(([name]) => name !== 'PAD_3' && name !== 'LANG')), DEVPROC_RUN: 'r2', HOME: '/home/bob', EMPTY: '', constructor: 'c', toString: 't' }, '__proto__', 'p'),
    { ...BASE, DEVPROC_RUN: 'r3', 'WITH=SIGN': 'x', PAD_0: 'value 0 changed' },
    { PATH: BASE.PATH, ONLY: 'this', DEVPROC_RUN: 'r4' },
  ];
  for (const env of sequence) {
    const expected = await childEnv(childProcessLauncher, env);
    assert.deepEqual(await childEnv(launcher, env), expected, `the environment of ${env.DEVPROC_RUN}`);
  }
});
