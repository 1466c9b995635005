import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import { LinuxProcessSource, type ProcessReading, type ProcessSource } from '../../../../src/engine/monitor/procSource';
import { TreeSampler } from '../../../../src/engine/monitor/sampler';
import { fixture, procfsOnly, reap, waitFor } from '../../helpers';

const MB = 1024 * 1024;

/** Starts a fixture with this Node and waits for a line matching `ready`; killed after the test. */
async function startFixture(t: { after(fn: () => unknown): void }, script: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, [fixture(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => reap([child.pid!]));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => ready.test(output), `${script} to say ${ready}`);
  return { child, line: output.split('\n').find((l) => ready.test(l))! };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TreeSampler on real processes', { skip: procfsOnly }, () => {
  test('alloc.js 100 shows its memory in RSS', async (t) => {
    const { child } = await startFixture(t, 'alloc.js', ['100'], /allocated 100 MB/);
    const sampler = new TreeSampler();
    t.after(() => sampler.dispose());
    const usage = sampler.sample([child.pid!]).get(child.pid!)!;
    assert.equal(usage.alive, true);
    assert.equal(usage.processes, 1);
    assert.ok(usage.rssBytes > 90 * MB && usage.rssBytes < 200 * MB, `rss ${usage.rssBytes / MB} MB`);
    assert.ok(usage.threads >= 1 && usage.openFiles >= 3, JSON.stringify(usage));
  });

  test('spin.js shows about one core, as its own CPU ticks say; an idle process shows none', async (t) => {
    const { child } = await startFixture(t, 'spin.js', [], /spinning/);
    const idle = (await startFixture(t, 'hang.js', [], /ready/)).child;
    const sampler = new TreeSampler();
    t.after(() => sampler.dispose());
    const ticks = () => Number(fs.readFileSync(`/proc/${child.pid}/stat`, 'latin1').split(') ')[1].split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0));
    const before = { ticks: ticks(), at: performance.now() };
    sampler.sample([child.pid!, idle.pid!]);
    await sleep(1500);
    const usage = sampler.sample([child.pid!, idle.pid!]);
    const independent = (ticks() - before.ticks) / ((performance.now() - before.at) / 1000);
    const spin = usage.get(child.pid!)!.cpuPercent;
    // 100 is one full core. Other work on a shared machine takes its share, so compare with the
    // process's own ticks (1 tick = 1% of a core for a second); near a full core when the machine is quiet.
    assert.ok(Math.abs(spin - independent) < 12, `sampler ${spin}% vs ticks ${independent}%`);
    // How much of a core it gets depends on the machine's load (11% was seen with CI sharing the
    // cores); what must hold is that it is busy and never more than the one core it can use.
    assert.ok(spin > 2 && spin < 130, `cpu ${spin}%`);
    assert.ok(usage.get(idle.pid!)!.cpuPercent < 5, `idle ${usage.get(idle.pid!)!.cpuPercent}%`);
  });

  test('a fork tree counts every process and sums their memory', async (t) => {
    const { child, line } = await startFixture(t, 'fork-tree.js', ['3'], /^tree /);
    const pids: number[] = JSON.parse(line.slice(5)).pids;
    t.after(() => reap(pids));
    const sampler = new TreeSampler();
    t.after(() => sampler.dispose());
    const usage = sampler.sample([child.pid!]).get(child.pid!)!;
    assert.equal(usage.processes, 7);
    assert.deepEqual([...usage.pids].sort(), [...pids].sort());
    const separately = pids.reduce((sum, pid) => sum + Number(fs.readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]) * 4096, 0);
    assert.ok(Math.abs(usage.rssBytes - separately) < separately * 0.15, `${usage.rssBytes} vs ${separately}`);
    assert.ok(usage.threads >= 7);
  });

  test('a process that vanishes between rounds is reported gone, without throwing', async (t) => {
    const { child } = await startFixture(t, 'hang.js', [], /ready/);
    const sampler = new TreeSampler();
    t.after(() => sampler.dispose());
    assert.equal(sampler.sample([child.pid!]).get(child.pid!)!.alive, true);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const usage = sampler.sample([child.pid!, 999_999_999]);
    assert.deepEqual(usage.get(child.pid!), { root: child.pid!, alive: false, processes: 0, cpuPercent: 0, rssBytes: 0, openFiles: 0, threads: 0, pids: [] });
    assert.equal(usage.get(999_999_999)!.alive, false);
  });

  test('kept /proc handles are released when a process is no longer watched', async (t) => {
    const { child } = await startFixture(t, 'hang.js', [], /ready/);
    const source = new LinuxProcessSource();
    const before = fs.readdirSync('/proc/self/fd').length;
    assert.equal(source.read(child.pid!, true)?.pid, child.pid);
    assert.ok((source.openFiles(child.pid!) ?? 0) >= 3);
    assert.ok(fs.readdirSync('/proc/self/fd').length >= before + 1);
    source.unwatch(child.pid!);
    assert.equal(fs.readdirSync('/proc/self/fd').length, before);
    source.dispose();
  });
});

