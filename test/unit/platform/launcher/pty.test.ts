import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_SERVICE_RESTART } from '../../../../src/core/defaults';
import type { EngineOptions, ProcessEngine } from '../../../../src/engine/engine';
import { createChildProcessLauncher, HelperLauncher, type Launcher } from '../../../../src/platform/launcher';
import { processTable } from '../../../../src/platform/processes';
import type { ProcessSpec } from '../../../../src/core/types';
import { alive, makeEngine, nodeSpec, reap, repoRoot, treePids, waitFor, waitForLine } from '../../helpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');
const NO_PTY = ['/nonexistent/node-pty'];
/** Restarts at once, so that a test sees the next attempt soon. */
const ALWAYS = { ...DEFAULT_SERVICE_RESTART, policy: 'always' as const, initialDelayMs: 0, maxDelayMs: 0, jitter: 0 };

type TestContext = { after(fn: () => unknown): void };

/** A stand-in for node-pty whose spawn fails as forkpty does when the system has no pty left. */
function brokenPtyModule(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-broken-pty-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'index.js'), "exports.spawn = () => { throw new Error('forkpty(3) failed.'); };\n");
  return dir;
}

/** The two ways a process starts: through the helper, and in-process. Each case gets its own launcher. */
const launchers: [string, (ptyModules?: string[]) => Launcher & { dispose?(): void }][] = [
  ['helper', (ptyModules) => new HelperLauncher({ helperScript: HELPER_SCRIPT, ptyModules })],
  ['in-process', (ptyModules) => createChildProcessLauncher({ ptyModules })],
];

function ttyEngine(t: TestContext, make: (typeof launchers)[number][1], specs: ProcessSpec[], ptyModules?: string[], options: EngineOptions = {}): ProcessEngine {
  const launcher = make(ptyModules);
  const engine = makeEngine(t, specs, { ...options, launcher });
  t.after(() => launcher.dispose?.());
  return engine;
}

const ttySpec = (name: string, args: string[] = [], extra: Partial<ProcessSpec> = {}) => nodeSpec(name, 'tty.js', args, { tty: true, ...extra });

/** The `tty {...}` line the fixture prints first. */
async function ttyInfo(engine: ProcessEngine, id: string) {
  return JSON.parse((await waitForLine(engine, id, /^tty /)).slice(4));
}

