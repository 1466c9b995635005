import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { processTable } from '../../../src/platform/processes';
import { FileRecordStore, stillRunning, type ProcessRecord } from '../../../src/platform/records';
import { scratchDir } from '../helpers';

const me = processTable.stat(process.pid)!;
// We always make the group with the process (pgid = pid), and only such a record is read back.
const record = (over: Partial<ProcessRecord> = {}): ProcessRecord => ({
  runId: 'r1', name: 'web', pid: process.pid, pgid: over.pid ?? process.pid, startTime: me.startTime, commandLine: 'node', kind: 'service', recordedAt: 0, ...over,
});

test('a live process with its recorded start time is still running', () => {
  assert.equal(stillRunning(processTable, record()), true);
});

test('the pid-reuse guard: same pid, another start time, is not ours', () => {
  assert.equal(stillRunning(processTable, record({ startTime: me.startTime + 1 })), false);
});

test('a pid that is gone is not running', () => {
  assert.equal(stillRunning(processTable, record({ pid: 2 ** 22 + 7 })), false);
});

test('the file store round-trips records and ignores garbage', () => {
  const dir = scratchDir('dpm-');
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
  const { makeEngine, nodeSpec, waitForLine, alive, waitFor } = await import('../helpers');
  const dir = scratchDir('dpm-');
  const store = new FileRecordStore(path.join(dir, 'records.json'));
  const first = makeEngine(t, [nodeSpec('web', 'hang.js')], { records: store });
  const id = await first.spawn('web');
  await waitForLine(first, id, /^ready$/);
  const pid = first.get(id)!.pid!;
  // On ps, the record waits for a read of the start time that does not block the host.
  await waitFor(() => store.read().length > 0, 'the run to be written down');
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

test('a window about to go writes its records at once, even while a start time is still being read off the thread', async (t) => {
  const { makeEngine, nodeSpec, waitForLine } = await import('../helpers');
  const file = new FileRecordStore(path.join(scratchDir('dpm-'), 'records.json'));
  let writes = 0;
  const store = { read: () => file.read(), write: (records: ProcessRecord[]) => (writes++, file.write(records)) };
  // A ps-backed table learns a new process's start time by a read that has not answered yet.
  const stalled = { stat: (pid: number) => processTable.stat(pid), all: () => processTable.all(), prefetch: () => new Promise<void>(() => {}) };
  const engine = makeEngine(t, [nodeSpec('web', 'hang.js')], { records: store, table: stalled });
  engine.flushRecords();
  assert.equal(writes, 0, 'with no write waiting, a flush writes nothing');
  const id = await engine.spawn('web');
  await waitForLine(engine, id, /^ready$/);
  assert.deepEqual(store.read(), [], 'nothing written while the read is pending');
  engine.flushRecords();
  assert.deepEqual(store.read().map((r) => [r.name, r.pid, r.startTime]), [['web', engine.get(id)!.pid, processTable.stat(engine.get(id)!.pid!)!.startTime]]);
});

test('with no records to adopt, activation writes nothing; with some, they are written again', async (t) => {
  const { makeEngine, nodeSpec } = await import('../helpers');
  const writes: ProcessRecord[][] = [];
  const empty = { read: (): ProcessRecord[] => [], write: (r: ProcessRecord[]) => void writes.push(r) };
  assert.deepEqual(makeEngine(t, [nodeSpec('web', 'hang.js')], { records: empty }).adoptSurvivors(), []);
  assert.equal(writes.length, 0);
  const stale = { read: () => [record({ pid: 999_999_999, name: 'gone' })], write: (r: ProcessRecord[]) => void writes.push(r) };
  makeEngine(t, [nodeSpec('web', 'hang.js')], { records: stale }).adoptSurvivors();
  assert.deepEqual(writes, [[]], 'the stale record is cleared');
});

test('every field of a record is checked when read', () => {
  const dir = scratchDir('dpm-');
  const file = path.join(dir, 'records.json');
  const bad: unknown[] = [
    { ...record(), runId: '' }, { ...record(), runId: 'a b' }, { ...record(), runId: 'x'.repeat(200) }, { ...record(), runId: 7 },
    { ...record(), name: '' }, { ...record(), name: 'a\nb' }, { ...record(), name: 3 },
    { ...record(), pid: 1 }, { ...record(), pid: 1.5 }, { ...record(), pid: 2 ** 23 }, { ...record(), pid: '123' },
    { ...record(), pgid: process.pid + 1 }, { ...record(), pgid: undefined },
    { ...record(), startTime: -1 }, { ...record(), startTime: 1.5 }, { ...record(), startTime: Number.MAX_VALUE },
    { ...record(), commandLine: 42 }, { ...record(), commandLine: '' }, { ...record(), commandLine: 'x'.repeat(100_000) },
    { ...record(), kind: 'daemon' }, { ...record(), recordedAt: 'now' }, { ...record(), recordedAt: -5 },
    [record()],
  ];
  fs.writeFileSync(file, JSON.stringify([...bad, record({ runId: 'good' })]));
  assert.deepEqual(new FileRecordStore(file).read(), [record({ runId: 'good' })]);
});

test('the file is written 0600 through a fresh temporary file: a symlink planted at the old temp name or the path is not followed', () => {
  const dir = scratchDir('dpm-');
  const victim = path.join(dir, 'victim.txt');
  fs.writeFileSync(victim, 'precious');
  const file = path.join(dir, 'records.json');
  fs.symlinkSync(victim, `${file}.tmp`);
  const store = new FileRecordStore(file);
  store.write([record()]);
  assert.equal(fs.readFileSync(victim, 'utf8'), 'precious');
  assert.equal(fs.lstatSync(file).isFile(), true);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(store.read(), [record()]);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['records.json', 'records.json.tmp', 'victim.txt'], 'no temporary file left');

  // A symlink at the records path itself: never read through, and replaced (not followed) on write.
  const elsewhere = path.join(dir, 'elsewhere.json');
  fs.writeFileSync(elsewhere, JSON.stringify([record({ runId: 'planted' })]));
  fs.rmSync(file);
  fs.symlinkSync(elsewhere, file);
  assert.deepEqual(store.read(), []);
  store.write([]);
  assert.equal(fs.readFileSync(elsewhere, 'utf8'), JSON.stringify([record({ runId: 'planted' })]));
  assert.equal(fs.lstatSync(file).isFile(), true);
});
