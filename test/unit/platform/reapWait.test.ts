import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_SERVICE_RESTART } from '../../../src/core/defaults';
import type { ProcessEngine } from '../../../src/engine/engine';
import { processTable } from '../../../src/platform/processes';
import { makeEngine, nodeSpec, waitFor, waitForLine } from '../helpers';

/** A lock file for lock-server.js, in a folder removed after the test. */
function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-reap-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The pid the server of a lock-tree.js run recorded: the process that turns into a zombie. */
function serverPid(dir: string): number {
  return Number(fs.readFileSync(path.join(dir, 'lock'), 'utf8'));
}

async function restartAndSettle(engine: ProcessEngine, id: string): Promise<string> {
  const fresh = await engine.restart(id);
  await waitForLine(engine, fresh, /^(ready|Found another dev process)/);
  return fresh;
}

describe('a new process of a definition waits until the old tree is reaped', () => {
  test('a restart waits for the old server\'s zombie, so a lock check like Vite\'s lets it start', async (t) => {
    const dir = tempDir(t);
    const engine = makeEngine(t, [nodeSpec('vite', 'lock-tree.js', [path.join(dir, 'lock'), '600'])]);
    const id = await engine.spawn('vite');
    await waitForLine(engine, id, /^ready$/);
    const old = serverPid(dir);
    const fresh = await restartAndSettle(engine, id);
    const texts = engine.output(fresh).map((l) => l.text);
    assert.ok(!texts.some((l) => l.startsWith('Found another')), texts.join('\n'));
    const waited = texts.find((l) => l.startsWith('Waited '));
    assert.match(waited ?? '', new RegExp(`^Waited \\d+(\\.\\d)? s for the previous processes of "vite" to be reaped \\(pid ${old}\\) before starting\\.$`));
    assert.ok(texts.indexOf(waited!) < texts.findIndex((l) => l.startsWith('Started: ')));
    assert.equal(processTable.stat(old), undefined, 'the zombie was reaped before the start');
  });

  test('without the wait the same restart races the zombie (the fixture shows the bug)', async (t) => {
    const dir = tempDir(t);
    const engine = makeEngine(t, [nodeSpec('vite', 'lock-tree.js', [path.join(dir, 'lock'), '1500'])], { reapWaitMs: 0 });
    const id = await engine.spawn('vite');
    await waitForLine(engine, id, /^ready$/);
    const fresh = await restartAndSettle(engine, id);
    assert.ok(engine.output(fresh).some((l) => l.text.startsWith('Found another dev process')));
  });

  test('the wait is bounded: past it the start goes ahead and says so', async (t) => {
    const dir = tempDir(t);
    const engine = makeEngine(t, [nodeSpec('vite', 'lock-tree.js', [path.join(dir, 'lock'), '3000'])], { reapWaitMs: 300 });
    const id = await engine.spawn('vite');
    await waitForLine(engine, id, /^ready$/);
    const old = serverPid(dir);
    const fresh = await restartAndSettle(engine, id);
    const line = await waitForLine(engine, fresh, /^Starting anyway/);
    assert.match(line, new RegExp(`were not reaped within \\d+(\\.\\d)? s \\(pid ${old} still listed, e\\.g\\. as zombies\\)`));
    assert.ok(engine.output(fresh).some((l) => l.text.startsWith('Found another dev process')), 'the zombie is still there');
  });

  test('a crash restart waits too', async (t) => {
    const dir = tempDir(t);
    const restart = { ...DEFAULT_SERVICE_RESTART, initialDelayMs: 10, jitter: 0, maxRestarts: 2, windowMs: 60_000 };
    const engine = makeEngine(t, [nodeSpec('vite', 'lock-tree.js', [path.join(dir, 'lock'), '600', path.join(dir, 'crashed')], { restart })]);
    const id = await engine.spawn('vite');
    await waitFor(() => engine.get(id)?.restarts === 1, 'the crash restart');
    // The first server's "ready" may be lost: the run ends when its main process exits, which can
    // be before the server's line is read. What counts is a "ready" after the second start.
    const readyAfterRestart = () => {
      const texts = engine.output(id).map((l) => l.text);
      const second = texts.findIndex((l, i) => l.startsWith('Started: ') && texts.slice(0, i).some((m) => m.startsWith('Started: ')));
      return second >= 0 && texts.slice(second).includes('ready');
    };
    await waitFor(readyAfterRestart, 'the second server to start', 10_000)
      .catch((err: Error) => assert.fail(`${err.message}; output:\n${engine.output(id).map((l) => l.text).join('\n')}`));
    assert.ok(engine.output(id).some((l) => l.text.startsWith('Waited ')));
    assert.ok(!engine.output(id).some((l) => l.text.startsWith('Found another')));
  });

  test('a stop during the wait starts nothing', async (t) => {
    const dir = tempDir(t);
    const engine = makeEngine(t, [nodeSpec('vite', 'lock-tree.js', [path.join(dir, 'lock'), '800'])]);
    const id = await engine.spawn('vite');
    await waitForLine(engine, id, /^ready$/);
    const fresh = await engine.restart(id);
    await waitFor(() => engine.get(fresh)?.state === 'starting', 'the new run to wait');
    await engine.kill(fresh);
    await new Promise((r) => setTimeout(r, 1200));
    const snap = engine.get(fresh)!;
    assert.equal(snap.state, 'terminated');
    assert.equal(snap.pid, null);
    assert.ok(!engine.output(fresh).some((l) => l.text.startsWith('Started: ')));
  });
});
