/**
 * Throughput: short jobs (`/bin/true`) through the engine at concurrency 1, 4 and 16, against raw
 * `child_process.spawn` with pipes keeping the same number in flight, and against the npm package
 * `concurrently` (its Node API, `maxProcesses`) running the same commands. The engine runs as the
 * extension ships it (spawning through the HelperLauncher) and with the in-process launcher, so
 * the engine's own cost shows apart from where the fork() happens.
 *
 * Every measurement runs in a fresh Node process (this file, with `--measure`), so each starts
 * with the same heap: fork() costs more as the spawning process grows, and one tool's garbage
 * must not slow the next. Measurements are interleaved (the order rotates per repetition) and
 * every ratio is taken between measurements of the same repetition.
 *
 * Alone: `node out/bench/throughput.js` (the whole benchmark), `--profile [concurrency] [tool]`
 * (one measurement, the engine's by default, under `--cpu-prof`, summarised by source and function).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { concurrently } from 'concurrently';
import { specDefaults } from '../src/core/defaults';
import { ProcessEngine } from '../src/engine/engine';
import { HelperLauncher } from '../src/platform/launcher';
import type { ProcessSpec } from '../src/core/types';
import { summarizeProfile } from './support/cpuProfile';
import { measureInChild } from './support/inChild';
import { formatTable, median, summarize, type BenchResult, type BenchRow } from './types';

type Tool = 'engine' | 'inProcess' | 'raw' | 'concurrently';

const TOOLS: readonly Tool[] = ['engine', 'raw', 'inProcess', 'concurrently'];
const CONCURRENCY = [1, 4, 16];
const RUNS = Number(process.env.BENCH_THROUGHPUT_RUNS ?? 2000);
const REPEATS = Number(process.env.BENCH_THROUGHPUT_REPEATS ?? 3);
/**
 * No repetition starts that would likely end past this (judged by the slowest one so far), so
 * `npm run bench` stays near ten minutes on a loaded machine; at least one always runs.
 */
const BUDGET_MS = Number(process.env.BENCH_THROUGHPUT_BUDGET_S ?? 240) * 1000;
/** Runs before each measurement, so the JIT has seen the hot path once. */
const WARMUP = 50;
/** A measurement that takes longer than this is broken, not slow. */
const MEASURE_TIMEOUT_MS = 180_000;
const COMMAND = '/bin/true';

const TOOL_LABEL: Record<Tool, string> = {
  engine: 'engine (helper launcher)',
  inProcess: 'engine (in-process launcher)',
  raw: 'raw spawn',
  concurrently: 'concurrently',
};

/** What one measurement in a fresh process reports. */
interface Sample {
  tool: Tool;
  concurrency: number;
  runs: number;
  /** From the first spawn to the last run done. */
  wallMs: number;
  /** User + system CPU of the spawning process over the same window. */
  cpuMs: number;
  /** Runs that did not end with exit code 0 (must be 0). */
  failed: number;
  /** Peak RSS of the spawning process: fork() costs more the bigger it is. */
  maxRssMb: number;
}

// ---------------------------------------------------------------------------------------------
// The measurements, run inside a fresh process.

type Measured = Pick<Sample, 'wallMs' | 'cpuMs' | 'failed'>;

async function engineRuns(engine: ProcessEngine, runs: number): Promise<number> {
  const done: Promise<void>[] = [];
  const before = engine.metrics().completed;
  // All spawned up front: spawn() resolves once the run is queued, the queue feeds the slots.
  for (let i = 0; i < runs; i++) {
    const id = await engine.spawn('true');
    done.push(engine.whenDone(id));
  }
  await Promise.all(done);
  return runs - (engine.metrics().completed - before);
}

async function measureEngine(concurrency: number, runs: number, helper?: HelperLauncher): Promise<Measured> {
  const spec: ProcessSpec = {
    ...specDefaults(),
    name: 'true',
    kind: 'job',
    command: COMMAND,
    args: [],
    cwd: process.cwd(),
    env: {},
    shell: false,
    autoStart: false,
  };
  const engine = new ProcessEngine({ maxConcurrent: concurrency, hostEnv: process.env, launcher: helper });
  try {
    engine.setDefinitions([spec]);
    await engineRuns(engine, WARMUP);
    return await timed(() => engineRuns(engine, runs));
  } finally {
    await engine.shutdown();
    helper?.dispose();
  }
}

