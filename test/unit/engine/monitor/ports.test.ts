import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as os from 'node:os';
import { ProcessMonitor } from '../../../../src/engine/monitor/monitor';
import { listeningSockets, PortScanner, tcpSocketCounts } from '../../../../src/platform/ports';
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

  test('while the socket counters stand still, the tables are read only every few scans; a counter that moves reads them at once; another user\'s listener does not keep them read', async (t) => {
    // Tables of this process's own listeners only: other listeners on the machine would keep the scanner looking for their holders.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ports-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const tables = [path.join(dir, 'tcp'), path.join(dir, 'tcp6')];
    const servers: net.Server[] = [];
    const listen = async () => {
      const server = net.createServer().listen(0, '127.0.0.1');
      servers.push(server);
      t.after(() => server.close());
      await new Promise((resolve) => server.once('listening', resolve));
      const link = (fd: string) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return ''; // the fd of the listing itself
        }
      };
      const mine = new Set(fs.readdirSync('/proc/self/fd').map((fd) => /^socket:\[(\d+)\]$/.exec(link(fd))?.[1]));
      const [head, ...lines] = fs.readFileSync('/proc/net/tcp', 'latin1').split('\n');
      // This process's listeners, as a user 1234's: the scanner is told it runs as that user.
      const own = lines
        .filter((line) => mine.has(line.trim().split(/\s+/)[9]))
        .map((line) => line.trim().split(/\s+/).map((col, i) => (i === 7 ? '1234' : col)).join(' '));
      // A listener of another user's (uid 4321) that no tree holds.
      const stranger = '   9: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  4321        0 999999999 1 0000000000000000 100 0 0 10 0';
      fs.writeFileSync(tables[0], [head, ...own, stranger].join('\n'));
      fs.writeFileSync(tables[1], head);
      return [...servers.map((x) => (x.address() as net.AddressInfo).port)].sort((a, b) => a - b);
    };
    let counts = 'TCP: inuse 1';
    const scanner = new PortScanner(tables, () => counts, 1234);
    const me = [{ key: 'me', pids: [process.pid] }];
    const one = await listen();
    assert.deepEqual(scanner.scan(me), [one]);
    const two = await listen();
    let kept = 0;
    while (kept < 20 && scanner.scan(me)[0].length === 1) kept++;
    assert.ok(kept >= 1 && kept < 20, `${kept} scans kept the old ports while the counters stood still`);
    assert.deepEqual(scanner.scan(me), [two], 'a scan that read the tables sees the new listener');
    const three = await listen();
    counts = 'TCP: inuse 3';
    assert.deepEqual(scanner.scan(me), [three], 'moved counters: read at once');
    assert.deepEqual(scanner.scan([...me, { key: 'new', pids: [] }]), [three, []], 'a tree not read before is read');
  });

  test('a new socket is looked for again in a process that joins a tree late', async (t) => {
    const server = net.createServer().listen(0, '127.0.0.1');
    t.after(() => server.close());
    await new Promise((resolve) => server.once('listening', resolve));
    let counts = 0;
    const scanner = new PortScanner(undefined, () => String(counts++));
    assert.deepEqual(scanner.scan([{ key: 'tree', pids: [] }]), [[]]);
    const port = (server.address() as net.AddressInfo).port;
    assert.deepEqual(scanner.scan([{ key: 'tree', pids: [process.pid] }]), [[port]], 'found in the process that joined');
  });

  test('the socket counters change when a listener opens', async (t) => {
    const before = tcpSocketCounts();
    if (before === undefined) return t.skip('no /proc/net/sockstat here');
    const server = net.createServer().listen(0);
    t.after(() => server.close());
    await new Promise((resolve) => server.once('listening', resolve));
    assert.notEqual(tcpSocketCounts(), before);
  });

  test('the tables\' LISTEN lines give port, inode and nothing else, in both formats', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ports-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const v4 = path.join(dir, 'tcp');
    const v6 = path.join(dir, 'tcp6');
    fs.writeFileSync(
      v4,
      [
        '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
        '   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1239 1 000000004aa73489 100 0 0 10 0',
        '   1: 0100007F:8760 0100007F:B59F 06 00000000:00000000 03:0000075D 00000000     0        0 0 3 00000000c69e0a45',
        '  12: 0100007F:1F90 0100007F:0000 01 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000',
        '1234: 0100007F:FFFF 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 4294967295 1 0000000000000000 100 0 0 10 0',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      v6,
      [
        '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
        '   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000000000000000 100 0 0 10 0',
        '   1: 00000000000000000000000001000000:0BB9 00000000000000000000000001000000:A000 01 00000000:00000000 00:00000000 00000000  1000        0 55 1 0000000000000000',
      ].join('\n'),
    );
    assert.deepEqual(
      [...listeningSockets([v4, v6, path.join(dir, 'missing')])].sort(),
      [
        ['1239', 0x07e8],
        ['424242', 0x0bb8],
        ['4294967295', 0xffff],
      ],
    );
  });

  test('the machine\'s own tables read as a plain split of every line reads them', async (t) => {
    const server = net.createServer().listen(0, '127.0.0.1');
    t.after(() => server.close());
    await new Promise((resolve) => server.once('listening', resolve));
    const tables = ['/proc/net/tcp', '/proc/net/tcp6'].filter((f) => fs.existsSync(f));
    if (tables.length === 0) return t.skip('no /proc/net/tcp here');
    const expected = new Map<string, number>();
    for (const table of tables) {
      for (const line of fs.readFileSync(table, 'latin1').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length > 9 && cols[3] === '0A') expected.set(cols[9], Number.parseInt(cols[1].split(':').pop()!, 16));
      }
    }
    const found = listeningSockets(tables);
    assert.ok([...found.values()].includes((server.address() as net.AddressInfo).port), 'this test\'s own listener');
    // A socket may open or close between the two reads: compare what both saw.
    for (const [inode, port] of found) if (expected.has(inode)) assert.equal(port, expected.get(inode));
    assert.ok([...found.keys()].filter((inode) => expected.has(inode)).length >= Math.min(found.size, expected.size) - 2);
  });
});
