import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixture, makeEngine, nodeSpec, waitForLine } from '../../helpers';

function tempFile(t: { after(fn: () => unknown): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devproc-stop-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'stopped');
}

describe('stop: as the program wants', () => {
  test('stop.signal SIGINT reaches the process, and says so in the output', async (t) => {
    const engine = makeEngine(t, [nodeSpec('int', 'stop-signal.js', [], { stop: { signal: 'SIGINT' } })]);
    const id = await engine.spawn('int');
    await waitForLine(engine, id, /^ready/);
    await engine.kill(id);
    const text = engine.output(id).map((l) => l.text);
    assert.ok(text.includes('got SIGINT'), text.join('\n'));
    assert.ok(text.includes('Stopping (SIGINT to the process group)...'), text.join('\n'));
    assert.equal(engine.get(id)!.state, 'terminated');
  });

  test('without stop, SIGTERM as before', async (t) => {
    const engine = makeEngine(t, [nodeSpec('term', 'stop-signal.js')]);
    const id = await engine.spawn('term');
    await waitForLine(engine, id, /^ready/);
    await engine.kill(id);
    assert.ok(engine.output(id).some((l) => l.text === 'got SIGTERM'));
  });

  test('stop.command runs first, in the definition\'s env, then the signal', async (t) => {
    const file = tempFile(t);
    const write = [process.execPath, '-e', 'require("fs").writeFileSync(process.env.STOP_FILE, "x")'];
    const engine = makeEngine(t, [nodeSpec('cmd', 'stop-signal.js', [], { env: { STOP_FILE: file }, stop: { command: write, signal: 'SIGHUP' } })]);
    const id = await engine.spawn('cmd');
    await waitForLine(engine, id, /^ready/);
    await engine.kill(id);
    const text = engine.output(id).map((l) => l.text);
    assert.ok(text.includes('got SIGHUP after the stop command'), text.join('\n'));
    assert.ok(text.some((l) => /^Stopping \(".*", then SIGHUP to the process group\)/.test(l)), text.join('\n'));
  });

  test('a hanging stop.command is killed after its timeout, one line says so, and the signal follows', async (t) => {
    const engine = makeEngine(t, [nodeSpec('hung', 'stop-signal.js', [], { stop: { command: [process.execPath, fixture('hang.js')], timeoutMs: 300 } })], { stopTimeoutMs: 10_000 });
    const id = await engine.spawn('hung');
    await waitForLine(engine, id, /^ready/);
    const started = Date.now();
    await engine.kill(id);
    const text = engine.output(id).map((l) => l.text);
    const failed = text.filter((l) => l.startsWith('The stop command failed'));
    assert.equal(failed.length, 1, text.join('\n'));
    assert.match(failed[0], /did not finish within 300 ms.*sending SIGTERM to the process group/);
    assert.ok(text.includes('got SIGTERM'), text.join('\n'));
    assert.ok(Date.now() - started < 5000, 'bounded by the stop\'s own timeout, not the global grace');
  });

  test('a failing stop.command: one line, then the signal', async (t) => {
    const engine = makeEngine(t, [nodeSpec('bad', 'stop-signal.js', [], { stop: { command: [process.execPath, '-e', 'process.exit(3)'], signal: 'SIGQUIT' } })]);
    const id = await engine.spawn('bad');
    await waitForLine(engine, id, /^ready/);
    await engine.kill(id);
    const text = engine.output(id).map((l) => l.text);
    assert.ok(text.some((l) => /^The stop command failed: .* exited with 3; sending SIGQUIT/.test(l)), text.join('\n'));
    assert.ok(text.includes('got SIGQUIT'), text.join('\n'));
  });

  test('stop.timeoutMs is the grace before SIGKILL, instead of the global one', async (t) => {
    const engine = makeEngine(t, [nodeSpec('stubborn', 'ignore-term.js', [], { stop: { timeoutMs: 200 } })], { stopTimeoutMs: 30_000 });
    const id = await engine.spawn('stubborn');
    await waitForLine(engine, id, /^ready/);
    const started = Date.now();
    await engine.kill(id);
    assert.ok(Date.now() - started < 10_000);
    assert.match(engine.get(id)!.error!.message, /did not stop within 0.2 s; killed \(SIGKILL\)/);
  });
});
