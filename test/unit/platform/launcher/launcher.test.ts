import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { EngineOptions, ProcessEngine } from '../../../../src/engine/engine';
import { childProcessLauncher, HelperLauncher, findHelperScript } from '../../../../src/platform/launcher';
import { isGone } from '../../../../src/platform/procfs';
import { processTable } from '../../../../src/platform/processes';
import type { ProcessSpec } from '../../../../src/core/types';
import { alive, makeEngine, nodeSpec, reap, repoRoot, treePids, waitFor, waitForLine } from '../../helpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');

type TestContext = { after(fn: () => unknown): void };

/** An engine whose processes start through a HelperLauncher of its own; both go after the test. */
function helperEngine(t: TestContext, specs: ProcessSpec[], options: EngineOptions = {}, helperScript = HELPER_SCRIPT) {
  const launcher = new HelperLauncher({ helperScript });
  const engine = makeEngine(t, specs, { ...options, launcher });
  // After-hooks run in the order they were added: the engine stops its processes, then the helper goes.
  t.after(() => launcher.dispose());
  return { engine, launcher };
}

/** A temporary file, removed after the test. */
function tempFile(t: TestContext, name: string, text: string, mode = 0o644): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-launcher-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text, { mode });
  return file;
}

const waitGone = (pid: number, what: string) => waitFor(() => isGone(processTable, pid), what);

async function runToEnd(engine: ProcessEngine, name: string) {
  const id = await engine.spawn(name);
  await engine.whenDone(id);
  return { id, snap: engine.get(id)! };
}

describe('HelperLauncher: exits and spawn errors, as the in-process launcher reports them', () => {
  test('exit 0 completes, a non-zero exit fails with its code', async (t) => {
    const { engine } = helperEngine(t, [nodeSpec('ok', 'exit.js', ['0'], { kind: 'job' }), nodeSpec('bad', 'exit.js', ['3'], { kind: 'job' })]);
    const ok = await runToEnd(engine, 'ok');
    assert.equal(ok.snap.state, 'completed');
    assert.equal(ok.snap.exitCode, 0);
    assert.ok(engine.output(ok.id).some((l) => l.text === 'exiting with 0'));
    const bad = await runToEnd(engine, 'bad');
    assert.equal(bad.snap.state, 'failed');
    assert.equal(bad.snap.exitCode, 3);
    assert.equal(bad.snap.error?.code, 'exit-code');
  });

  test('death by a signal fails with crashed and the signal', async (t) => {
    const { engine } = helperEngine(t, [nodeSpec('crashy', 'crash.js', ['SIGSEGV'])]);
    const { snap } = await runToEnd(engine, 'crashy');
    assert.equal(snap.signal, 'SIGSEGV');
    assert.equal(snap.error?.code, 'crashed');
  });

  test('a command that does not exist fails with spawn-failed naming it', async (t) => {
    const { engine } = helperEngine(t, [{ ...nodeSpec('missing', 'exit.js'), command: 'no-such-command-dpm', args: [] }]);
    const { snap } = await runToEnd(engine, 'missing');
    assert.equal(snap.error?.code, 'spawn-failed');
    assert.match(snap.error!.message, /command "no-such-command-dpm" was not found \(ENOENT\)/);
    assert.equal(snap.pid, null);
  });

  test('a file without execute permission fails with permission', async (t) => {
    const script = tempFile(t, 'not-executable.sh', '#!/bin/sh\necho hi\n');
    const { engine } = helperEngine(t, [{ ...nodeSpec('noperm', 'exit.js'), command: script, args: [] }]);
    const { snap } = await runToEnd(engine, 'noperm');
    assert.equal(snap.error?.code, 'permission');
  });

  test('a spawn that throws (a NUL byte in env) fails with spawn-failed, through the helper and in-process', async (t) => {
    const spec = nodeSpec('nul', 'exit.js', ['0'], { kind: 'job', env: { BAD: 'a\u0000b' } });
    const { engine } = helperEngine(t, [spec]);
    const inProcess = makeEngine(t, [spec], { launcher: childProcessLauncher });
    for (const e of [engine, inProcess]) {
      const { snap } = await runToEnd(e, 'nul');
      assert.equal(snap.error?.code, 'spawn-failed');
      assert.match(snap.error!.message, /"env\.BAD" contains a NUL character/);
    }
  });

  test('a shell command line runs through /bin/sh', async (t) => {
    const { engine } = helperEngine(t, [], { defaultCwd: repoRoot });
    const id = await engine.runCommandLine('echo one && echo two | tr a-z A-Z');
    await engine.whenDone(id);
    assert.equal(engine.get(id)!.state, 'completed');
    assert.deepEqual(engine.output(id).filter((l) => l.stream === 'stdout').map((l) => l.text), ['one', 'TWO']);
  });

  test('the child gets exactly the environment asked for, nothing of the helper', async (t) => {
    const names = ['HOST_ONLY', 'DPM_LAUNCHER_SOCKET', 'DPM_LAUNCHER_TOKEN', 'ELECTRON_RUN_AS_NODE', 'NODE_CHANNEL_FD'];
    const { engine } = helperEngine(t, [nodeSpec('env', 'env.js', names, { kind: 'job' })], { hostEnv: { PATH: process.env.PATH, HOST_ONLY: 'host' } });
    const { id } = await runToEnd(engine, 'env');
    const line = engine.output(id).find((l) => l.text.startsWith('env '))!.text;
    assert.deepEqual(JSON.parse(line.slice(4)), {
      HOST_ONLY: 'host', DPM_LAUNCHER_SOCKET: null, DPM_LAUNCHER_TOKEN: null, ELECTRON_RUN_AS_NODE: null, NODE_CHANNEL_FD: null,
    });
  });
});