describe('LinuxProcessSource lists /proc only when a process was created', { skip: procfsOnly }, () => {
  const sleeper = (t: { after(fn: () => unknown): void }) => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    t.after(() => reap([child.pid!]));
    return child.pid!;
  };

  test('a process started since the last listing is listed at once', (t) => {
    const source = new LinuxProcessSource();
    t.after(() => source.dispose());
    source.pids();
    const pid = sleeper(t);
    assert.ok(source.pids().includes(pid));
  });

  test('a newest-pid field that does not move is found out by a later listing and no longer trusted', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loadavg-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'loadavg');
    fs.writeFileSync(file, '0.00 0.00 0.00 1/100 1\n');
    const source = new LinuxProcessSource(file);
    t.after(() => source.dispose());
    source.pids();
    const first = sleeper(t);
    let calls = 0;
    while (!source.pids().includes(first)) assert.ok(++calls < 50, 'listed again within a bounded number of rounds');
    assert.ok(calls > 0, 'the unmoved field kept the old list for a while');
    const second = sleeper(t);
    assert.ok(source.pids().includes(second), 'once found out, every call lists');
  });

  test('a process that did nothing reads the same, and a change is read', async (t) => {
    const { child } = await startFixture(t, 'hang.js', [], /ready/);
    const source = new LinuxProcessSource();
    t.after(() => source.dispose());
    // Stopped, it truly does nothing: a Node process just past its start may still be collecting garbage.
    child.kill('SIGSTOP');
    t.after(() => child.kill('SIGCONT'));
    await waitFor(() => source.read(child.pid!, true)?.state === 'T', 'the stopped state read');
    const a = source.read(child.pid!, true);
    assert.equal(source.read(child.pid!, true), a, 'the same reading for the same text');
    child.kill('SIGCONT');
    await waitFor(() => source.read(child.pid!, true)?.state !== 'T', 'the running state read again');
  });
});

/** A made-up machine: processes by pid, some of which vanish when read. */
class FakeSource implements ProcessSource {
  readonly ticksPerSecond = 100;
  readonly procs = new Map<number, ProcessReading>();
  readonly vanishing = new Set<number>();
  readonly reads: number[] = [];
  readonly unwatched: number[] = [];
  uptime = 1000;

  add(pid: number, ppid: number, extra: Partial<ProcessReading> = {}): void {
    this.procs.set(pid, { pid, ppid, state: 'S', startTime: 10, cpuTicks: 0, rssBytes: MB, threads: 1, ...extra });
  }
  pids(): number[] {
    return [...this.procs.keys()];
  }
  read(pid: number): ProcessReading | undefined {
    this.reads.push(pid);
    const reading = this.procs.get(pid);
    return reading && !this.vanishing.has(pid) ? { ...reading } : undefined;
  }
  openFiles(pid: number): number | undefined {
    return this.vanishing.has(pid) ? undefined : 4;
  }
  unwatch(pid: number): void {
    this.unwatched.push(pid);
  }
  uptimeTicks(): number {
    return this.uptime;
  }
  dispose(): void {}
}

