import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { test } from 'node:test';
import { PosixTreeSampler } from '../../../../src/engine/monitor/posixSampler';
import { hasLsof, lsofListeners } from '../../../../src/platform/posix/lsofPorts';
import { psCommand, PsProcessTable, psEnvironHas, psProcessesWithEnv, psProcessUid } from '../../../../src/platform/posix/psTable';
import { isGone } from '../../../../src/platform/procfs';
import { fixture, waitFor } from '../../helpers';

// These run ps and lsof whichever backend the suite runs with: they prove the portable readers on Linux.
const noLsof = !hasLsof() && 'lsof is not installed here (scripts/test.sh installs it)';

test('the table from ps: a child, its parent and group, a stable start time; a gone pid is gone', async (t) => {
  const child = spawn('sleep', ['5'], { stdio: 'ignore', detached: true });
  t.after(() => child.kill('SIGKILL'));
  await once(child, 'spawn');
  const table = new PsProcessTable();
  assert.deepEqual(table.stat(child.pid!), { ...table.stat(child.pid!)!, pid: child.pid, ppid: process.pid, pgid: child.pid });
  const me = table.stat(process.pid)!;
  assert.ok(table.all().some((s) => s.pid === process.pid));
  assert.equal(new PsProcessTable().stat(process.pid)!.startTime, me.startTime, 'the same start time from another run of ps');
  assert.equal(isGone(table, 2 ** 22 + 3), true);
});

test('a zombie is gone to the table, though kill(pid, 0) still finds it', async (t) => {
  // sh forks `true`, then becomes sleep, which never reaps it.
  const parent = spawn('/bin/sh', ['-c', 'true & exec sleep 5'], { stdio: 'ignore' });
  t.after(() => parent.kill('SIGKILL'));
  const table = new PsProcessTable();
  let zombie: number | undefined;
  await waitFor(() => (zombie = table.all().find((s) => s.ppid === parent.pid && s.state === 'Z')?.pid) !== undefined, 'the zombie');
  assert.doesNotThrow(() => process.kill(zombie!, 0));
  assert.equal(isGone(table, zombie!), true);
});

test('the environment marker, the uid and the command line, as ps shows them', async (t) => {
  const marker = `DEVPROC_RUN=ps-test-${process.pid}`;
  const child = spawn(process.execPath, [fixture('hang.js'), 'first', 'second'], { env: { ...process.env, DEVPROC_RUN: `ps-test-${process.pid}` }, stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await once(child, 'spawn');
  await waitFor(() => psEnvironHas(child.pid!, marker), 'the marker in the environment');
  assert.equal(psEnvironHas(child.pid!, `${marker}x`), false);
  assert.equal(psEnvironHas(process.pid, marker), false);
  assert.deepEqual(psProcessesWithEnv(marker), [child.pid]);
  assert.equal(psProcessUid(child.pid!), process.getuid!());
  assert.match(psCommand(child.pid!)!, /hang\.js first second$/);
  assert.equal(psCommand(child.pid!, 'comm'), 'node');
});

test('lsof names who listens on a port', { skip: noLsof }, async (t) => {
  const server = net.createServer().listen(0, '127.0.0.1');
  t.after(() => server.close());
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  assert.deepEqual([...lsofListeners(port).keys()], [process.pid]);
  server.close();
  await once(server, 'close');
  assert.equal(lsofListeners(port).size, 0);
});

test('the portable sampler: a tree, its cpu, memory, open files and listening ports', { skip: noLsof }, async (t) => {
  const child = spawn('/bin/sh', ['-c', `"$0" "$1" 0 & "$0" "$2"; wait`, process.execPath, fixture('listen.js'), fixture('spin.js')], { stdio: 'ignore', detached: true, env: { ...process.env, LISTEN_HOST: '127.0.0.1' } });
  t.after(() => process.kill(-child.pid!, 'SIGKILL'));
  const sampler = new PosixTreeSampler();
  t.after(() => sampler.dispose());
  const sample = async () => (await sampler.sample([child.pid!])).get(child.pid!)!;
  let usage = await sample();
  for (let i = 0; i < 100 && (usage.processes < 3 || sampler.ports.scan([{ key: 'k', pids: usage.pids }])[0].length === 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    usage = await sample();
  }
  assert.equal(usage.processes, 3, 'the shell and its two children');
  assert.equal(sampler.ports.scan([{ key: 'k', pids: usage.pids }])[0].length, 1, 'the listening port');
  // procps prints cpu time in whole seconds: a round that spans a second's tick shows the spin.
  let busiest = 0;
  for (let i = 0; i < 20 && busiest <= 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 400));
    usage = await sample();
    busiest = Math.max(busiest, usage.cpuPercent);
  }
  assert.equal(usage.alive, true);
  assert.ok(busiest > 20, `cpu ${busiest}%`);
  assert.ok(usage.rssBytes > 10 * 1024 * 1024, `rss ${usage.rssBytes}`);
  assert.ok(usage.openFiles >= 6 && usage.threads === 3, JSON.stringify(usage));
});