describe('HelperLauncher: streams go straight between the child and the host', () => {
  test('sendInput reaches stdin and the echo comes back; the child leads its own group', async (t) => {
    const { engine } = helperEngine(t, [nodeSpec('echo', 'echo.js')]);
    const id = await engine.spawn('echo');
    await waitForLine(engine, id, /^ready$/);
    const pid = engine.get(id)!.pid!;
    assert.equal(processTable.stat(pid)?.pgid, pid);
    engine.sendInput(id, 'hello there');
    assert.equal(await waitForLine(engine, id, /^echo: /), 'echo: hello there');
    engine.sendInput(id, 'exit');
    await engine.whenDone(id);
    assert.equal(engine.get(id)!.state, 'completed');
  });

  test('20 MB on stdout and 20 MB on stderr arrive as whole lines, every one of them', async (t) => {
    const { engine } = helperEngine(t, [
      nodeSpec('out', 'flood.js', ['20'], { kind: 'job' }),
      nodeSpec('err', 'flood.js', ['20', '--stderr'], { kind: 'job' }),
    ]);
    const counts = { stdout: 0, stderr: 0 };
    let broken = 0;
    const line = 'x'.repeat(99);
    engine.onDidOutput((e) => {
      for (const l of e.lines) {
        if (l.stream === 'system') continue;
        counts[l.stream]++;
        if (l.text !== line) broken++;
      }
    });
    const ids = await Promise.all([engine.spawn('out'), engine.spawn('err')]);
    await Promise.all(ids.map((id) => engine.whenDone(id)));
    assert.deepEqual(ids.map((id) => engine.get(id)!.state), ['completed', 'completed']);
    // flood.js writes whole blocks of 655 lines until it passed 20 MB: 321 blocks.
    assert.deepEqual(counts, { stdout: 321 * 655, stderr: 321 * 655 });
    assert.equal(broken, 0);
  });
});

