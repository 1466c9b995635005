// killTree and a process group that is no longer ours: once a group empties, its pgid (a pid) may
// be handed to a stranger, who may lead a group of that number. killTree checks before every
// signal to a group that the group is still ours: the leader with its recorded start time, or a
// member that carries the run's marker.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { killTree } from '../../../src/platform/killTree';
import { processTable } from '../../../src/platform/processes';
import { RUN_MARKER } from '../../../src/platform/records';
import { alive, fixture, reap, waitFor } from '../helpers';

/** A group of its own (detached), leader `sh` with a `sleep` member, killed after the test. */
async function group(t: { after(fn: () => unknown): void }, env: NodeJS.ProcessEnv = process.env): Promise<{ leader: ChildProcess; member: number }> {
  const leader = spawn('sh', ['-c', 'sleep 60 & wait'], { detached: true, stdio: 'ignore', env });
  t.after(() => reap([leader.pid!]));
  let member = 0;
  await waitFor(() => {
    member = processTable.all().find((s) => s.pgid === leader.pid && s.pid !== leader.pid)?.pid ?? 0;
    return member !== 0;
  }, 'the group member');
  t.after(() => reap([member]));
  return { leader, member };
}

test("a stranger's group that took over the recorded pgid is not signalled (leader gone)", async (t) => {
  const { leader, member } = await group(t);
  const start = processTable.stat(leader.pid!)!.startTime;
  // As after our group emptied: the number now leads a stranger's group, with another start time.
  const result = await killTree({ pid: leader.pid!, graceMs: 200, table: processTable, leaderExited: true, startTime: start + 1, envMarker: `${RUN_MARKER}=gone-run` });
  assert.deepEqual(result.survivors, []);
  assert.deepEqual(alive([leader.pid!, member]), [leader.pid!, member]);
});

test("a stranger's group that took over the recorded pid is not signalled (leader recorded as running)", async (t) => {
  const { leader, member } = await group(t);
  const start = processTable.stat(leader.pid!)!.startTime;
  await killTree({ pid: leader.pid!, graceMs: 200, table: processTable, startTime: start + 1, envMarker: `${RUN_MARKER}=gone-run` });
  assert.deepEqual(alive([leader.pid!, member]), [leader.pid!, member]);
});

test('a group whose leader exited is still ours while a member carries our marker', async (t) => {
  const marker = `${RUN_MARKER}=run-${process.pid}`;
  // fork-tree --exit: the leader exits once its children are up, leaving them in its group.
  const leader = spawn(process.execPath, [fixture('fork-tree.js'), '2', '--exit'], { detached: true, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, [RUN_MARKER]: `run-${process.pid}` } });
  let out = '';
  leader.stdout!.on('data', (d) => (out += d));
  await new Promise((resolve) => leader.once('exit', resolve));
  const pids: number[] = JSON.parse(out.slice(out.indexOf('{'))).pids;
  t.after(() => reap(pids));
  assert.ok(alive(pids.slice(1)).length > 0, 'children left in the group');
  await killTree({ pid: leader.pid!, graceMs: 500, table: processTable, leaderExited: true, envMarker: marker, sweep: false });
  assert.deepEqual(alive(pids), []);
});
