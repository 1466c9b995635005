// The census behind the sweep for a run's marker: each process's environment is read once and
// remembered while its /proc entry is the same inode. A directory laid out like /proc stands in
// for it where a test must change what a "process" holds; the real /proc where it must not.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { EnvironCensus, valuesOf, type CensusSource } from '../../../src/platform/environCensus';
import { hasNoUserSpace, linuxProcessTable, procPids, processesWithEnv, readSmall } from '../../../src/platform/procfs';
import { RUN_MARKER } from '../../../src/platform/records';
import { alive, leaderThatLeftADaemon, procfsOnly, reap, waitFor } from '../helpers';

const block = (...entries: string[]) => Buffer.from(entries.map((e) => `${e}\0`).join(''));

test('valuesOf finds an entry first, in the middle or last, and only whole names', () => {
  assert.deepEqual(valuesOf(block('RUN=a', 'PATH=/bin'), 'RUN'), ['a']);
  assert.deepEqual(valuesOf(block('PATH=/bin', 'RUN=b', 'HOME=/'), 'RUN'), ['b']);
  assert.deepEqual(valuesOf(Buffer.from('PATH=/bin\0RUN=c'), 'RUN'), ['c'], 'a last entry without its NUL');
  assert.deepEqual(valuesOf(block('XRUN=a', 'RUN2=b', 'PATH=RUN=c'), 'RUN'), []);
  assert.deepEqual(valuesOf(block('RUN=', 'RUN=d'), 'RUN'), ['', 'd'], 'every entry of a name, as execve allows');
  assert.deepEqual(valuesOf(block('\0RUN=e'), 'RUN'), ['e'], 'after an empty first entry');
  assert.deepEqual(valuesOf(Buffer.alloc(0), 'RUN'), []);
});

/** A directory laid out like /proc (PID/environ), counting the environments read. */
function fakeProc(t: { after(fn: () => unknown): void }): { source: CensusSource; reads: () => number; kernelThreads: Set<number>; unreadable: Set<number>; put(pid: number, environ: string | undefined): void; replace(pid: number, environ: string): void; remove(pid: number): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-census-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  let reads = 0;
  const kernelThreads = new Set<number>();
  // Denied without touching the directory, whose times are the identity here.
  const unreadable = new Set<number>();
  const read = (file: string) => (reads++, unreadable.has(Number(path.basename(path.dirname(file)))) ? undefined : readSmall(file));
  const source: CensusSource = { root, listPids: procPids, read, emptyForGood: (pid) => kernelThreads.has(pid) };
  const put = (pid: number, environ: string | undefined, dir = path.join(root, String(pid))) => {
    fs.mkdirSync(dir, { recursive: true });
    if (environ !== undefined) fs.writeFileSync(path.join(dir, 'environ'), environ);
  };
  return {
    source,
    reads: () => reads,
    kernelThreads,
    unreadable,
    put: (pid, environ) => put(pid, environ),
    // A new process with the same pid: a new directory (a new inode, made while the old one still exists) in its place.
    replace(pid, environ) {
      const fresh = path.join(root, `new-${pid}`);
      put(pid, environ, fresh);
      fs.rmSync(path.join(root, String(pid)), { recursive: true });
      fs.renameSync(fresh, path.join(root, String(pid)));
    },
    remove: (pid) => fs.rmSync(path.join(root, String(pid)), { recursive: true }),
  };
}

test('an environment is read once while its process lives, whatever value is asked for', (t) => {
  const proc = fakeProc(t);
  proc.put(100, 'PATH=/bin\0RUN=one\0');
  proc.put(101, 'PATH=/bin\0');
  const census = new EnvironCensus(proc.source);
  assert.deepEqual(census.find('RUN=one'), [100]);
  assert.equal(proc.reads(), 2);
  assert.deepEqual(census.find('RUN=two'), []);
  assert.deepEqual(census.find('RUN=one'), [100]);
  assert.equal(proc.reads(), 2, 'answered from what was read');
  // Another variable's name is a question not asked yet: read again, once.
  assert.deepEqual(census.find('PATH=/bin'), [100, 101]);
  assert.equal(proc.reads(), 4);
});

