import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { alive, fixture, makeEngine, nodeSpec, reap, repoRoot, scratchDir, treePids, waitForLine } from '../helpers';

describe('engine: exits are classified', () => {
  test('exit 0 ends completed, with its output and exit line', async (t) => {
    const engine = makeEngine(t, [nodeSpec('ok', 'exit.js', ['0'], { kind: 'job' })]);
    const id = await engine.spawn('ok');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'completed');
    assert.equal(snap.exitCode, 0);
    assert.equal(snap.error, null);
    assert.equal(snap.attempts, 1);
    assert.ok(snap.startedAt! <= snap.endedAt!);
    const texts = engine.output(id).map((l) => l.text);
    assert.ok(texts.includes('exiting with 0'));
    assert.match(texts.at(-1)!, /exited with code 0/);
  });

  test('non-zero exit ends failed with code exit-code', async (t) => {
    const engine = makeEngine(t, [nodeSpec('bad', 'exit.js', ['3'], { kind: 'job' })]);
    const id = await engine.spawn('bad');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.exitCode, 3);
    assert.equal(snap.error?.code, 'exit-code');
    assert.match(snap.error!.message, /"bad" failed: exited with code 3/);
  });

  test('death by a signal ends failed with code crashed', async (t) => {
    const engine = makeEngine(t, [nodeSpec('crashy', 'crash.js', ['SIGSEGV'])]);
    const id = await engine.spawn('crashy');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.signal, 'SIGSEGV');
    assert.equal(snap.error?.code, 'crashed');
  });

  test('a command that does not exist fails with spawn-failed naming it', async (t) => {
    const engine = makeEngine(t, [{ ...nodeSpec('missing', 'exit.js'), command: 'no-such-command-dpm', args: [] }]);
    const id = await engine.spawn('missing');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.error?.code, 'spawn-failed');
    assert.match(snap.error!.message, /"missing" could not start: command "no-such-command-dpm" was not found/);
    assert.equal(snap.pid, null);
  });

  test('a file without execute permission fails with permission', async (t) => {
    const dir = scratchDir('dpm-');
    const script = path.join(dir, 'not-executable.sh');
    fs.writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const engine = makeEngine(t, [{ ...nodeSpec('noperm', 'exit.js'), command: script, args: [] }]);
    const id = await engine.spawn('noperm');
    await engine.whenDone(id);
    assert.equal(engine.get(id)!.error?.code, 'permission');
  });

  test('a working directory that does not exist fails before spawning, naming it', async (t) => {
    const engine = makeEngine(t, [nodeSpec('nocwd', 'exit.js', [], { cwd: '/no/such/dir' })]);
    const id = await engine.spawn('nocwd');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.error?.code, 'spawn-failed');
    assert.match(snap.error!.message, /working directory \/no\/such\/dir does not exist/);
  });

  test('an unknown definition name rejects with the names that exist', async (t) => {
    const engine = makeEngine(t, [nodeSpec('a', 'exit.js')]);
    await assert.rejects(engine.spawn('nope'), /no definition named "nope" \(defined: "a"\)/);
  });
});

