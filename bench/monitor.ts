/**
 * Monitor cost: the CPU one sampling round takes for 1, 50 and 200 idle processes, and what that
 * is as a share of one core when sampling at 1 Hz. Ours (src/engine/monitor/sampler.ts: whole
 * trees, with RSS, threads and open files) against pidusage on the same pids (no trees, no fds)
 * and the naive way, one `ps` per process. CPU counts this process and the children it waited
 * for (`ps`), from getrusage and /proc/self/stat.
 *
 * `node out/bench/monitor.js` prints a table and writes bench/results/monitor.json; the bench
 * driver calls `run()`, which only measures and returns the rows.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pidusage from 'pidusage';
import { TreeSampler } from '../src/engine/monitor/sampler';
import { formatTable, median, summarize, type BenchResult, type BenchRow } from './types';

const SIZES = [1, 50, 200];
type Approach = 'ours' | 'pidusage' | 'ps';
const APPROACH_LABEL: Record<Approach, string> = { ours: 'ours (/proc trees)', pidusage: 'pidusage', ps: 'one ps per process' };
/** Rounds per repetition and repetitions. Ours: a multiple of 60, so its periodic full scans and fd counts weigh in the average as they do at 1 Hz. */
const PLAN: Record<Approach, (size: number) => { rounds: number; repeats: number }> = {
  ours: () => ({ rounds: 60, repeats: 7 }),
  pidusage: () => ({ rounds: 60, repeats: 7 }),
  // A ps costs milliseconds: 200 of them take seconds per round, so fewer rounds.
  ps: (size) => ({ rounds: size === 1 ? 20 : 1, repeats: size === 1 ? 5 : 3 }),
};
const TICK_MS = 10; // /proc/self/stat times are in USER_HZ = 100 ticks per second

interface Measure {
  size: number;
  approach: Approach;
  /** CPU milliseconds per round, one per repetition. */
  perRoundMs: number[];
}

/** CPU milliseconds used so far by this process and the children it has waited for. */
function cpuMs(): number {
  const own = process.cpuUsage();
  const stat = fs.readFileSync('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const children = (Number(fields[13]) + Number(fields[14])) * TICK_MS; // cutime, cstime
  return (own.user + own.system) / 1000 + children;
}

async function startIdle(count: number): Promise<ChildProcess[]> {
  const children = Array.from({ length: count }, () => spawn('sleep', ['600'], { stdio: 'ignore' }));
  await Promise.all(children.map((c) => new Promise((resolve, reject) => c.once('spawn', resolve).once('error', reject))));
  return children;
}

function killAll(children: ChildProcess[]): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Kills the children and waits until each is reaped, so none is left, not even as a zombie. */
async function stopAll(children: ChildProcess[]): Promise<void> {
  const exited = children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((resolve) => c.once('exit', resolve)) : null));
  killAll(children);
  await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
}

function roundFor(approach: Approach, pids: number[], sampler: TreeSampler): () => unknown {
  if (approach === 'ours') {
    return () => {
      const alive = [...sampler.sample(pids).values()].filter((u) => u.alive).length;
      if (alive !== pids.length) throw new Error(`monitor bench: the sampler saw ${alive} of ${pids.length} processes.`);
    };
  }
  if (approach === 'pidusage') return () => pidusage(pids);
  return () => {
    for (const pid of pids) execFileSync('ps', ['-o', 'pid=,ppid=,rss=,pcpu=,nlwp=', '-p', String(pid)]);
  };
}

async function measure(approach: Approach, pids: number[]): Promise<Measure> {
  const { rounds, repeats } = PLAN[approach](pids.length);
  const sampler = new TreeSampler();
  const round = roundFor(approach, pids, sampler);
  try {
    for (let i = 0; i < (approach === 'ps' ? 1 : 3); i++) await round(); // warm up: first reads, JIT, pidusage's getconf
    const perRoundMs: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const before = cpuMs();
      for (let i = 0; i < rounds; i++) await round();
      perRoundMs.push((cpuMs() - before) / rounds);
    }
    return { size: pids.length, approach, perRoundMs };
  } finally {
    sampler.dispose();
    if (approach === 'pidusage') pidusage.clear();
  }
}

/** A share of one core at one round a second, in percent: ms of CPU per 1000 ms. */
const percentAt1Hz = (ms: number) => ms / 10;
const label = (approach: Approach, size: number) => `${APPROACH_LABEL[approach]}, ${size} process${size === 1 ? '' : 'es'}`;

function toRows(measures: Measure[]): BenchRow[] {
  const ours = (size: number) => measures.find((m) => m.size === size && m.approach === 'ours')!;
  return measures.map((m) => {
    const row: BenchRow = { label: label(m.approach, m.size), unit: '% of a core at 1 Hz', ...summarize(m.perRoundMs.map(percentAt1Hz)) };
    if (m.approach !== 'ours') {
      row.baseline = label('ours', m.size);
      row.ratio = median(m.perRoundMs) / median(ours(m.size).perRoundMs);
    }
    return row;
  });
}

export async function run(): Promise<BenchResult> {
  const children = await startIdle(Math.max(...SIZES));
  const onExit = () => killAll(children);
  process.once('exit', onExit);
  const measures: Measure[] = [];
  try {
    const pids = children.map((c) => c.pid!);
    for (const size of SIZES) {
      for (const approach of ['ours', 'pidusage', 'ps'] as const) {
        const m = await measure(approach, pids.slice(0, size));
        measures.push(m);
        console.log(`  monitor: ${label(approach, size)}: ${median(m.perRoundMs).toFixed(3)} ms CPU per round`);
      }
    }
  } finally {
    await stopAll(children);
    process.removeListener('exit', onExit);
  }
  const machineProcesses = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
  const ours200 = percentAt1Hz(median(measures.find((m) => m.size === 200 && m.approach === 'ours')!.perRoundMs));
  return {
    name: 'monitor',
    title: 'CPU of one sampling round of idle processes, as % of one core at 1 Hz (ms per round / 10)',
    rows: toRows(measures),
    notes: [
      `200 processes at 1 Hz cost ${ours200.toFixed(2)}% of one core with ours: ${ours200 < 0.5 ? 'within' : 'over'} the 0.5% target and ${ours200 < 1 ? 'within' : 'over'} the 1% target.`,
      'Ours reads whole trees (parent pids of every process on the machine, re-read in full every 60th round) and RSS, threads and open files (every 5th round); pidusage reads only the given pids, without trees or open files.',
      `The machine ran about ${machineProcesses} processes after the bench's own were stopped. Rounds run back to back; ps counts the CPU of the ps children too.`,
    ],
  };
}

/** bench/results/monitor.json beside the sources, found from the bundle in out/bench. */
function writeResults(result: BenchResult): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const file = path.join(dir, 'bench', 'results', 'monitor.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const machine = { cpu: os.cpus()[0]?.model.trim() ?? 'unknown', cores: os.cpus().length, memoryGB: Math.round(os.totalmem() / 1024 ** 3), os: `${os.type()} ${os.release()}` };
  fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, node: process.version, rows: result.rows, notes: result.notes }, null, 2)}\n`);
  return file;
}

if (require.main === module) {
  run().then(
    (result) => {
      console.log(`\n${formatTable([result])}`);
      console.log(`\nWrote ${path.relative(process.cwd(), writeResults(result))}`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