/** A pool keeping `concurrency` children in flight; the next starts as soon as one closes. */
function rawRuns(concurrency: number, runs: number): Promise<number> {
  return new Promise((resolve) => {
    let started = 0;
    let finished = 0;
    let failed = 0;
    const startOne = () => {
      started++;
      const child = spawn(COMMAND, [], { stdio: 'pipe' });
      child.stdout.resume();
      child.stderr.resume();
      child.once('error', () => undefined);
      child.once('close', (code) => {
        if (code !== 0) failed++;
        finished++;
        if (started < runs) startOne();
        else if (finished === runs) resolve(failed);
      });
    };
    for (let i = 0; i < Math.min(concurrency, runs); i++) startOne();
  });
}

async function measureRaw(concurrency: number, runs: number): Promise<Measured> {
  await rawRuns(concurrency, WARMUP);
  return timed(() => rawRuns(concurrency, runs));
}

/** concurrently's Node API with its default (piped) stdio; what it logs goes nowhere. */
async function concurrentlyRuns(concurrency: number, runs: number): Promise<number> {
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const { result } = concurrently(Array.from({ length: runs }, () => COMMAND), {
    maxProcesses: concurrency,
    outputStream: sink,
    prefixColors: false,
  });
  const events = await result.catch((closed: { exitCode: number | string }[]) => closed);
  return runs - events.filter((e) => e.exitCode === 0).length;
}

async function measureConcurrently(concurrency: number, runs: number): Promise<Measured> {
  await concurrentlyRuns(concurrency, WARMUP);
  return timed(() => concurrentlyRuns(concurrency, runs));
}

async function timed(work: () => Promise<number>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const failed = await work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, failed };
}