describe('engine: stopping takes the whole tree down', () => {
  test('kill stops a running service and ends terminated', async (t) => {
    const engine = makeEngine(t, [nodeSpec('svc', 'hang.js')]);
    const id = await engine.spawn('svc');
    await waitForLine(engine, id, /^ready$/);
    assert.equal(engine.get(id)!.state, 'running');
    const pid = engine.get(id)!.pid!;
    await engine.kill(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'terminated');
    assert.equal(snap.error?.code, 'canceled');
    assert.equal(snap.signal, 'SIGTERM');
    assert.deepEqual(alive([pid]), []);
  });

  test('a process that ignores SIGTERM is killed after the grace period', async (t) => {
    const engine = makeEngine(t, [nodeSpec('stubborn', 'ignore-term.js')], { stopTimeoutMs: 300 });
    const id = await engine.spawn('stubborn');
    await waitForLine(engine, id, /^ready$/);
    const pid = engine.get(id)!.pid!;
    const started = Date.now();
    await engine.kill(id);
    assert.ok(Date.now() - started >= 290, 'waited for the grace period');
    assert.equal(engine.get(id)!.signal, 'SIGKILL');
    assert.match(engine.output(id).at(-1)!.text, /killed \(SIGKILL\)/);
    assert.deepEqual(alive([pid]), []);
  });

  test('children and grandchildren go too, including ones that left the group with setsid', async (t) => {
    const engine = makeEngine(t, [nodeSpec('tree', 'fork-tree.js', ['3', '--setsid'])]);
    const id = await engine.spawn('tree');
    const pids = await treePids(engine, id);
    t.after(() => reap(pids));
    assert.equal(pids.length, 7);
    assert.deepEqual(alive(pids).length, 7);
    await engine.kill(id);
    assert.deepEqual(alive(pids), []);
  });

  test('a tree that ignores SIGTERM everywhere is gone after SIGKILL', async (t) => {
    const engine = makeEngine(t, [nodeSpec('tree', 'fork-tree.js', ['2', '--ignore-term', '--setsid'])], { stopTimeoutMs: 200 });
    const id = await engine.spawn('tree');
    const pids = await treePids(engine, id);
    t.after(() => reap(pids));
    await engine.kill(id);
    assert.deepEqual(alive(pids), []);
  });

  test('children left behind by a leader that exited on its own are swept', async (t) => {
    const engine = makeEngine(t, [nodeSpec('leaver', 'fork-tree.js', ['2', '--exit'], { kind: 'job' })]);
    const id = await engine.spawn('leaver');
    const pids = await treePids(engine, id);
    t.after(() => reap(pids));
    await engine.whenDone(id);
    assert.equal(engine.get(id)!.state, 'completed');
    assert.deepEqual(alive(pids), []);
  });

  test('shutdown stops every process it started', async (t) => {
    const engine = makeEngine(t, [nodeSpec('a', 'hang.js'), nodeSpec('b', 'fork-tree.js', ['2'])]);
    const a = await engine.spawn('a');
    const b = await engine.spawn('b');
    await waitForLine(engine, a, /^ready$/);
    const pids = [engine.get(a)!.pid!, ...(await treePids(engine, b))];
    t.after(() => reap(pids));
    await engine.shutdown(500);
    assert.deepEqual(alive(pids), []);
    await assert.rejects(engine.spawn('a'), /shut down/);
  });

  test('killAll stops every run and resolves when all are gone', async (t) => {
    const engine = makeEngine(t, [nodeSpec('a', 'hang.js'), nodeSpec('b', 'ignore-term.js')], { stopTimeoutMs: 200 });
    const ids = [await engine.spawn('a'), await engine.spawn('b')];
    for (const id of ids) await waitForLine(engine, id, /^ready$/);
    const pids = ids.map((id) => engine.get(id)!.pid!);
    await engine.killAll();
    assert.deepEqual(ids.map((id) => engine.get(id)!.state), ['terminated', 'terminated']);
    assert.deepEqual(alive(pids), []);
  });
});

