/**
 * The portable process backend (ps and lsof, what macOS gets) against /proc, both on this Linux
 * machine: the CPU of one monitor round (the sampler and the port reader, as the monitor runs
 * them) for 1, 50 and 200 idle processes, as a share of one core at 1 Hz; and the stop of a
 * 13-process tree (bench/fixtures/tree.sh) by killTree, with the run marker's sweep, from the call
 * until it resolved. Each backend is measured in a child process of its own, since the backend is
 * chosen once per process (DEVPROC_PROCESS_BACKEND). CPU counts the children waited for (ps, lsof).
 *
 * `node out/bench/backends.js` prints the table; the bench driver calls `run()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { defaultPortReader, defaultTreeSampler } from '../src/engine/monitor/posixSampler';
import { killTree } from '../src/platform/killTree';
import { processBackend, processTable } from '../src/platform/processes';
import { formatTable, median, summarize, type BenchResult, type BenchRow } from './types';
import { measureInChild } from './support/inChild';
import { alive, treeArgs, waitForTree } from './support/tree';

const SIZES = [1, 50, 200];
const STOPS = 7;
const GOAL_PERCENT = 0.5;
const TICK_MS = 10; // /proc/self/stat times are in USER_HZ = 100 ticks per second
type Backend = 'procfs' | 'posix';
const LABEL: Record<Backend, string> = { procfs: '/proc', posix: 'ps + lsof' };

/** What one child measured: CPU ms per monitor round by size (one per repetition), and stop times. */
interface Measured {
  backend: Backend;
  rounds: Record<number, number[]>;
  stopMs: number[];
  survivors: number;
}

/** CPU milliseconds used so far by this process and the children it has waited for. */
function cpuMs(): number {
  const own = process.cpuUsage();
  const stat = fs.readFileSync('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (own.user + own.system) / 1000 + (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

async function started(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise((resolve, reject) => c.once('spawn', resolve).once('error', reject))));
}

/** One round as the monitor runs it: sample every tree, then read their ports. */
async function roundCost(pids: number[], rounds: number, repeats: number): Promise<number[]> {
  const sampler = defaultTreeSampler();
  const ports = defaultPortReader(sampler);
  const round = async () => {
    const usage = await sampler.sample(pids);
    await ports.scan(pids.map((pid) => ({ key: String(pid), pids: usage.get(pid)!.pids })));
  };
  try {
    for (let i = 0; i < 3; i++) await round();
    const perRound: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const before = cpuMs();
      for (let i = 0; i < rounds; i++) await round();
      perRound.push((cpuMs() - before) / rounds);
    }
    return perRound;
  } finally {
    sampler.dispose?.();
  }
}

async function stopOnce(): Promise<{ ms: number; survivors: number }> {
  const marker = `DEVPROC_RUN=bench-backends-${process.pid}`;
  const child = spawn('/bin/sh', treeArgs(false), { detached: true, stdio: 'ignore', env: { ...process.env, DEVPROC_RUN: marker.split('=')[1] } });
  await started([child]);
  const tree = await waitForTree(child.pid!);
  const startTime = processTable.stat(child.pid!)?.startTime;
  const t0 = performance.now();
  await killTree({ pid: child.pid!, graceMs: 500, table: processTable, envMarker: marker, startTime });
  const ms = performance.now() - t0;
  return { ms, survivors: tree.filter(alive).length };
}

/** In the child: measures the backend this process chose. */
async function measureHere(): Promise<Measured> {
  const children = Array.from({ length: Math.max(...SIZES) }, () => spawn('sleep', ['600'], { stdio: 'ignore' }));
  const rounds: Record<number, number[]> = {};
  try {
    await started(children);
    const pids = children.map((c) => c.pid!);
    // A ps and an lsof cost milliseconds each: fewer rounds for the portable backend.
    for (const size of SIZES) rounds[size] = await roundCost(pids.slice(0, size), processBackend === 'posix' ? 10 : 60, 5);
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
  const stopMs: number[] = [];
  let survivors = 0;
  for (let i = 0; i < STOPS; i++) {
    const stop = await stopOnce();
    stopMs.push(stop.ms);
    survivors += stop.survivors;
  }
  return { backend: processBackend, rounds, stopMs, survivors };
}

/** A share of one core at one round a second, in percent: ms of CPU per 1000 ms. */
const percentAt1Hz = (ms: number) => ms / 10;

function toRows(procfs: Measured, posix: Measured): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const size of SIZES) {
    for (const m of [procfs, posix]) {
      const row: BenchRow = { label: `monitor round, ${LABEL[m.backend]}, ${size} process${size === 1 ? '' : 'es'}`, unit: '% of a core at 1 Hz', ...summarize(m.rounds[size].map(percentAt1Hz)) };
      if (m === posix) Object.assign(row, { baseline: `monitor round, /proc, ${size} process${size === 1 ? '' : 'es'}`, ratio: median(posix.rounds[size]) / median(procfs.rounds[size]) });
      rows.push(row);
    }
  }
  for (const m of [procfs, posix]) {
    const row: BenchRow = { label: `stop of a 13-process tree, ${LABEL[m.backend]}`, unit: 'ms', ...summarize(m.stopMs) };
    if (m === posix) Object.assign(row, { baseline: 'stop of a 13-process tree, /proc', ratio: median(posix.stopMs) / median(procfs.stopMs) });
    rows.push(row);
  }
  return rows;
}

function inChild(backend: Backend): Promise<Measured> {
  const before = process.env.DEVPROC_PROCESS_BACKEND;
  process.env.DEVPROC_PROCESS_BACKEND = backend;
  try {
    return measureInChild<Measured>(__filename, ['--measure'], 5 * 60_000);
  } finally {
    if (before === undefined) delete process.env.DEVPROC_PROCESS_BACKEND;
    else process.env.DEVPROC_PROCESS_BACKEND = before;
  }
}

export async function run(): Promise<BenchResult> {
  const procfs = await inChild('procfs');
  const posix = await inChild('posix');
  const at200 = percentAt1Hz(median(posix.rounds[200]));
  const machine = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
  return {
    name: 'backends',
    title: 'The portable process backend (ps + lsof) against /proc, on Linux: monitor round CPU and a stop',
    rows: toRows(procfs, posix),
    notes: [
      `200 processes at 1 Hz cost ${at200.toFixed(2)}% of one core on ps + lsof: ${at200 < GOAL_PERCENT ? 'within' : 'over'} the ${GOAL_PERCENT}% monitor goal.`,
      'A portable round is one ps over the whole machine (procps reads /proc for every process, whatever it is asked); every 5th round, and when a tree has a new process, one lsof lists the trees\' files (open files and listening ports).',
      `Stops include the run marker's sweep (one ps with environments). Processes left after the stops: /proc ${procfs.survivors}, ps ${posix.survivors}. The machine ran about ${machine} processes.`,
    ],
  };
}

/** Prints what the work gives and exits 0, or prints its error and exits 1. */
function printThenExit<T>(work: Promise<T>, text: (value: T) => string): void {
  work.then(
    (value) => {
      console.log(text(value));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

if (require.main === module) {
  if (process.argv.includes('--measure')) printThenExit(measureHere(), (m) => JSON.stringify(m));
  else printThenExit(run(), (result) => `\n${formatTable([result])}`);
}