describe('TreeSampler with a made-up machine', () => {
  function setup() {
    const source = new FakeSource();
    let clock = 0;
    const sampler = new TreeSampler({ source, monotonicMs: () => clock, fullScanEvery: 10 });
    const advance = (ms: number) => {
      clock += ms;
      source.uptime += ms / 10;
    };
    return { source, sampler, advance };
  }

  test('a process listed but gone when read is left out; a gone root makes the tree gone', () => {
    const { source, sampler } = setup();
    source.add(1, 0);
    source.add(2, 1);
    source.add(3, 1);
    source.add(4, 3);
    source.vanishing.add(3);
    const usage = sampler.sample([1]).get(1)!;
    assert.deepEqual([usage.alive, usage.processes, usage.pids, usage.rssBytes, usage.openFiles], [true, 2, [1, 2], 2 * MB, 8]);
    source.vanishing.add(1);
    assert.equal(sampler.sample([1]).get(1)!.alive, false);
  });

  test('CPU: ticks over elapsed time, a child born since the last round counts in full, 100 = one core', () => {
    const { source, sampler, advance } = setup();
    source.add(1, 0, { startTime: 500, cpuTicks: 100 });
    // First sight: the lifetime average, 100 ticks over 500 ticks of life.
    assert.equal(sampler.sample([1]).get(1)!.cpuPercent, 20);
    advance(1000);
    source.add(1, 0, { startTime: 500, cpuTicks: 150 });
    source.add(2, 1, { startTime: 1050, cpuTicks: 30 });
    assert.equal(sampler.sample([1]).get(1)!.cpuPercent, 80);
    advance(2000);
    source.add(1, 0, { startTime: 500, cpuTicks: 550 });
    source.add(2, 1, { startTime: 1050, cpuTicks: 30 });
    assert.equal(sampler.sample([1]).get(1)!.cpuPercent, 200, 'two cores');
  });

  test('a reused pid never gives negative CPU; an old process found late counts from then on', () => {
    const { source, sampler, advance } = setup();
    source.add(1, 0, { startTime: 500, cpuTicks: 100 });
    source.add(2, 1, { startTime: 600, cpuTicks: 900 });
    sampler.sample([1]);
    advance(1000);
    source.add(1, 0, { startTime: 500, cpuTicks: 100 });
    source.add(2, 1, { startTime: 1090, cpuTicks: 5 }); // pid 2 was reused
    source.add(3, 1, { startTime: 300, cpuTicks: 10_000 }); // there all along, seen only now
    assert.equal(sampler.sample([1]).get(1)!.cpuPercent, 5);
  });

  test('between full scans only the trees and new pids are read; gone processes are unwatched', () => {
    const { source, sampler } = setup();
    for (let pid = 100; pid < 150; pid++) source.add(pid, 0);
    source.add(1, 0);
    source.add(2, 1);
    sampler.sample([1]);
    assert.ok(source.reads.length >= 52);
    source.reads.length = 0;
    source.add(3, 2);
    sampler.sample([1]);
    assert.deepEqual([...source.reads].sort(), [1, 2, 3]);
    source.procs.delete(3);
    sampler.sample([1]);
    assert.deepEqual(source.unwatched, [3]);
    sampler.sample([]);
    assert.deepEqual(source.unwatched.sort(), [1, 2, 3]);
  });

  test('zombies are not counted', () => {
    const { source, sampler } = setup();
    source.add(1, 0);
    source.add(2, 1, { state: 'Z' });
    assert.equal(sampler.sample([1]).get(1)!.processes, 1);
  });

  test('the trees follow parents that change between rounds: re-parented out, moved to another tree, gone and reused', () => {
    const { source, sampler } = setup();
    source.add(1, 0);
    source.add(2, 1);
    source.add(3, 2);
    source.add(10, 0);
    const pids = (roots: number[]) => [...sampler.sample(roots).values()].map((u) => [...u.pids].sort((a, b) => a - b));
    assert.deepEqual(pids([1, 10]), [[1, 2, 3], [10]]);
    source.add(3, 10); // its parent died and it was adopted by 10 (a subreaper)
    assert.deepEqual(pids([1, 10]), [[1, 2, 3], [10]], 'known pids between full scans are read only as tree members: the move shows once 3 is read');
    assert.deepEqual(pids([1, 10]), [[1, 2], [10, 3].sort((a, b) => a - b)]);
    source.procs.delete(2);
    assert.deepEqual(pids([1, 10]), [[1], [3, 10]]);
    source.add(2, 10); // pid 2 reused under the other tree
    assert.deepEqual(pids([1, 10]), [[1], [2, 3, 10]]);
    source.add(4, 1, { state: 'Z' });
    source.add(5, 4);
    assert.deepEqual(pids([1, 10]), [[1], [2, 3, 10]], 'a zombie has no children to find');
  });
});
