/**
 * Host blocking: how long a spawn holds up the event loop of the process
 * that asks for it, when that process is as big as an extension host. fork() copies the caller's
 * page tables, so its cost grows with the caller's memory.
 *
 * Each measurement runs in a fresh Node process that first grows to ~500 MB RSS (buffers, every
 * page touched), then starts 300 runs of /bin/true, one every 20 ms, through one launcher:
 * `child_process.spawn` in that process, execa in that process, or the HelperLauncher (the fork
 * happens in a small helper process). It records the time inside `launch()`, the event-loop
 * delay (perf_hooks.monitorEventLoopDelay) and the CPU the host spent per spawn. The host's
 * environment is padded to about as many variables as an extension host has (the editor's own, a
 * login shell's), and each run gets all of it and its own run marker, as the engine's runs do.
 *
 * A second figure starts the same launchers back to back (4 in flight) from a small host: runs/s
 * and the host's CPU per spawn, which decides execa or child_process on the hot path.
 *
 * Alone: `node out/bench/hostBlocking.js`; one measurement:
 * `--measure TOOL RSS_MB SPAWNS INTERVAL_MS` (interval 0 means back to back); with
 * BENCH_HOSTBLOCKING_PROFILE=1 a measurement also profiles its window and prints the summary.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { childProcessLauncher, HelperLauncher, type Launcher } from '../src/platform/launcher';
import { execaLauncher } from './support/execaLauncher';
import { LINUX_TICKS_PER_SECOND } from '../src/engine/monitor/procSource';
import { linuxProcessTable } from '../src/platform/procfs';
import { RUN_MARKER } from '../src/platform/records';
import { measureInChild } from './support/inChild';
import { profileThisProcess } from './support/cpuProfile';
import { formatNumber, formatTable, median, summarize, type BenchResult, type BenchRow } from './types';

type Tool = 'child_process' | 'execa' | 'helper';

const TOOLS: readonly Tool[] = ['child_process', 'execa', 'helper'];
const TOOL_LABEL: Record<Tool, string> = {
  child_process: 'child_process.spawn in the host',
  execa: 'execa in the host',
  helper: 'HelperLauncher',
};
const COMMAND = '/bin/true';
const HOST_RSS_MB = Number(process.env.BENCH_HOSTBLOCKING_RSS_MB ?? 500);
const STEADY_SPAWNS = Number(process.env.BENCH_HOSTBLOCKING_SPAWNS ?? 300);
const STEADY_INTERVAL_MS = 20;
const FAST_SPAWNS = Number(process.env.BENCH_HOSTBLOCKING_FAST_SPAWNS ?? 1000);
const FAST_IN_FLIGHT = 4;
const REPEATS = Number(process.env.BENCH_HOSTBLOCKING_REPEATS ?? 3);
const WARMUP = 20;
/** Host CPU with nothing to do but the delay monitor, measured first and subtracted. */
const IDLE_MS = 1000;
const PROFILE = process.env.BENCH_HOSTBLOCKING_PROFILE === '1';
const TARGET_MS = 1;
/** Variables in the host's environment: an extension host has about this many (its own, a login shell's). */
const HOST_ENV_VARS = Number(process.env.BENCH_HOSTBLOCKING_ENV_VARS ?? 100);
/** Bytes per padding variable's value, about the average of such an environment. */
const PAD_VALUE_BYTES = 48;
/** A measurement that takes longer than this is broken, not slow. */
const MEASURE_TIMEOUT_MS = 120_000;

interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