for (const [kind, make] of launchers) {
  describe(`tty: true through the ${kind} launcher`, () => {
    test('the program sees a terminal on stdin, stdout and stderr, 120x30 until resized', async (t) => {
      const engine = ttyEngine(t, make, [ttySpec('term')]);
      const id = await engine.spawn('term');
      assert.deepEqual(await ttyInfo(engine, id), { stdout: true, stdin: true, stderr: true, size: '120x30', term: 'xterm-256color' });
      assert.equal(engine.get(id)!.tty, true);
      const pid = engine.get(id)!.pid!;
      // Its own session and group: a stop by group reaches everything it started.
      assert.equal(processTable.stat(pid)?.pgid, pid);
      assert.ok(!engine.output(id).some((l) => /runs on pipes/.test(l.text)));
    });

    test('a resize reaches the program (SIGWINCH) and is kept for the next attempt', async (t) => {
      const engine = ttyEngine(t, make, [ttySpec('term', [], { restart: ALWAYS })]);
      const id = await engine.spawn('term');
      await waitForLine(engine, id, /^ready$/);
      assert.equal(engine.resize(id, 100, 40), true);
      await waitForLine(engine, id, /^size 100x40$/);
      // An automatic restart keeps the run, and its size.
      const first = engine.get(id)!.pid!;
      process.kill(first, 'SIGKILL');
      await waitFor(() => engine.get(id)!.restarts === 1 && engine.get(id)!.state === 'running', 'the restart');
      await waitFor(() => engine.output(id).filter((l) => l.text.startsWith('tty ')).length === 2, 'the second tty line');
      assert.equal(JSON.parse(engine.output(id).filter((l) => l.text.startsWith('tty '))[1].text.slice(4)).size, '100x40');
      assert.throws(() => engine.resize(id, 0, 40), TypeError);
    });

    test('input arrives as typed: raw bytes, and Ctrl+C ends the program with SIGINT', async (t) => {
      const engine = ttyEngine(t, make, [ttySpec('raw', ['--raw']), ttySpec('cooked')]);
      const raw = await engine.spawn('raw');
      await waitForLine(engine, raw, /^ready$/);
      engine.sendInput(raw, 'a\u0001\u001b[A');
      assert.equal(await waitForLine(engine, raw, /^bytes /), 'bytes 61011b5b410a');
      const cooked = await engine.spawn('cooked');
      await waitForLine(engine, cooked, /^ready$/);
      engine.sendInput(cooked, '\u0003');
      await engine.whenDone(cooked);
      const snap = engine.get(cooked)!;
      assert.equal(snap.signal, 'SIGINT');
      assert.equal(snap.error?.code, 'crashed');
    });

    test('a stop takes down the whole tree on the terminal and leaves nothing behind', async (t) => {
      const engine = ttyEngine(t, make, [nodeSpec('tree', 'fork-tree.js', ['2'], { tty: true })]);
      const id = await engine.spawn('tree');
      const pids = await treePids(engine, id);
      t.after(() => reap(pids));
      assert.equal(pids.length, 5);
      await engine.kill(id);
      assert.deepEqual(alive(pids), []);
      assert.equal(engine.get(id)!.state, 'terminated');
    });

    test('a program on the terminal that ignores SIGTERM is killed after the grace, with its group', async (t) => {
      const engine = ttyEngine(t, make, [nodeSpec('stubborn', 'ignore-term.js', [], { tty: true })], undefined, { stopTimeoutMs: 300 });
      const id = await engine.spawn('stubborn');
      await waitForLine(engine, id, /^ready$/);
      const pid = engine.get(id)!.pid!;
      t.after(() => reap([pid]));
      await engine.kill(id);
      assert.deepEqual(alive([pid]), []);
      assert.ok(engine.output(id).some((l) => /killed \(SIGKILL\)/.test(l.text)));
    });

    test('exit codes, missing programs and colour output: as on pipes, in clean lines', async (t) => {
      const engine = ttyEngine(t, make, [
        ttySpec('paint', ['--paint'], { kind: 'job', env: { TERM: 'screen' } }),
        nodeSpec('three', 'exit.js', ['3'], { kind: 'job', tty: true }),
        { ...ttySpec('missing', [], { kind: 'job' }), command: 'no-such-command-dpm', args: [] },
      ]);
      const paint = await engine.spawn('paint');
      await engine.whenDone(paint);
      assert.equal(engine.get(paint)!.state, 'completed');
      const printed = engine.output(paint).filter((l) => l.stream !== 'system');
      // The definition's TERM wins over the pty's default.
      assert.equal(JSON.parse(printed[0].text.slice(4)).term, 'screen');
      // The pty merges stderr into stdout and ends lines with CRLF; colours and `\r` progress are cleaned.
      assert.deepEqual(printed.map((l) => [l.stream, l.text]).slice(1), [['stdout', 'red and green'], ['stdout', 'progress 100%'], ['stdout', 'to stderr']]);
      const three = await engine.spawn('three');
      await engine.whenDone(three);
      assert.equal(engine.get(three)!.exitCode, 3);
      assert.equal(engine.get(three)!.error?.code, 'exit-code');
      const missing = await engine.spawn('missing');
      await engine.whenDone(missing);
      assert.equal(engine.get(missing)!.error?.code, 'spawn-failed');
      assert.match(engine.get(missing)!.error!.message, /command "no-such-command-dpm" was not found \(ENOENT\)/);
    });

    test('a pty that cannot be opened: the run starts on pipes and says why', async (t) => {
      const engine = ttyEngine(t, make, [ttySpec('a')], [brokenPtyModule(t)]);
      const id = await engine.spawn('a');
      assert.equal((await ttyInfo(engine, id)).stdout, false);
      const said = engine.output(id).filter((l) => /runs on pipes/.test(l.text));
      assert.equal(said.length, 1);
      assert.match(said[0].text, /: the pseudo-terminal could not be opened \(forkpty\(3\) failed\.\)\.$/);
    });

    test('a flood on the terminal arrives whole, capped (the pty waits for the reader) or not', async (t) => {
      // The shell holds the terminal a moment after the flood: on Linux, output a program writes
      // just before the last holder of a pty closes it can be dropped under load, node-pty or not.
      const flood = (name: string, extra: Partial<ProcessSpec> = {}) =>
        nodeSpec(name, 'flood.js', [], { kind: 'job', tty: true, shell: true, command: `"${process.execPath}" "${path.join(repoRoot, 'test', 'fixtures', 'flood.js')}" 4; sleep 0.3`, args: [], ...extra });
      const engine = ttyEngine(t, make, [flood('flood'), flood('capped', { maxOutputMBps: 8 })]);
      for (const name of ['flood', 'capped']) {
        const id = await engine.spawn(name);
        let lines = 0;
        let broken = 0;
        const sub = engine.onDidOutput((e) => {
          if (e.id !== id) return;
          for (const l of e.lines) {
            if (l.stream === 'system') continue;
            lines++;
            if (l.text !== 'x'.repeat(99)) broken++;
          }
        });
        await engine.whenDone(id);
        sub.dispose();
        assert.equal(engine.get(id)!.state, 'completed', name);
        // 655 lines a block, as many blocks as 4 MiB takes.
        assert.equal(lines, Math.ceil((4 * 1024 * 1024) / (655 * 100)) * 655, name);
        assert.equal(broken, 0, name);
      }
    });

    test('without a loadable pty the run starts on pipes and says so once, and the engine once', async (t) => {
      const engine = ttyEngine(t, make, [ttySpec('a', [], { restart: ALWAYS }), ttySpec('b')], NO_PTY);
      const notices: { name: string; reason: string }[] = [];
      engine.onDidMissPty((n) => notices.push(n));
      const a = await engine.spawn('a');
      assert.deepEqual(await ttyInfo(engine, a), { stdout: false, stdin: false, stderr: false, size: 'undefinedxundefined', term: 'xterm-256color' });
      assert.equal(engine.get(a)!.tty, false);
      process.kill(engine.get(a)!.pid!, 'SIGKILL');
      await waitFor(() => engine.output(a).filter((l) => l.text.startsWith('tty ')).length === 2, 'the restarted attempt');
      const b = await engine.spawn('b');
      await ttyInfo(engine, b);
      const said = (id: string) => engine.output(id).filter((l) => l.stream === 'system' && /runs on pipes/.test(l.text));
      assert.equal(said(a).length, 1);
      assert.match(said(a)[0].text, /^"a" asked for a terminal \("tty": true\) but none is available, so it runs on pipes \(isatty is false\): node-pty could not be loaded \(\/nonexistent\/node-pty does not exist\)\.$/);
      assert.equal(said(b).length, 1);
      assert.equal(notices.length, 1);
      assert.equal(notices[0].name, 'a');
      assert.equal(engine.resize(a, 80, 24), false);
    });
  });
}
