import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { linuxProcessTable } from '../../../src/engine/procfs';
import { FileRecordStore, stillRunning, type ProcessRecord } from '../../../src/engine/records';

const me = linuxProcessTable.stat(process.pid)!;
const record = (over: Partial<ProcessRecord> = {}): ProcessRecord => ({
  runId: 'r1', name: 'web', pid: process.pid, pgid: me.pgid, startTime: me.startTime, commandLine: 'node', kind: 'service', recordedAt: 0, ...over,
});

test('a live process with its recorded start time is still running', () => {
  assert.equal(stillRunning(linuxProcessTable, record()), true);
});

test('the pid-reuse guard: same pid, another start time, is not ours', () => {
  assert.equal(stillRunning(linuxProcessTable, record({ startTime: me.startTime + 1 })), false);
});

test('a pid that is gone is not running', () => {
  assert.equal(stillRunning(linuxProcessTable, record({ pid: 2 ** 22 + 7 })), false);
});

test('the file store round-trips records and ignores garbage', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'nested', 'records.json');
  const store = new FileRecordStore(file);
  assert.deepEqual(store.read(), []);
  store.write([record(), record({ runId: 'r2', pid: 1234 })]);
  assert.equal(store.read().length, 2);
  fs.writeFileSync(file, JSON.stringify([record(), { pid: 'x' }, null, 7]));
  assert.deepEqual(store.read(), [record()]);
  fs.writeFileSync(file, '{not json');
  assert.deepEqual(store.read(), []);
});

test('a new engine adopts what a crashed one left running, and stops it; a reused pid is left alone', async (t) => {
  const { makeEngine, nodeSpec, waitForLine, alive } = await import('../helpers');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = new FileRecordStore(path.join(dir, 'records.json'));
  const first = makeEngine(t, [nodeSpec('web', 'hang.js')], { records: store });
  const id = await first.spawn('web');
  await waitForLine(first, id, /^ready$/);
  const pid = first.get(id)!.pid!;
  assert.deepEqual(store.read().map((r) => r.pid), [pid]);

  // The first engine "crashed": it never stopped its process. A stranger's record rides along.
  store.write([...store.read(), record({ pid: process.pid, startTime: me.startTime + 5, name: 'stranger' })]);
  const second = makeEngine(t, [nodeSpec('web', 'hang.js')], { records: store });
  const adopted = second.adoptSurvivors();
  assert.deepEqual(adopted.map((s) => [s.name, s.pid, s.state]), [['web', pid, 'running']]);
  assert.match(second.output(adopted[0].id)[0].text, /Adopted from a previous window/);
  await second.kill(adopted[0].id);
  assert.deepEqual(alive([pid]), []);
  assert.equal(second.get(adopted[0].id)!.state, 'terminated');
  assert.deepEqual(store.read(), []);
  assert.equal(alive([process.pid]).length, 1, 'the stranger (this very test process) was not signalled');
});
