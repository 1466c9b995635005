import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { OWNER_FILE, removeStaleSocketDirs, StdioServer } from '../../../../src/platform/launcher/stdioServer';
import { processTable } from '../../../../src/platform/processes';

type TestContext = { after(fn: () => unknown): void };

function parentDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-sockets-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A socket directory as a launcher leaves it, with `owner` as its owner record (none if undefined). */
function socketDir(parent: string, name: string, owner: string | undefined): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir, { mode: 0o700 });
  fs.writeFileSync(path.join(dir, 's'), '');
  if (owner !== undefined) fs.writeFileSync(path.join(dir, OWNER_FILE), owner);
  return dir;
}

/** An owner record as this process's table writes it (a ps table tags its start time's clock). */
const ownerLine = (pid: number, startTime: number) => `${pid} ${startTime}${processTable.startTimeClock ? ` ${processTable.startTimeClock}` : ''}`;

function deadPid(): number {
  const pid = spawnSync('/bin/true').pid;
  assert.ok(pid);
  return pid;
}

test('only directories of provably dead launchers, owned by us, are removed', (t) => {
  const parent = parentDir(t);
  const me = processTable.stat(process.pid)!;
  const dead = socketDir(parent, 'dpm-launcher-dead01', `${deadPid()} 12345`);
  const reused = socketDir(parent, 'dpm-launcher-reuse1', ownerLine(process.pid, me.startTime + 1));
  const live = socketDir(parent, 'dpm-launcher-live01', ownerLine(process.pid, me.startTime));
  const unknown = socketDir(parent, 'dpm-launcher-noown1', undefined);
  const garbled = socketDir(parent, 'dpm-launcher-garbl1', 'not a pid');
  const other = socketDir(parent, 'other-dead01', `${deadPid()} 12345`);
  const target = socketDir(parent, 'target', `${deadPid()} 12345`);
  fs.symlinkSync(target, path.join(parent, 'dpm-launcher-link01'));
  const stranger = socketDir(parent, 'dpm-launcher-strng1', `${deadPid()} 12345`);
  if (process.getuid?.() === 0) fs.chownSync(stranger, 65534, 65534);

  const removed = removeStaleSocketDirs(parent, processTable);

  assert.deepEqual(removed.sort(), [dead, reused].sort());
  for (const kept of [live, unknown, garbled, other, target, path.join(parent, 'dpm-launcher-link01')]) assert.ok(fs.existsSync(kept), kept);
  if (process.getuid?.() === 0) assert.ok(fs.existsSync(stranger), 'another user\'s directory stays');
});

test('a live owner recorded by a host on the other process backend is kept: its start time proves nothing here', (t) => {
  const parent = parentDir(t);
  const otherClock = processTable.startTimeClock ? '' : ' epoch';
  const live = socketDir(parent, 'dpm-launcher-otherb', `${process.pid} 1${otherClock}`);
  const dead = socketDir(parent, 'dpm-launcher-othdea', `${deadPid()} 1${otherClock}`);
  assert.deepEqual(removeStaleSocketDirs(parent, processTable), [dead]);
  assert.ok(fs.existsSync(live));
});

test('a new stdio server records its owner and removes what dead launchers left in the temp directory', (t) => {
  const parent = parentDir(t);
  const stale = socketDir(parent, 'dpm-launcher-stale1', `${deadPid()} 12345`);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = parent;
  t.after(() => (before === undefined ? delete process.env.TMPDIR : (process.env.TMPDIR = before)));
  const server = new StdioServer();
  t.after(() => server.dispose());
  assert.equal(fs.existsSync(stale), false);
  const dir = path.dirname(server.socketPath);
  assert.equal(path.dirname(dir), parent);
  const [pid, startTime] = fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8').trim().split(' ').map(Number);
  assert.equal(pid, process.pid);
  assert.equal(startTime, processTable.stat(process.pid)!.startTime);
  server.dispose();
  assert.equal(fs.existsSync(dir), false);
});