/** What one measurement in a fresh process reports. */
interface Sample {
  tool: Tool;
  rssMb: number;
  spawns: number;
  intervalMs: number;
  wallMs: number;
  /** Host CPU (user + system) per spawn, the idle cost over the same time subtracted. */
  cpuPerSpawnMs: number;
  /** Time the host's event loop was busy per spawn (event-loop utilization), idle rate subtracted. */
  busyPerSpawnMs: number;
  /** The helper's own CPU per spawn (HelperLauncher only). */
  helperCpuPerSpawnMs?: number;
  /** Time inside `launch()`: the part of a spawn the caller waits for synchronously. */
  call: Percentiles;
  /** Event-loop delay over the whole window, 1 ms resolution. */
  loop: Percentiles;
  /** The same with no spawns, before the window: the machine's own noise. */
  idleLoop: Percentiles;
  failed: number;
}

// ---------------------------------------------------------------------------------------------
// The measurement, inside a fresh process.

/** Grows this process to about `targetMb` of resident memory; keep the result referenced. */
function inflate(targetMb: number): Buffer[] {
  const ballast: Buffer[] = [];
  while (process.memoryUsage.rss() < targetMb * 1024 * 1024) {
    const chunk = Buffer.allocUnsafeSlow(8 * 1024 * 1024);
    // Touch every page, or the kernel maps none of it and fork() has nothing to copy.
    for (let i = 0; i < chunk.length; i += 4096) chunk[i] = i & 0xff;
    ballast.push(chunk);
  }
  return ballast;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

/** Grows this process's environment to `count` variables; returns it as a run gets it. */
function padEnvironment(count: number): Record<string, string> {
  for (let i = 0; Object.keys(process.env).length < count; i++) {
    process.env[`BENCH_HOSTBLOCKING_PAD_${i}`] = `${i}:`.padEnd(PAD_VALUE_BYTES, 'x');
  }
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}

let hostEnv: Record<string, string> = {};
let runCount = 0;

/** Starts one run and resolves with whether it exited 0, after its streams closed. */
function launchOne(launcher: Launcher, callTimes: number[]): Promise<boolean> {
  const before = performance.now();
  // A fresh environment per run with its own run marker, as the engine's runs get.
  const env = { ...hostEnv, [RUN_MARKER]: `bench-${++runCount}` };
  const child = launcher.launch({ command: COMMAND, args: [], cwd: process.cwd(), env, shell: false });
  callTimes.push(performance.now() - before);
  const closed = [child.stdout, child.stderr].map((s) => new Promise((resolve) => s.once('close', resolve).resume()));
  const ended = new Promise<boolean>((resolve) => {
    child.onExit((code) => resolve(code === 0));
    child.onError(() => resolve(false));
  });
  child.stdin.end();
  return Promise.all([ended, ...closed]).then(([ok]) => ok);
}

/** One every `intervalMs` on a fixed schedule (late ones start at once), or back to back. */
async function launchMany(launcher: Launcher, spawns: number, intervalMs: number, callTimes: number[]): Promise<number> {
  const runs: Promise<boolean>[] = [];
  if (intervalMs > 0) {
    const start = performance.now();
    for (let i = 0; i < spawns; i++) {
      await sleep(start + i * intervalMs - performance.now());
      runs.push(launchOne(launcher, callTimes));
    }
  } else {
    let started = 0;
    const lane = async () => {
      while (started < spawns) {
        started++;
        const run = launchOne(launcher, callTimes);
        runs.push(run);
        await run;
      }
    };
    await Promise.all(Array.from({ length: FAST_IN_FLIGHT }, lane));
  }
  return (await Promise.all(runs)).filter((ok) => !ok).length;
}

function loopPercentiles(histogram: ReturnType<typeof monitorEventLoopDelay>): Percentiles {
  // Recorded in nanoseconds; the 1 ms resolution is the timer's own interval, not delay.
  const ms = (ns: number) => Math.max(0, ns / 1e6 - 1);
  return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

function helperCpuMs(pid: number | undefined): number | undefined {
  const ticks = pid === undefined ? undefined : linuxProcessTable.stat(pid)?.cpuTicks;
  return ticks === undefined ? undefined : (ticks * 1000) / LINUX_TICKS_PER_SECOND;
}

async function measureHere(tool: Tool, rssMb: number, spawns: number, intervalMs: number): Promise<Sample> {
  const ballast = rssMb > 0 ? inflate(rssMb) : [];
  // Before the helper starts: it inherits the host's environment, as the editor's would.
  hostEnv = padEnvironment(HOST_ENV_VARS);
  const helper = tool === 'helper' ? new HelperLauncher() : undefined;
  const launcher: Launcher = helper ?? (tool === 'execa' ? execaLauncher : childProcessLauncher);
  try {
    for (let i = 0; i < WARMUP; i++) await launchOne(launcher, []);

    const idle = monitorEventLoopDelay({ resolution: 1 });
    const idleCpu = process.cpuUsage();
    const idleElu = performance.eventLoopUtilization();
    idle.enable();
    await sleep(IDLE_MS);
    idle.disable();
    const idleCpuPerMs = cpuMs(process.cpuUsage(idleCpu)) / IDLE_MS;
    const idleBusyPerMs = performance.eventLoopUtilization(idleElu).utilization;

    const callTimes: number[] = [];
    const stopProfile = PROFILE ? profileThisProcess() : undefined;
    const loop = monitorEventLoopDelay({ resolution: 1 });
    const helperBefore = helperCpuMs(helper?.helperPid);
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const start = performance.now();
    loop.enable();
    const failed = await launchMany(launcher, spawns, intervalMs, callTimes);
    loop.disable();
    const wallMs = performance.now() - start;
    const used = cpuMs(process.cpuUsage(cpu)) - idleCpuPerMs * wallMs;
    const busy = performance.eventLoopUtilization(elu).active - idleBusyPerMs * wallMs;
    const helperAfter = helperCpuMs(helper?.helperPid);
    if (stopProfile) console.error(await stopProfile(path.join(__dirname, 'hostBlocking.js.map')));
    return {
      tool,
      rssMb: process.memoryUsage.rss() / 1024 / 1024,
      spawns,
      intervalMs,
      wallMs,
      cpuPerSpawnMs: used / spawns,
      busyPerSpawnMs: busy / spawns,
      helperCpuPerSpawnMs: helperBefore !== undefined && helperAfter !== undefined ? (helperAfter - helperBefore) / spawns : undefined,
      call: percentiles(callTimes),
      loop: loopPercentiles(loop),
      idleLoop: loopPercentiles(idle),
      failed,
    };
  } finally {
    helper?.dispose();
    // The last use of the ballast: it stays resident through the whole measurement.
    ballast.length = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// The parent: one fresh process per measurement.

function measureOne(tool: Tool, rssMb: number, spawns: number, intervalMs: number): Promise<Sample> {
  return measureInChild<Sample>(__filename, ['--measure', tool, String(rssMb), String(spawns), String(intervalMs)], MEASURE_TIMEOUT_MS);
}

const perSecond = (s: Sample) => s.spawns / (s.wallMs / 1000);

/** One figure for every tool, each compared with child_process.spawn of the same repetition. */
function rowsFor(samples: Sample[], what: string, figure: (s: Sample) => number, unit: string): BenchRow[] {
  const of = (tool: Tool) => samples.filter((s) => s.tool === tool);
  const label = (tool: Tool) => `${TOOL_LABEL[tool]}: ${what}`;
  const baseline = of('child_process');
  return TOOLS.map((tool) => {
    const row: BenchRow = { label: label(tool), unit, ...summarize(of(tool).map(figure)) };
    if (tool !== 'child_process') {
      row.baseline = label('child_process');
      row.ratio = median(of(tool).map((s, i) => figure(s) / figure(baseline[i])));
    }
    return row;
  });
}

const ms = (value: number) => `${formatNumber(value)} ms`;
const medianOf = (samples: Sample[], figure: (s: Sample) => number) => median(samples.map(figure));

function markdown(steady: Sample[], fast: Sample[]): string {
  const lines = [
    `| ${HOST_RSS_MB} MB host, 1 spawn / ${STEADY_INTERVAL_MS} ms | loop busy / spawn | launch() p50 / p99 / max | event-loop delay p50 / p99 / max | idle loop p99 | host CPU / spawn | helper CPU / spawn |`,
    '| --- | ---: | --- | --- | --- | ---: | ---: |',
  ];
  for (const tool of TOOLS) {
    const mine = steady.filter((s) => s.tool === tool);
    const helperCpu = mine.map((s) => s.helperCpuPerSpawnMs).filter((v): v is number => v !== undefined);
    lines.push(
      `| ${TOOL_LABEL[tool]} | ${ms(medianOf(mine, (s) => s.busyPerSpawnMs))} | ${(['p50', 'p99', 'max'] as const).map((p) => ms(medianOf(mine, (s) => s.call[p]))).join(' / ')} ` +
        `| ${(['p50', 'p99', 'max'] as const).map((p) => ms(medianOf(mine, (s) => s.loop[p]))).join(' / ')} ` +
        `| ${ms(medianOf(mine, (s) => s.idleLoop.p99))} | ${ms(medianOf(mine, (s) => s.cpuPerSpawnMs))} | ${helperCpu.length ? ms(median(helperCpu)) : '-'} |`,
    );
  }
  lines.push('', `| small host, back to back (${FAST_IN_FLIGHT} in flight) | runs/s | loop busy / spawn | host CPU / spawn | helper CPU / spawn |`, '| --- | ---: | ---: | ---: | ---: |');
  for (const tool of TOOLS) {
    const mine = fast.filter((s) => s.tool === tool);
    const helperCpu = mine.map((s) => s.helperCpuPerSpawnMs).filter((v): v is number => v !== undefined);
    lines.push(
      `| ${TOOL_LABEL[tool]} | ${formatNumber(medianOf(mine, perSecond))} | ${ms(medianOf(mine, (s) => s.busyPerSpawnMs))} ` +
        `| ${ms(medianOf(mine, (s) => s.cpuPerSpawnMs))} | ${helperCpu.length ? ms(median(helperCpu)) : '-'} |`,
    );
  }
  return lines.join('\n');
}

export async function run(): Promise<BenchResult> {
  const steady: Sample[] = [];
  const fast: Sample[] = [];
  const load = [os.loadavg()[0]];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    // Rotate the order per repetition, so no tool always runs first (or right after another).
    const order = TOOLS.map((_, i) => TOOLS[(i + repeat) % TOOLS.length]);
    for (const tool of order) {
      const sample = await measureOne(tool, HOST_RSS_MB, STEADY_SPAWNS, STEADY_INTERVAL_MS);
      const quick = await measureOne(tool, 0, FAST_SPAWNS, 0);
      for (const s of [sample, quick]) {
        if (s.failed > 0) throw new Error(`hostBlocking: ${s.failed} of ${s.spawns} ${tool} runs did not exit 0.`);
      }
      steady.push(sample);
      fast.push(quick);
      console.log(
        `  hostBlocking ${repeat + 1}/${REPEATS} ${TOOL_LABEL[tool]}: ${sample.rssMb.toFixed(0)} MB host, launch() p99 ${sample.call.p99.toFixed(2)} ms, ` +
          `loop p99 ${sample.loop.p99.toFixed(2)} ms, busy/spawn ${sample.busyPerSpawnMs.toFixed(3)} ms, CPU/spawn ${sample.cpuPerSpawnMs.toFixed(3)} ms; ` +
          `small host ${perSecond(quick).toFixed(0)} runs/s, ` +
          `CPU/spawn ${quick.cpuPerSpawnMs.toFixed(3)} ms`,
      );
    }
    load.push(os.loadavg()[0]);
  }

  const ours = steady.filter((s) => s.tool === 'helper');
  const busy = medianOf(ours, (s) => s.busyPerSpawnMs);
  const rows = [
    ...rowsFor(steady, `${HOST_RSS_MB} MB host, event-loop busy/spawn`, (s) => s.busyPerSpawnMs, 'ms'),
    ...rowsFor(steady, `${HOST_RSS_MB} MB host, launch() p99`, (s) => s.call.p99, 'ms'),
    ...rowsFor(steady, `${HOST_RSS_MB} MB host, event-loop delay p99`, (s) => s.loop.p99, 'ms'),
    ...rowsFor(steady, `${HOST_RSS_MB} MB host, CPU/spawn`, (s) => s.cpuPerSpawnMs, 'ms'),
    ...rowsFor(fast, 'small host, back to back', perSecond, 'runs/s'),
    ...rowsFor(fast, 'small host, CPU/spawn', (s) => s.cpuPerSpawnMs, 'ms'),
  ];
  return {
    name: 'hostBlocking',
    title: `Host blocking: ${STEADY_SPAWNS} runs of ${COMMAND} from a ${HOST_RSS_MB} MB host, child_process.spawn and execa in the host vs the HelperLauncher`,
    rows,
    notes: [
      `Target: at most ${TARGET_MS} ms of event loop per spawn for the HelperLauncher: ${busy.toFixed(2)} ms (median of ${REPEATS}), ` +
        `${busy <= TARGET_MS ? 'met' : 'not met'}; launch() p99 ${medianOf(ours, (s) => s.call.p99).toFixed(2)} ms.`,
      'Event-loop busy/spawn: the time the host\'s event loop was not waiting (performance.eventLoopUtilization) over the window, ' +
        'less its idle rate, per spawn: the event loop every other extension shares, spent on one spawn.',
      `Each measurement is a fresh Node process grown to ${HOST_RSS_MB} MB RSS (buffers, every page touched), ${WARMUP} warm-up runs, then one spawn every ` +
        `${STEADY_INTERVAL_MS} ms; a spawn that blocks longer than that makes the next one late, as it would make every other extension wait.`,
      'launch(): time inside the call. Event-loop delay: perf_hooks.monitorEventLoopDelay at 1 ms resolution over the whole window, ' +
        'including the completion of every run; "idle loop" is the same before any spawn, the noise of a shared machine.',
      `CPU/spawn: user+system CPU of the host (process.cpuUsage) over the window less its idle rate, per spawn. The HelperLauncher's helper process ` +
        'spends its own CPU (read from /proc); that is off the host\'s event loop.',
      `The host's environment is padded to ${HOST_ENV_VARS} variables (an extension host has about as many: the editor's own, a login ` +
        "shell's), and every run gets all of it and a run marker of its own, as the engine's runs do.",
      `Small host: no ballast (about 50 MB), ${FAST_SPAWNS} runs, ${FAST_IN_FLIGHT} in flight: what the spawn path itself costs.`,
      'When every core is busy, the helper, woken by the host\'s request, can be run on the host\'s core at once and the host waits for ' +
        'its fork: most of the HelperLauncher\'s launch() p99 here. With the two on different cores (taskset) its launch() p99 was 0.4-1.0 ms.',
      `Shared, noisy machine (${os.cpus().length} cores): 1-minute load average ${load.map((l) => l.toFixed(1)).join(' -> ')} over the run.`,
    ],
    markdown: markdown(steady, fast),
  };
}

if (require.main === module) {
  const [mode, ...rest] = process.argv.slice(2);
  const main = async () => {
    if (mode === '--measure') {
      const [tool, rssMb, spawns, intervalMs] = rest;
      const sample = await measureHere(tool as Tool, Number(rssMb), Number(spawns), Number(intervalMs));
      process.stdout.write(`${JSON.stringify(sample)}\n`);
    } else {
      const result = await run();
      console.log(formatTable([result]));
      console.log(`\n${result.markdown}`);
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
