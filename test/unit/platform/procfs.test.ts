import assert from 'node:assert/strict';
import { test } from 'node:test';
import { descendantsOf, isGone, linuxProcessTable, parseStat, type ProcessTable, type ProcStat } from '../../../src/platform/procfs';
import { procfsOnly } from '../helpers';

test('parses a stat line whose command name holds spaces and parentheses', () => {
  const text = '4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 1000 200';
  assert.deepEqual(parseStat(text), { pid: 4242, ppid: 1, pgid: 4242, state: 'S', startTime: 987654, cpuTicks: 8 });
});

test('reads this very process', { skip: procfsOnly }, () => {
  const me = linuxProcessTable.stat(process.pid)!;
  assert.equal(me.pid, process.pid);
  assert.equal(me.ppid, process.ppid);
  assert.equal(isGone(linuxProcessTable, process.pid), false);
  assert.equal(isGone(linuxProcessTable, 2 ** 22 + 1), true);
});

test('descendants are found through every level and zombies count as gone', () => {
  const procs: ProcStat[] = [
    { pid: 10, ppid: 1, pgid: 10, state: 'S', startTime: 1, cpuTicks: 0 },
    { pid: 11, ppid: 10, pgid: 10, state: 'S', startTime: 1, cpuTicks: 0 },
    { pid: 12, ppid: 11, pgid: 12, state: 'S', startTime: 1, cpuTicks: 0 },
    { pid: 13, ppid: 11, pgid: 10, state: 'Z', startTime: 1, cpuTicks: 0 },
    { pid: 20, ppid: 1, pgid: 20, state: 'S', startTime: 1, cpuTicks: 0 },
  ];
  const table: ProcessTable = { all: () => procs, stat: (pid) => procs.find((p) => p.pid === pid) };
  assert.deepEqual(descendantsOf(table, 10).map((p) => p.pid).sort(), [11, 12]);
  assert.equal(isGone(table, 13), true);
});