describe('engine: runs, ids and input', () => {
  test('spawning a running service again returns the same run; a job gets a new run', async (t) => {
    const engine = makeEngine(t, [nodeSpec('svc', 'hang.js'), nodeSpec('job', 'exit.js', ['0', '300'], { kind: 'job' })]);
    const first = await engine.spawn('svc');
    assert.equal(await engine.spawn('svc'), first);
    const j1 = await engine.spawn('job');
    const j2 = await engine.spawn('job');
    assert.notEqual(j1, j2);
  });

  test('restart creates a new run with a new id and stops the old one', async (t) => {
    const engine = makeEngine(t, [nodeSpec('svc', 'hang.js')]);
    const first = await engine.spawn('svc');
    await waitForLine(engine, first, /^ready$/);
    const oldPid = engine.get(first)!.pid!;
    const second = await engine.restart(first);
    assert.notEqual(second, first);
    assert.equal(engine.get(first)!.state, 'terminated');
    assert.deepEqual(alive([oldPid]), []);
    await waitForLine(engine, second, /^ready$/);
    assert.equal(engine.get(second)!.state, 'running');
    // A definition name acts on its latest run.
    assert.equal(engine.get('svc')!.id, second);
  });

  test('sendInput writes a line to stdin', async (t) => {
    const engine = makeEngine(t, [nodeSpec('echo', 'echo.js')]);
    const id = await engine.spawn('echo');
    await waitForLine(engine, id, /^ready$/);
    engine.sendInput(id, 'hello there');
    assert.equal(await waitForLine(engine, id, /^echo: /), 'echo: hello there');
    engine.sendInput('echo', 'exit');
    await engine.whenDone(id);
    assert.equal(engine.get(id)!.state, 'completed');
    assert.throws(() => engine.sendInput(id, 'late'), /is completed; input can only go to a running process/);
  });

  test('an ad-hoc command line runs through the shell', async (t) => {
    const engine = makeEngine(t, [], { defaultCwd: repoRoot });
    const id = await engine.runCommandLine('echo one && echo two | tr a-z A-Z');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'completed');
    assert.equal(snap.adhoc, true);
    assert.deepEqual(engine.output(id).filter((l) => l.stream === 'stdout').map((l) => l.text), ['one', 'TWO']);
  });

  test('the definition status tells when a running definition changed or was removed', async (t) => {
    const spec = nodeSpec('svc', 'hang.js');
    const engine = makeEngine(t, [spec]);
    const id = await engine.spawn('svc');
    assert.equal(engine.get(id)!.definitionStatus, 'current');
    engine.setDefinitions([{ ...spec, args: [...spec.args, 'x'] }]);
    assert.equal(engine.get(id)!.definitionStatus, 'changed');
    assert.equal(engine.get(id)!.state !== 'terminated', true, 'a changed definition does not stop its run');
    engine.setDefinitions([]);
    assert.equal(engine.get(id)!.definitionStatus, 'removed');
    await assert.rejects(engine.restart(id), /definition was removed/);
  });

  test('finished runs are kept up to the history limit per definition', async (t) => {
    const engine = makeEngine(t, [nodeSpec('job', 'exit.js', ['0'], { kind: 'job' })], { historyPerDefinition: 3 });
    for (let i = 0; i < 6; i++) await engine.whenDone(await engine.spawn('job'));
    assert.equal(engine.list().length, 3);
  });

  test('change events fire for every state a run passes through', async (t) => {
    const engine = makeEngine(t, [nodeSpec('job', 'exit.js', ['0'], { kind: 'job' })]);
    const states: string[] = [];
    engine.onDidChange((s) => s && states.push(s.state));
    await engine.whenDone(await engine.spawn('job'));
    assert.deepEqual(states, ['queued', 'starting', 'running', 'completed']);
  });
});