describe('HelperLauncher: stopping, and the helper going away', () => {
  test('kill takes the whole tree down, grandchildren that called setsid too', async (t) => {
    const { engine } = helperEngine(t, [nodeSpec('tree', 'fork-tree.js', ['3', '--setsid'])]);
    const id = await engine.spawn('tree');
    const pids = await treePids(engine, id);
    t.after(() => reap(pids));
    assert.equal(alive(pids).length, 7);
    await engine.kill(id);
    assert.equal(engine.get(id)!.state, 'terminated');
    assert.deepEqual(alive(pids), []);
  });

  test('SIGKILL to the helper: a quiet child runs on without its stdio (held by the helper), is still stopped, and the next launch starts a new helper', async (t) => {
    const { engine, launcher } = helperEngine(t, [nodeSpec('quiet', 'hang.js'), nodeSpec('svc', 'hang.js')]);
    const id = await engine.spawn('quiet');
    await waitForLine(engine, id, /^ready$/);
    const pid = engine.get(id)!.pid!;
    t.after(() => reap([pid]));
    const helper = launcher.helperPid!;
    process.kill(helper, 'SIGKILL');
    await waitGone(helper, 'the helper to die');
    await waitFor(() => launcher.helperPid !== helper, 'the launcher to notice');
    assert.deepEqual(alive([pid]), [pid]);
    assert.equal(engine.get(id)!.state, 'running');

    await engine.kill(id);
    assert.equal(engine.get(id)!.state, 'terminated');
    assert.deepEqual(alive([pid]), []);

    const next = await engine.spawn('svc');
    await waitForLine(engine, next, /^ready$/);
    assert.equal(engine.get(next)!.state, 'running');
    assert.ok(launcher.helperPid !== undefined && launcher.helperPid !== helper, 'a new helper runs');
  });

  test('a launch the helper never confirmed fails with spawn-failed saying why', async (t) => {
    const dying = tempFile(t, 'dying-helper.js', "process.on('message', () => process.exit(7));\n");
    const { engine } = helperEngine(t, [nodeSpec('job', 'exit.js', ['0'], { kind: 'job' })], {}, dying);
    const { snap } = await runToEnd(engine, 'job');
    assert.equal(snap.error?.code, 'spawn-failed');
    assert.match(snap.error!.message, /the launcher helper process ended \(exit code 7\) before confirming the start/);
  });

  test('a missing helper script fails the launch naming the file', async (t) => {
    const { engine } = helperEngine(t, [nodeSpec('job', 'exit.js', ['0'], { kind: 'job' })], {}, '/no/such/launcherHost.js');
    const { snap } = await runToEnd(engine, 'job');
    assert.equal(snap.error?.code, 'spawn-failed');
    assert.match(snap.error!.message, /launcher helper \/no\/such\/launcherHost\.js does not exist/);
  });

  test('dispose stops the helper; later launches fail', async (t) => {
    const { engine, launcher } = helperEngine(t, [nodeSpec('job', 'exit.js', ['0'], { kind: 'job' })]);
    assert.equal(launcher.helperPid, undefined, 'no helper before the first launch');
    assert.equal((await runToEnd(engine, 'job')).snap.state, 'completed');
    const helper = launcher.helperPid!;
    launcher.dispose();
    await waitGone(helper, 'the helper to exit');
    const { snap } = await runToEnd(engine, 'job');
    assert.match(snap.error!.message, /launcher was shut down/);
  });

  test('the helper exits when its host goes away', async (t) => {
    // A host of its own, killed outright: the helper sees its channel close and leaves.
    const script = tempFile(t, 'host.js', `
      const { spawn } = require('node:child_process');
      const helper = spawn(process.execPath, [${JSON.stringify(HELPER_SCRIPT)}], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        env: { ...process.env, DPM_LAUNCHER_SOCKET: '/nonexistent', DPM_LAUNCHER_TOKEN: 'x' },
      });
      console.log(helper.pid);
      setInterval(() => {}, 1 << 30);
    `);
    const host = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const helperPid = await new Promise<number>((resolve) => host.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    t.after(() => reap([host.pid!, helperPid]));
    assert.equal(isGone(processTable, helperPid), false);
    host.kill('SIGKILL');
    await waitGone(helperPid, 'the helper to exit after its host died');
  });

  test('the helper bundle is found from the bundled tests', () => {
    assert.equal(findHelperScript(__dirname), HELPER_SCRIPT);
  });
});

describe('HelperLauncher: output order', () => {
  /** Runs a command line and returns its lines as "stream text", and the lines as the output events gave them. */
  async function linesOf(t: TestContext, commandLine: string) {
    const { engine } = helperEngine(t, [], { defaultCwd: repoRoot });
    const events: string[] = [];
    const subscription = engine.onDidOutput((e) => events.push(...e.lines.map((l) => `${l.stream} ${l.text}`)));
    t.after(() => subscription.dispose());
    const id = await engine.runCommandLine(commandLine);
    await engine.whenDone(id);
    const ring = engine.output(id).map((l) => `${l.stream} ${l.text}`);
    return { ring, events: events.filter((e) => ring.includes(e)) };
  }

  test('a short job: the Started line first, the exit line last, every line in between (10 runs)', async (t) => {
    for (let i = 0; i < 10; i++) {
      const { ring, events } = await linesOf(t, 'echo alpha; echo beta >&2; echo gamma');
      assert.match(ring[0], /^system Started: /, ring.join('\n'));
      assert.match(ring[ring.length - 1], /^system .*exited with code 0/, ring.join('\n'));
      assert.deepEqual(ring.slice(1, -1).sort(), ['stderr beta', 'stdout alpha', 'stdout gamma']);
      assert.deepEqual(events, ring, 'the output events come in the order the ring keeps');
    }
  });

  test('stdout and stderr lines keep the order they were read in', async (t) => {
    const { ring, events } = await linesOf(t, 'echo alpha; sleep 0.2; echo beta >&2; sleep 0.2; echo gamma');
    assert.deepEqual(ring.slice(1, -1), ['stdout alpha', 'stderr beta', 'stdout gamma']);
    assert.deepEqual(events, ring);
  });
});
