// The sweep after a leader's own exit (killTree with leaderExited): when its group is already
// empty, the only place a leftover can be is outside it, found by the run's marker; the process
// table is read only to follow what that search found.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { killTree } from '../../../src/platform/killTree';
import type { ProcessTable } from '../../../src/platform/procfs';
import { processTable } from '../../../src/platform/processes';
import { RUN_MARKER } from '../../../src/platform/records';
import { alive, leaderThatLeftADaemon, waitFor } from '../helpers';

/** The machine's table, counting its whole-table reads. */
function countingTable(): { table: ProcessTable; reads: () => number } {
  let reads = 0;
  const table: ProcessTable = { ...processTable, stat: (pid) => processTable.stat(pid), all: () => (reads++, processTable.all()) };
  return { table, reads: () => reads };
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
