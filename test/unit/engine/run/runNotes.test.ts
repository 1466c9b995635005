import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_PROBE_TIMING, DEFAULT_SERVICE_RESTART } from '../../../../src/core/defaults';
import { makeEngine, nodeSpec, waitFor, waitForLine } from '../../helpers';

describe('run notes: what the output says about a run', () => {
  test('the "Ready: a line matched" line comes after the line that matched', async (t) => {
    const probe = { ...DEFAULT_PROBE_TIMING, type: 'log' as const, pattern: '^rea.y$' };
    const engine = makeEngine(t, [nodeSpec('logged', 'hang.js', [], { healthCheck: { readiness: probe } })]);
    const texts: string[] = [];
    engine.onDidOutput((e) => texts.push(...e.lines.map((l) => l.text)));
    const id = await engine.spawn('logged');
    await waitFor(() => engine.get(id)?.ready === true, 'ready from the log');
    const matched = texts.indexOf('ready');
    const said = texts.findIndex((l) => l.startsWith('Ready: a line matched'));
    assert.ok(matched >= 0 && said > matched, `order seen: ${JSON.stringify(texts)}`);
    const ring = engine.output(id).map((l) => l.text);
    assert.ok(ring.indexOf('ready') < ring.findIndex((l) => l.startsWith('Ready: a line matched')));
  });

  test('a service that exits 0 at once gets a hint in its output and state', async (t) => {
    const engine = makeEngine(t, [nodeSpec('vitest', 'exit.js', ['0'])]);
    const id = await engine.spawn('vitest');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'completed');
    assert.match(snap.hint ?? '', /^"vitest" exited 0 after \d+(\.\d)? s: a service is expected to keep running; does it need a TTY or a --watch flag\?$/);
    assert.ok(engine.output(id).some((l) => l.stream === 'system' && l.text === snap.hint));
  });

  test('a service restarted after a quick exit 0 says it each time; a job never does', async (t) => {
    const always = { ...DEFAULT_SERVICE_RESTART, policy: 'always' as const, initialDelayMs: 50, jitter: 0, maxRestarts: 1, windowMs: 60_000 };
    const engine = makeEngine(t, [nodeSpec('loop', 'exit.js', ['0'], { restart: always }), nodeSpec('once', 'exit.js', ['0'], { kind: 'job' })]);
    const loop = await engine.spawn('loop');
    const job = await engine.spawn('once');
    await Promise.all([engine.whenDone(loop), engine.whenDone(job)]);
    assert.equal(engine.output(loop).filter((l) => /a service is expected to keep running/.test(l.text)).length, 2);
    assert.equal(engine.get(job)!.hint, null);
    assert.ok(!engine.output(job).some((l) => /expected to keep running/.test(l.text)));
  });

  test('a service that ran longer than a few seconds gets no hint', async (t) => {
    // The clock jumps past the few seconds once the process has started.
    let offset = 0;
    const engine = makeEngine(t, [nodeSpec('slow', 'exit.js', ['0'])], { now: () => Date.now() + offset });
    engine.onDidOutput((e) => e.lines.some((l) => l.text.startsWith('Started: ')) && (offset = 6000));
    const id = await engine.spawn('slow');
    await engine.whenDone(id);
    assert.equal(engine.get(id)!.hint, null);
  });

  test('the start line and the snapshot name the executable found on the run\'s PATH', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-exe-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.symlinkSync(process.execPath, path.join(dir, 'node'));
    const spec = nodeSpec('web', 'hang.js', [], { command: 'node', env: { PATH: `${dir}:/usr/bin:/bin` } });
    const engine = makeEngine(t, [spec]);
    const id = await engine.spawn('web');
    const line = await waitForLine(engine, id, /^Started: /);
    const expected = path.join(dir, 'node');
    assert.ok(line.endsWith(` (node → ${expected})`), line);
    assert.match(line, /^Started: node \S*hang\.js \(pid \d+\) in /);
    assert.equal(engine.get(id)!.executable, expected);
  });

  test('a command given as a path is named as it is, with no arrow', async (t) => {
    const engine = makeEngine(t, [nodeSpec('abs', 'hang.js')]);
    const id = await engine.spawn('abs');
    const line = await waitForLine(engine, id, /^Started: /);
    assert.ok(!line.includes('→'), line);
    assert.equal(engine.get(id)!.executable, process.execPath);
  });
});
