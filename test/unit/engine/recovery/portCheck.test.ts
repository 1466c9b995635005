import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { ProcessMonitor } from '../../../../src/engine/monitor/monitor';
import { freePort, makeEngine, nodeSpec, waitFor, waitForLine } from '../../helpers';

function listen(t: { after(fn: () => unknown): void }, port: number, host?: string): Promise<void> {
  const server = net.createServer();
  t.after(() => server.close());
  return new Promise((resolve) => server.listen(port, host, resolve));
}

describe('port: checked before the start', () => {
  test('a port taken by a stranger fails the start before anything is spawned, naming the holder', async (t) => {
    const port = await freePort();
    await listen(t, port);
    const engine = makeEngine(t, [nodeSpec('web', 'listen.js', [String(port)], { kind: 'job', port })]);
    const id = await engine.spawn('web');
    await engine.whenDone(id);
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'failed');
    assert.equal(snap.error?.code, 'spawn-failed');
    assert.match(snap.error!.message, new RegExp(`"web" was not started: its port ${port} is in use by pid ${process.pid} \\(`));
    assert.deepEqual({ ...snap.portConflict, command: undefined }, { port, pid: process.pid, runId: null, command: undefined });
    assert.equal(snap.pid, null);
    assert.ok(!engine.output(id).some((l) => l.text.startsWith('Started:')), 'nothing was spawned');
  });

  test('taken by one of our runs: marked with its id, so the editor can offer to stop it', async (t) => {
    const port = await freePort();
    const engine = makeEngine(t, [
      nodeSpec('first', 'listen.js', [String(port)]),
      nodeSpec('second', 'listen.js', [String(port)], { port }),
    ]);
    const first = await engine.spawn('first');
    await waitForLine(engine, first, /^listening on /);
    const second = await engine.spawn('second');
    await engine.whenDone(second);
    const snap = engine.get(second)!;
    assert.equal(snap.error?.code, 'spawn-failed');
    assert.match(snap.error!.message, /which is "first" here/);
    assert.equal(snap.portConflict?.runId, first);
  });

  test('a free port starts as usual; replicas check their own "300${instance}"-style port', async (t) => {
    const base = await freePort();
    // Replica 1 of "api" checks `${base}1`-like text: use a port whose last digit is the instance.
    const tens = Math.floor(base / 10);
    const taken = tens * 10 + 1;
    await listen(t, taken).catch(() => undefined);
    const engine = makeEngine(t, [
      nodeSpec('api', 'hang.js', [], { port: `${tens}\${instance}`, instances: { min: 0, max: 2, initial: 2 } }),
    ]);
    const monitor = new ProcessMonitor(engine, { intervalMs: 100 });
    t.after(() => monitor.dispose());
    await engine.spawn('api');
    await waitFor(() => engine.list().filter((r) => r.name === 'api' && r.instance === 1 && r.state === 'failed').length === 1, 'replica 1 refused');
    const [zero, one] = [0, 1].map((i) => engine.list().find((r) => r.name === 'api' && r.instance === i)!);
    assert.equal(zero.state, 'running');
    assert.equal(one.portConflict?.port, taken);
  });
});