async function measureHere(tool: Tool, concurrency: number, runs: number): Promise<Sample> {
  const measure = {
    engine: (c: number, n: number) => measureEngine(c, n, new HelperLauncher()),
    inProcess: (c: number, n: number) => measureEngine(c, n),
    raw: measureRaw,
    concurrently: measureConcurrently,
  }[tool];
  const result = await measure(concurrency, runs);
  return { tool, concurrency, runs, ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

// ---------------------------------------------------------------------------------------------
// The parent: one fresh process per measurement.

function measureOne(tool: Tool, concurrency: number, runs: number, nodeArgs: string[] = []): Promise<Sample> {
  return measureInChild<Sample>(__filename, ['--measure', tool, String(concurrency), String(runs)], MEASURE_TIMEOUT_MS, nodeArgs);
}

const perSecond = (s: Sample) => s.runs / (s.wallMs / 1000);
const cpuPerRun = (s: Sample) => s.cpuMs / s.runs;
const label = (tool: Tool, concurrency: number, what = '') => `${TOOL_LABEL[tool]}${what}, concurrency ${concurrency}`;
const range = (values: number[], digits: number) => `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;

/** The rows of one figure for each tool at one concurrency, ratios paired per repetition. */
function rowsFor(samples: Sample[], concurrency: number, figure: (s: Sample) => number, unit: string, what: string): BenchRow[] {
  const of = (tool: Tool) => samples.filter((s) => s.tool === tool && s.concurrency === concurrency);
  const raw = of('raw');
  const tools = (['raw', 'engine', 'inProcess', 'concurrently'] as const).filter((t) => of(t).length > 0);
  return tools.map((tool) => {
    const mine = of(tool);
    const row: BenchRow = { label: label(tool, concurrency, what), unit, ...summarize(mine.map(figure)) };
    if (tool !== 'raw') {
      row.baseline = label('raw', concurrency, what);
      row.ratio = median(mine.map((s, i) => figure(s) / figure(raw[i])));
    }
    return row;
  });
}

function pairedRatios(samples: Sample[], tool: Tool, concurrency: number): number[] {
  const of = (t: Tool) => samples.filter((s) => s.tool === t && s.concurrency === concurrency);
  const raw = of('raw');
  return of(tool).map((s, i) => perSecond(s) / perSecond(raw[i]));
}

export async function run(): Promise<BenchResult> {
  const samples: Sample[] = [];
  const load = [os.loadavg()[0]];
  const perRepetition = CONCURRENCY.length * TOOLS.length;
  const started = Date.now();
  let slowestMs = 0;
  let repeats = 0;
  while (repeats < REPEATS && (repeats === 0 || Date.now() - started + slowestMs <= BUDGET_MS)) {
    const repStart = Date.now();
    for (const concurrency of CONCURRENCY) {
      // Rotate the order per repetition, so no tool always runs first (or right after another).
      const order = TOOLS.map((_, i) => TOOLS[(i + repeats) % TOOLS.length]);
      for (const tool of order) {
        const sample = await measureOne(tool, concurrency, RUNS);
        if (sample.failed > 0) throw new Error(`throughput: ${sample.failed} of ${sample.runs} ${tool} runs did not exit 0.`);
        samples.push(sample);
        console.log(
          `  throughput ${samples.length}/${REPEATS * perRepetition}: ${label(tool, concurrency)}: ${perSecond(sample).toFixed(0)} runs/s, ` +
            `${cpuPerRun(sample).toFixed(3)} ms CPU/run`,
        );
      }
    }
    repeats++;
    slowestMs = Math.max(slowestMs, Date.now() - repStart);
    load.push(os.loadavg()[0]);
  }

  const rows: BenchRow[] = [];
  for (const concurrency of CONCURRENCY) rows.push(...rowsFor(samples, concurrency, perSecond, 'runs/s', ''));
  for (const concurrency of CONCURRENCY) rows.push(...rowsFor(samples, concurrency, cpuPerRun, 'ms', ' CPU/run'));

  const verdicts = CONCURRENCY.map((c) => {
    const ratios = pairedRatios(samples, 'engine', c);
    const met = median(ratios) >= 0.9 ? 'met' : 'not met';
    return `concurrency ${c}: ${median(ratios).toFixed(2)}x (${range(ratios, 2)}) ${met}`;
  });
  const rss = TOOLS.map((t) => `${TOOL_LABEL[t]} ${median(samples.filter((s) => s.tool === t).map((s) => s.maxRssMb)).toFixed(0)} MB`);
  const cut = repeats < REPEATS ? [`Only ${repeats} of ${REPEATS} repetitions fitted the ${BUDGET_MS / 60_000} min budget on this (loaded) machine.`] : [];
  return {
    name: 'throughput',
    title: `Throughput: ${RUNS.toLocaleString('en-US')} runs of ${COMMAND} at concurrency ${CONCURRENCY.join(', ')}, engine vs raw child_process.spawn and concurrently`,
    rows,
    notes: [
      `Target engine/raw >= 0.9x; paired ratios (median, min-max over ${repeats} repetitions): ${verdicts.join('; ')}.`,
      ...cut,
      'CPU/run: user+system CPU of the spawning Node process per run (process.cpuUsage), children excluded; lower is better, so a ratio above 1 is worse. ' +
        'When the machine is loaded the spawning process gets only part of a core, so runs/s ratios drift toward the CPU/run ratios; CPU/run is the steadier figure.',
      `Peak RSS of the spawning process (median): ${rss.join(', ')}; fork() costs more the bigger the process.`,
      'Each measurement runs in a fresh Node process after 50 warm-up runs; tools interleaved, order rotated per repetition.',
      'raw spawn: spawn(cmd, [], { stdio: "pipe" }), a pool that starts the next child from the close handler. ' +
        'engine: all runs spawned up front, maxConcurrent = concurrency; it starts runs from setImmediate, by design.',
      'engine (helper launcher): as the extension runs it; fork() happens in the small helper process, which also takes CPU (not counted in CPU/run). ' +
        'engine (in-process launcher): child_process.spawn in the engine\'s own process, detached, pipes: its difference to raw spawn is the engine\'s bookkeeping.',
      'concurrently: its Node API with maxProcesses, piped stdio, output to a null stream. It always runs a command through /bin/sh -c ' +
        '(dash here does not exec the last command), so each run is two processes.',
      `Shared, noisy machine (${os.cpus().length} cores, other builds and browsers running): 1-minute load average ${load.map((l) => l.toFixed(1)).join(' -> ')} over the run.`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Profile: one engine measurement under --cpu-prof, self time by source (through the source map).

export async function profile(concurrency = 16, tool: Tool = 'engine'): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devproc-prof-'));
  try {
    const sample = await measureOne(tool, concurrency, RUNS, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200']);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('throughput: node wrote no .cpuprofile');
    return [
      `${TOOL_LABEL[tool]} at concurrency ${concurrency}, ${RUNS} runs: ${perSecond(sample).toFixed(0)} runs/s and ` +
        `${cpuPerRun(sample).toFixed(2)} ms CPU/run under the profiler, peak RSS ${sample.maxRssMb.toFixed(0)} MB.`,
      summarizeProfile(path.join(dir, file), `${__filename}.map`),
    ].join('\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [mode, ...rest] = process.argv.slice(2);
  const main = async () => {
    if (mode === '--measure') {
      const [tool, concurrency, runs] = rest;
      const sample = await measureHere(tool as Tool, Number(concurrency), Number(runs));
      process.stdout.write(`${JSON.stringify(sample)}\n`);
    } else if (mode === '--profile') {
      console.log(await profile(rest[0] ? Number(rest[0]) : undefined, (rest[1] as Tool | undefined) ?? 'engine'));
    } else {
      console.log(formatTable([await run()]));
    }
  };
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