describe('engine: environment and output', () => {
  test('env precedence: host, then env file, then definition; editor variables dropped', async (t) => {
    const dir = scratchDir('dpm-');
    const envFile = path.join(dir, '.env');
    fs.writeFileSync(envFile, 'FROM_FILE=file\nBOTH=file\n# comment\nexport QUOTED="a b"\n');
    const engine = makeEngine(
      t,
      [nodeSpec('env', 'env.js', ['HOST_ONLY', 'FROM_FILE', 'BOTH', 'QUOTED', 'VSCODE_PID', 'ELECTRON_RUN_AS_NODE'], { kind: 'job', envFile, env: { BOTH: 'definition' } })],
      { hostEnv: { PATH: process.env.PATH, HOST_ONLY: 'host', BOTH: 'host', VSCODE_PID: '1', ELECTRON_RUN_AS_NODE: '1' } },
    );
    const id = await engine.spawn('env');
    await engine.whenDone(id);
    const line = engine.output(id).find((l) => l.text.startsWith('env '))!.text;
    assert.deepEqual(JSON.parse(line.slice(4)), {
      HOST_ONLY: 'host', FROM_FILE: 'file', BOTH: 'definition', QUOTED: 'a b', VSCODE_PID: null, ELECTRON_RUN_AS_NODE: null,
    });
  });

  test('an env file that does not parse fails the start with the line at fault', async (t) => {
    const dir = scratchDir('dpm-');
    const envFile = path.join(dir, '.env');
    fs.writeFileSync(envFile, 'GOOD=1\nthis is not an assignment\n');
    const engine = makeEngine(t, [nodeSpec('env', 'env.js', [], { envFile })]);
    const id = await engine.spawn('env');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.error?.code, 'spawn-failed');
    assert.match(snap.error!.message, /"envFile" .*\.env has lines that are not NAME=value: line 2: expected NAME=value\.$/);
  });

  test('odd output: invalid UTF-8, CRLF, progress, colours, stderr, no final newline', async (t) => {
    const engine = makeEngine(t, [nodeSpec('odd', 'odd-output.js', [], { kind: 'job' })]);
    const id = await engine.spawn('odd');
    await engine.whenDone(id);
    const lines = engine.output(id).filter((l) => l.stream !== 'system');
    const stdout = lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
    assert.deepEqual(stdout, ['bad: \uFFFD\uFFFD', 'crlf line', 'progress 100%', 'red text', 'split across chunks', 'no newline at end']);
    assert.deepEqual(lines.filter((l) => l.stream === 'stderr').map((l) => l.text), ['to stderr']);
  });

  test('a flood of output keeps the ring bounded and the latest lines', async (t) => {
    const engine = makeEngine(t, [nodeSpec('flood', 'flood.js', ['20'], { kind: 'job' })]);
    const id = await engine.spawn('flood');
    let delivered = 0;
    engine.onDidOutput((e) => (delivered += e.lines.length));
    await engine.whenDone(id);
    assert.equal(engine.get(id)!.state, 'completed');
    const kept = engine.output(id);
    assert.ok(kept.length <= 5000, `ring holds ${kept.length} lines`);
    assert.ok(delivered >= 200_000, `every line was delivered (${delivered})`);
  });

  test('an ingest cap holds the reading to its rate and drops no line', async (t) => {
    // flood.js 2 writes 2 MiB in blocks of 655 lines; at 1 MB/s, past the first burst of
    // 100 KB, reading it all cannot take less than about 2 s, however fast the machine.
    const engine = makeEngine(t, [nodeSpec('capped', 'flood.js', ['2'], { kind: 'job', maxOutputMBps: 1 })]);
    let delivered = 0;
    engine.onDidOutput((e) => (delivered += e.lines.filter((l) => l.stream === 'stdout').length));
    const started = performance.now();
    const id = await engine.spawn('capped');
    await engine.whenDone(id);
    const tookMs = performance.now() - started;
    assert.equal(engine.get(id)!.state, 'completed');
    assert.equal(delivered, Math.ceil((2 * 1024 * 1024) / 65_500) * 655);
    assert.ok(tookMs >= 1500, `read 2 MiB in ${tookMs.toFixed(0)} ms under a 1 MB/s cap`);
  });

  test('output with no newlines at all stays bounded in memory', async (t) => {
    const engine = makeEngine(t, [nodeSpec('blob', 'flood.js', ['20', '--no-newlines'], { kind: 'job' })]);
    const id = await engine.spawn('blob');
    await engine.whenDone(id);
    const kept = engine.output(id);
    const chars = kept.reduce((n, l) => n + l.text.length, 0);
    assert.ok(chars * 2 <= 2 * 1024 * 1024 + 128 * 1024, `ring holds ${chars} characters`);
    assert.ok(kept.filter((l) => l.stream === 'stdout').every((l) => l.text.length <= 64 * 1024));
  });
});

test('fixture paths resolve', () => {
  assert.ok(fs.existsSync(fixture('hang.js')));
});
