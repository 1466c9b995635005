// The sweep after a leader's own exit (killTree with leaderExited): when its group is already
// empty, the only place a leftover can be is outside it, found by the run's marker; the process
// table is read only to follow what that search found.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { killTree } from '../../../src/platform/killTree';
import type { ProcessTable } from '../../../src/platform/procfs';
import { processTable } from '../../../src/platform/processes';
import { RUN_MARKER } from '../../../src/platform/records';
import { alive, fixture, reap, waitFor } from '../helpers';

/** The machine's table, counting its whole-table reads. */
function countingTable(): { table: ProcessTable; reads: () => number } {
  let reads = 0;
  const table: ProcessTable = { ...processTable, stat: (pid) => processTable.stat(pid), all: () => (reads++, processTable.all()) };
  return { table, reads: () => reads };
}

/** Runs daemon-exit.js as a group leader of its own with `marker`; resolves once it exited, with its daemon's pid. */
async function leaderThatLeftADaemon(t: { after(fn: () => unknown): void }, marker: string): Promise<{ leader: number; daemon: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'daemon.pid');
  const [name, value] = marker.split('=');
  const child = spawn(process.execPath, [fixture('daemon-exit.js')], { detached: true, stdio: 'ignore', env: { ...process.env, DAEMON_FILE: file, [name]: value } });
  await new Promise((resolve) => child.once('exit', resolve));
  const daemon = Number(fs.readFileSync(file, 'utf8'));
  t.after(() => reap([daemon]));
  return { leader: child.pid!, daemon };
}

test('after a leader exited with its group empty and nothing carrying the marker, the sweep reads no process table', async (t) => {
  const marker = `${RUN_MARKER}=sweep-none-${process.pid}`;
  const { leader, daemon } = await leaderThatLeftADaemon(t, `${RUN_MARKER}=someone-else-${process.pid}`);
  const { table, reads } = countingTable();
  const result = await killTree({ pid: leader, graceMs: 1000, table, leaderExited: true, envMarker: marker });
  assert.deepEqual(result, { forced: false, survivors: [], tree: [] });
  assert.equal(reads(), 0);
  assert.deepEqual(alive([daemon]), [daemon], 'a process with another marker is left alone');
});

test('after a leader exited with its group empty, the sweep still takes down a daemon that carries the marker', async (t) => {
  const marker = `${RUN_MARKER}=sweep-daemon-${process.pid}`;
  const { leader, daemon } = await leaderThatLeftADaemon(t, marker);
  const result = await killTree({ pid: leader, graceMs: 1000, table: processTable, leaderExited: true, envMarker: marker });
  assert.deepEqual(result.survivors, []);
  assert.deepEqual(result.tree.map((s) => s.pid), [daemon]);
  await waitFor(() => alive([daemon]).length === 0, 'the daemon to be gone');
});