test('a process whose environment cannot be read for one name keeps what was read for another', (t) => {
  const proc = fakeProc(t);
  proc.put(100, 'RUN=one\0');
  const census = new EnvironCensus(proc.source);
  assert.deepEqual(census.find('RUN=one'), [100]);
  proc.unreadable.add(100);
  assert.deepEqual(census.find('OTHER=x'), []);
  assert.deepEqual(census.find('RUN=one'), [100]);
  assert.equal(proc.reads(), 2);
});

test('a new process with a remembered pid is read afresh, and a new pid is read', (t) => {
  const proc = fakeProc(t);
  proc.put(100, 'RUN=old\0');
  const census = new EnvironCensus(proc.source);
  assert.deepEqual(census.find('RUN=new'), []);
  proc.replace(100, 'RUN=new\0');
  proc.put(102, 'RUN=new\0');
  assert.deepEqual(census.find('RUN=new'), [100, 102]);
  assert.deepEqual(census.find('RUN=old'), []);
});

test('an empty or unreadable environment is remembered only when it is for good (a kernel thread); gone pids are forgotten', (t) => {
  const proc = fakeProc(t);
  proc.put(100, '');
  proc.put(101, undefined);
  proc.put(103, undefined);
  proc.kernelThreads.add(103);
  const census = new EnvironCensus(proc.source);
  assert.deepEqual(census.find('RUN=x'), []);
  assert.equal(census.size, 3);
  assert.equal(proc.reads(), 3);
  assert.deepEqual(census.find('RUN=x'), []);
  assert.equal(proc.reads(), 5, 'the two read again, the kernel thread not');
  // The process finished its exec (same inode, now an environment), the other one became readable.
  fs.writeFileSync(path.join(proc.source.root, '100', 'environ'), 'RUN=x\0');
  fs.writeFileSync(path.join(proc.source.root, '101', 'environ'), 'RUN=x\0');
  assert.deepEqual(census.find('RUN=x'), [100, 101]);
  assert.equal(census.size, 3);
  proc.remove(101);
  assert.deepEqual(census.find('RUN=x'), [100]);
  assert.equal(census.size, 2);
});

test('the machine-wide search finds a process that carries the marker when it appears after an earlier search', { skip: procfsOnly }, async (t) => {
  const marker = `${RUN_MARKER}=census-${process.pid}`;
  assert.deepEqual(processesWithEnv(marker), []);
  const first = (await leaderThatLeftADaemon(t, marker)).daemon;
  assert.deepEqual(processesWithEnv(marker), [first]);
  const second = (await leaderThatLeftADaemon(t, marker)).daemon;
  assert.deepEqual(processesWithEnv(marker).sort(), [first, second].sort());
  reap([first]);
  await waitFor(() => alive([first]).length === 0, 'the first daemon to be gone');
  assert.deepEqual(processesWithEnv(marker), [second]);
});

test('kernel threads and zombies have no user memory; this process has', { skip: procfsOnly }, async (t) => {
  assert.equal(hasNoUserSpace(process.pid), false);
  // kthreadd, where the machine's /proc shows it (not in every container).
  if (fs.readFileSync('/proc/2/stat', { encoding: 'latin1', flag: 'r' }).includes('(kthreadd)')) assert.equal(hasNoUserSpace(2), true);
  // A child that exits under a parent that never reaps it (sleep, after the shell's exec) stays a zombie.
  const parent = spawn('/bin/sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => parent.kill('SIGKILL'));
  const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
  await waitFor(() => linuxProcessTable.stat(zombie)?.state === 'Z', 'the child to be a zombie');
  assert.equal(hasNoUserSpace(zombie), true);
});
