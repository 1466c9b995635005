import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as os from 'node:os';
import { ProcessMonitor } from '../../../../src/engine/monitor/monitor';
import { PortScanner } from '../../../../src/platform/ports';
import { fixture, freePort, makeEngine, nodeSpec, waitFor, waitForLine } from '../../helpers';

const hasIpv6Loopback = Object.values(os.networkInterfaces()).some((list) => list?.some((a) => a.address === '::1'));

describe('ports: the monitor reads what each run listens on', () => {
  test('a server\'s ports appear in its snapshot within a sampling round and vanish once it stops', async (t) => {
    const a = await freePort();
    const engine = makeEngine(t, [nodeSpec('web', 'listen.js', [String(a)], { env: { LISTEN_HOST: '127.0.0.1' } }), nodeSpec('idle', 'hang.js')]);
    const monitor = new ProcessMonitor(engine, { intervalMs: 100 });
    t.after(() => monitor.dispose());
    const web = await engine.spawn('web');
    const idle = await engine.spawn('idle');
    await waitForLine(engine, web, /^listening on /);
    await waitFor(() => engine.get(web)!.ports.length > 0, 'the port in the snapshot', 5000);
    assert.deepEqual(engine.get(web)!.ports, [a]);
    await waitForLine(engine, idle, /^ready/);
    assert.deepEqual(engine.get(idle)!.ports, [], 'a process that listens on nothing has none');
    await engine.kill(web);
    assert.deepEqual(engine.get(web)!.ports, []);
  });

  test('several ports of one tree, sorted and unique; a port the test process holds is not the run\'s', async (t) => {
    const [low, high] = [await freePort(), await freePort()].sort((x, y) => x - y);
    const stranger = net.createServer().listen(0, '127.0.0.1');
    t.after(() => stranger.close());
    const engine = makeEngine(t, [
      { ...nodeSpec('pair', 'listen.js'), command: '/bin/sh', args: ['-c', `"$0" "$1" ${high} & "$0" "$1" ${low} & wait`, process.execPath, fixture('listen.js')] },
    ]);
    const monitor = new ProcessMonitor(engine, { intervalMs: 100 });
    t.after(() => monitor.dispose());
    const id = await engine.spawn('pair');
    await waitFor(() => engine.get(id)!.ports.length === 2, 'both ports', 5000);
    assert.deepEqual(engine.get(id)!.ports, [low, high]);
  });

  test('a port opened after the tree was first read is seen', async (t) => {
    const port = await freePort();
    const engine = makeEngine(t, [nodeSpec('late', 'http-server.js', ['--delay', '600'], { env: { PORT: String(port) } })]);
    const monitor = new ProcessMonitor(engine, { intervalMs: 100 });
    t.after(() => monitor.dispose());
    const id = await engine.spawn('late');
    await waitFor(() => (monitor.latest(id) ?? null) !== null, 'a first round');
    assert.deepEqual(engine.get(id)!.ports, []);
    await waitForLine(engine, id, /^listening on /);
    await waitFor(() => engine.get(id)!.ports.length > 0, 'the late port', 5000);
    assert.deepEqual(engine.get(id)!.ports, [port]);
  });

  test('settled trees have their ports read once per interval, not every round; a port opened late still shows up', async (t) => {
    const port = await freePort();
    const engine = makeEngine(t, [nodeSpec('late', 'http-server.js', ['--delay', '1000'], { env: { PORT: String(port) } })]);
    let scans = 0;
    const scanner = new PortScanner();
    const ports = { scan: (trees: Parameters<PortScanner['scan']>[0]) => (scans++, scanner.scan(trees)) };
    const monitor = new ProcessMonitor(engine, { intervalMs: 100, ports, portsYoungMs: 0, portsSettledEveryMs: 500 });
    t.after(() => monitor.dispose());
    const id = await engine.spawn('late');
    await waitForLine(engine, id, /^listening on /);
    await waitFor(() => engine.get(id)!.ports.length > 0, 'the late port', 5000);
    assert.deepEqual(engine.get(id)!.ports, [port]);
    const rounds = () => monitor.history().find((h) => h.runId === id)?.samples.length ?? 0;
    const [before, from] = [scans, rounds()];
    await waitFor(() => rounds() >= from + 10, 'ten more rounds', 10_000);
    assert.ok(scans - before <= 4, `${scans - before} reads of the ports in ten rounds of 100 ms`);
  });

  test('an IPv6 listener counts', { skip: !hasIpv6Loopback && 'no IPv6 loopback here' }, async (t) => {
    const port = await freePort();
    const engine = makeEngine(t, [nodeSpec('v6', 'listen.js', [String(port)], { env: { LISTEN_HOST: '::1' } })]);
    const monitor = new ProcessMonitor(engine, { intervalMs: 100 });
    t.after(() => monitor.dispose());
    const id = await engine.spawn('v6');
    await waitForLine(engine, id, /^listening on /);
    await waitFor(() => engine.get(id)!.ports.length > 0, 'the IPv6 port', 5000);
    assert.deepEqual(engine.get(id)!.ports, [port]);
  });
});
