// Fault: a processes.json someone else wrote, or that outlived what it names. Only a process that
// is provably ours (pid and start time, our uid, our run marker) is adopted; a stranger named by a
// record is never signalled, not by adoption, a stop, nor closing the window (shutdown).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { processTable } from '../../src/platform/processes';
import { FileRecordStore, RUN_MARKER, type ProcessRecord } from '../../src/platform/records';
import { alive, nodeSpec, reap, scratchDir, treePids, waitFor, waitForLine } from '../unit/helpers';
import { assertNothingLeft, faultEngine, taggedEnv, withTimeout } from './faultHelpers';
import { shippedEngine } from './shipped';

type TestContext = { after(fn: () => unknown): void; diagnostic(message: string): void };

function tempStore(): FileRecordStore {
  const dir = scratchDir('dpm-adopt-');
  return new FileRecordStore(path.join(dir, 'processes.json'));
}

/** A process we did not start through the engine, killed after the test. */
async function stranger(t: TestContext, command: string, args: string[], options: Parameters<typeof spawn>[2] = {}): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: 'ignore', ...options });
  t.after(() => reap([child.pid!]));
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  return child;
}

/** A record naming `pid` exactly as it runs now (its real start time), as a crafted file would. */
function recordOf(pid: number, runId: string, name = 'web'): ProcessRecord {
  const stat = processTable.stat(pid)!;
  return { runId, name, pid, pgid: pid, startTime: stat.startTime, commandLine: 'node hang.js', kind: 'service', recordedAt: Date.now() };
}

/** Adopts from the records, stops whatever was adopted, then closes the engine; the strangers must live through all of it. */
async function adoptStopAndClose(t: TestContext, records: ProcessRecord[], strangers: number[]): Promise<void> {
  const store = tempStore();
  store.write(records);
  const engine = shippedEngine(t, [nodeSpec('web', 'hang.js')], { records: store });
  const adopted = engine.adoptSurvivors();
  assert.deepEqual(adopted.map((s) => s.pid), [], 'nothing of these records is ours');
  await withTimeout(engine.killAll(), 10_000, 'killAll');
  await withTimeout(engine.shutdown(500), 10_000, 'shutdown');
  assert.deepEqual(alive(strangers), strangers, 'no stranger was signalled');
}

describe('adoption: records that name a stranger', () => {
  test('an outside sleep, even one carrying a marker of another run', async (t) => {
    const plain = await stranger(t, 'sleep', ['60']);
    const guessed = await stranger(t, 'sleep', ['60'], { env: { ...process.env, [RUN_MARKER]: 'other-run' } });
    await adoptStopAndClose(t, [recordOf(plain.pid!, 'r-1'), recordOf(guessed.pid!, 'r-2')], [plain.pid!, guessed.pid!]);
  });

  test('a setsid group: its leader and its member', async (t) => {
    const leader = await stranger(t, 'setsid', ['sh', '-c', 'sleep 60 & exec sleep 60']);
    await waitFor(() => processTable.all().some((s) => s.pgid === leader.pid && s.pid !== leader.pid), 'the group member');
    const member = processTable.all().find((s) => s.pgid === leader.pid && s.pid !== leader.pid)!;
    t.after(() => reap([member.pid]));
    assert.equal(processTable.stat(leader.pid!)!.pgid, leader.pid, 'setsid made its own group');
    await adoptStopAndClose(t, [recordOf(leader.pid!, 'r-3', 'api')], [leader.pid!, member.pid]);
  });

  test("the test runner's own parent", async (t) => {
    await adoptStopAndClose(t, [recordOf(process.ppid, 'r-4')], [process.ppid]);
  });

  test('a process of another user that carries the exact marker of the record', { skip: process.getuid?.() !== 0 && 'needs root to start a process as another user' }, async (t) => {
    const other = await stranger(t, 'sleep', ['60'], { uid: 65534, gid: 65534, env: { ...process.env, [RUN_MARKER]: 'r-5' } });
    await adoptStopAndClose(t, [recordOf(other.pid!, 'r-5')], [other.pid!]);
  });
});

describe('adoption: what a previous window left running', () => {
  test('is adopted, and stopped with the same marker sweep as our own (a setsid daemon too)', async (t) => {
    const store = tempStore();
    const spec = nodeSpec('web', 'fork-tree.js', ['2', '--setsid']);
    const first = shippedEngine(t, [spec], { records: store });
    const id = await first.spawn('web');
    const pids = await treePids(first, id);
    // On ps, the record waits for a read of the start time that does not block the host.
    await waitFor(() => store.read().length === 1, 'the run to be written down');
    const [record] = store.read();
    assert.equal(record.pid, first.get(id)!.pid);
    assert.equal(record.runId, id);
    assert.match(record.runId, /-[0-9a-f]{16}$/, 'the run id carries random bits');

    // The first window "crashed" and left its tree; a second one adopts it, and writes it down
    // again under the marker its processes carry.
    const second = faultEngine(t, [spec], { records: store });
    const adopted = second.adoptSurvivors();
    assert.deepEqual(adopted.map((s) => s.pid), [record.pid]);
    assert.deepEqual(store.read().map((r) => [r.pid, r.runId]), [[record.pid, record.runId]]);
    await withTimeout(second.kill(adopted[0].id), 15_000, 'the stop of the adopted run');
    assert.equal(second.get(adopted[0].id)!.state, 'terminated');
    assertNothingLeft(pids, 'the adopted tree, its setsid grandchildren included');
    assert.deepEqual(store.read(), []);
  });

  test('a record whose process exists but whose run id was changed is not adopted', async (t) => {
    const store = tempStore();
    const first = shippedEngine(t, [nodeSpec('web', 'hang.js')], { records: store });
    const id = await first.spawn('web');
    await waitForLine(first, id, /^ready$/);
    await waitFor(() => store.read().length === 1, 'the run to be written down');
    const [record] = store.read();
    store.write([{ ...record, runId: record.runId.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }]);
    const second = faultEngine(t, [nodeSpec('web', 'hang.js')], { records: store, hostEnv: taggedEnv() });
    assert.deepEqual(second.adoptSurvivors(), []);
    assert.equal(first.get(id)!.state, 'running');
  });
});
