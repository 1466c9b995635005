import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { getEventListeners } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_PROBE_TIMING } from '../../../../src/core/defaults';
import { HealthWatch } from '../../../../src/engine/health/healthWatch';
import { runProbe, type ProbeContext } from '../../../../src/engine/health/probes';
import { HelperLauncher } from '../../../../src/platform/launcher';
import { isGone } from '../../../../src/platform/procfs';
import { processTable } from '../../../../src/platform/processes';
import type { ProbeSpec } from '../../../../src/core/types';
import { alive, reap, repoRoot, waitFor } from '../../helpers';

type TestContext = { after(fn: () => unknown): void };

function launcherFor(t: TestContext): HelperLauncher {
  const launcher = new HelperLauncher();
  t.after(() => launcher.dispose());
  return launcher;
}

function context(launcher: HelperLauncher): ProbeContext {
  return { cwd: repoRoot, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, now: Date.now, launcher, table: processTable };
}

/** A generous timeout unless a test sets one: the first probe also starts the helper, on a busy machine. */
function probe(extra: Partial<ProbeSpec>): ProbeSpec {
  return { type: 'exec', ...DEFAULT_PROBE_TIMING, timeoutMs: 15_000, ...extra };
}

function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-probe-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('exec probes', () => {
  test('run through the launcher helper, not as children of the host', async (t) => {
    const launcher = launcherFor(t);
    const out = path.join(tempDir(t), 'ppid');
    const spec = probe({ command: '/bin/sh', args: ['-c', `echo $PPID > ${out}`] });
    const result = await runProbe(spec, context(launcher), new AbortController().signal);
    assert.equal(result.ok, true, result.message);
    assert.equal(Number(fs.readFileSync(out, 'utf8').trim()), launcher.helperPid);
  });

  test('a non-zero exit fails naming the command and the code', async (t) => {
    const launcher = launcherFor(t);
    const result = await runProbe(probe({ command: '/bin/sh', args: ['-c', 'exit 3'] }), context(launcher), new AbortController().signal);
    assert.equal(result.ok, false);
    assert.equal(result.message, '"/bin/sh" exited with 3');
  });

  test('a command that does not exist fails saying so', async (t) => {
    const launcher = launcherFor(t);
    const result = await runProbe(probe({ command: 'no-such-probe-dpm' }), context(launcher), new AbortController().signal);
    assert.equal(result.ok, false);
    assert.match(result.message, /"no-such-probe-dpm" failed: ENOENT/);
  });

  test('on timeout the whole tree is killed, a child in a session of its own too', async (t) => {
    const launcher = launcherFor(t);
    // Started first, so the timeout is all the probe's.
    assert.equal((await runProbe(probe({ command: '/bin/true' }), context(launcher), new AbortController().signal)).ok, true);
    const out = path.join(tempDir(t), 'pids');
    // The leader, a child in its group and a child that left it (setsid): all must go.
    const script = `sleep 60 & a=$!; setsid sleep 60 & b=$!; echo $$ $a $b > ${out}; wait`;
    const spec = probe({ command: '/bin/sh', args: ['-c', script], timeoutMs: 1000 });
    const result = await runProbe(spec, context(launcher), new AbortController().signal);
    const pids = fs.readFileSync(out, 'utf8').trim().split(' ').map(Number);
    t.after(() => reap(pids));
    assert.equal(result.ok, false);
    assert.equal(result.message, '"/bin/sh" did not finish within 1000 ms');
    assert.equal(pids.length, 3);
    await waitFor(() => alive(pids).length === 0, 'every process of the probe to be gone', 5000);
  });

  test('an abort (the run stopped) kills the probe tree', async (t) => {
    const launcher = launcherFor(t);
    const out = path.join(tempDir(t), 'pid');
    const abort = new AbortController();
    const running = runProbe(probe({ command: '/bin/sh', args: ['-c', `echo $$ > ${out}; sleep 60`], timeoutMs: 30_000 }), context(launcher), abort.signal);
    await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').trim() !== '', 'the probe to start');
    const pid = Number(fs.readFileSync(out, 'utf8').trim());
    t.after(() => reap([pid]));
    abort.abort();
    await running;
    await waitFor(() => isGone(processTable, pid), 'the probe to be killed', 5000);
  });
});

describe('HealthWatch', () => {
  for (const type of ['tcp', 'http'] as const) {
    test(`keeps the abort listeners flat over many ${type} probe intervals (no MaxListenersExceededWarning)`, async (t) => {
      const server = http.createServer((_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      t.after(() => server.close());
      const port = (server.address() as net.AddressInfo).port;
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      t.after(() => process.off('warning', onWarning));

      const launcher = launcherFor(t);
      let probes = 0;
      const liveness = probe({ type, port, url: `http://127.0.0.1:${port}/`, intervalMs: 1, timeoutMs: 1000 });
      const watch = new HealthWatch({ liveness }, context(launcher), { onChange: () => probes++, onHung: () => undefined, log: () => undefined });
      t.after(() => watch.dispose());
      const signal = (watch as unknown as { abort: AbortController }).abort.signal;
      watch.start();
      let most = 0;
      await waitFor(() => {
        most = Math.max(most, getEventListeners(signal, 'abort').length);
        return probes >= 300;
      }, '300 probes', 20_000);
      watch.dispose();
      assert.equal(watch.state.liveness, 'passing');
      // One probe in flight, and one wait between probes, at most.
      assert.ok(most <= 2, `at most 2 abort listeners at a time, saw ${most}`);
      assert.ok(!warnings.includes('MaxListenersExceededWarning'), 'no MaxListenersExceededWarning');
    });
  }
});

test("an http probe's failure message masks the URL's token, password and the run's secret values", async (t) => {
  const launcher = launcherFor(t);
  const ctx = { ...context(launcher), env: { PATH: '/usr/bin:/bin', API_KEY: 'key-from-env-77' } };
  const url = 'http://user:pw-secret-1@127.0.0.1:1/health?token=tok-secret-2&k=key-from-env-77';
  const result = await runProbe(probe({ type: 'http', url, timeoutMs: 2000 }), ctx, new AbortController().signal);
  assert.equal(result.ok, false);
  assert.match(result.message, /^GET http:\/\/user:\*+@127\.0\.0\.1:1\/health\?token=\*+/);
  for (const secret of ['pw-secret-1', 'tok-secret-2', 'key-from-env-77']) assert.ok(!result.message.includes(secret), result.message);
});
