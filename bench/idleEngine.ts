/**
 * Idle cost without the editor: what 50 quiet Node services with http readiness probes add to
 * the process that runs the engine, its monitor and the launcher helper's client, as the
 * extension wires them (bench/idle.ts measures the whole extension host in code-server, where the
 * editor's own extensions share the process and its CPU varies by more than the target).
 * CPU is the process's own time on a CPU (all its threads) over a window, and the helper's, so
 * the figure does not move with what else the machine runs. Memory is split by where V8 reports
 * it, so a growth of the extension host can be told apart from what the engine's own objects and
 * buffers take.
 *
 * Each repetition: a fresh engine whose helper has started, a window of
 * BENCH_IDLE_ENGINE_WINDOW_S (default 30) seconds with nothing running, a garbage collection, the
 * memory; then the 50 started and ready, BENCH_IDLE_ENGINE_SETTLE_S (default 60) seconds idle,
 * the same window again, a garbage collection, the memory again. `node out/bench/run.js
 * idleEngine` runs it alone (BENCH_IDLE_ENGINE_REPEATS, default 2).
 */
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { DEFAULT_PROBE_TIMING } from '../src/core/defaults';
import { ProcessMonitor } from '../src/engine/monitor/monitor';
import { HelperLauncher } from '../src/platform/launcher';
import { formatTable, type BenchResult } from './types';
import { BenchEngine, serviceSpec } from './support/engine';
import { row, type Series } from './support/rows';
import { sleep } from './support/tree';
import { cpuMs } from './support/procUsage';
import { profileThisProcess } from './support/cpuProfile';

const SERVICES = 50;
const REPEATS = Number(process.env.BENCH_IDLE_ENGINE_REPEATS ?? 2);
/** As bench/idle.ts: past the first minute, when the monitor reads new trees' ports every round. */
const SETTLE_MS = Number(process.env.BENCH_IDLE_ENGINE_SETTLE_S ?? 60) * 1000;
const WINDOW_MS = Number(process.env.BENCH_IDLE_ENGINE_WINDOW_S ?? 30) * 1000;
/** BENCH_IDLE_ENGINE_PROFILE=1: a CPU profile of this process over the idle window with the 50 running, summed by function. */
const PROFILE = process.env.BENCH_IDLE_ENGINE_PROFILE === '1';
const START_TIMEOUT_MS = 120_000;
const MB = 1024 * 1024;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

function memory(): Memory {
  for (let i = 0; i < 3; i++) gc();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external };
}

async function freeBase(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = net.createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    if ((await Promise.all(Array.from({ length: SERVICES }, (_, i) => free(base + i)))).every(Boolean)) return base;
  }
  throw new Error(`idleEngine: found no ${SERVICES} free ports in a row`);
}

/** Share of one core (percent) that this process and the helper each took over an idle window. */
interface Cpu {
  engine: number;
  helper: number;
}

async function cpuWindow(helperPid: number | undefined): Promise<Cpu> {
  const pids = [process.pid, helperPid ?? Number.NaN];
  const before = pids.map(cpuMs);
  const t0 = performance.now();
  await sleep(WINDOW_MS);
  const percent = (i: number) => ((cpuMs(pids[i]) - before[i]) / (performance.now() - t0)) * 100;
  return { engine: percent(0), helper: percent(1) };
}

interface Sample {
  before: Memory;
  after: Memory;
  idleCpu: Cpu;
  busyCpu: Cpu;
}

/** One repetition: CPU and memory before the start and once the 50 have idled. */
async function measure(): Promise<Sample> {
  // As the extension makes it: a grace for a reload, the helper's own stop grace.
  const bench = new BenchEngine({}, new HelperLauncher({ reconnectGraceMs: 30_000, stopGraceMs: 3000 }));
  const monitor = new ProcessMonitor(bench.engine, { intervalMs: 1000 });
  try {
    const base = await freeBase();
    const server = path.join(__dirname, '..', '..', 'test', 'fixtures', 'http-server.js');
    const specs = Array.from({ length: SERVICES }, (_, i) => ({
      ...serviceSpec(`svc-${i}`, process.execPath, [server], { env: { PORT: String(base + i) } }),
      healthCheck: { readiness: { type: 'http' as const, url: `http://127.0.0.1:${base + i}/`, ...DEFAULT_PROBE_TIMING } },
    }));
    bench.engine.setDefinitions(specs);
    bench.launcher.prepare();
    // Past the helper's own start, which would count against the window with nothing running.
    await sleep(5000);
    const idleCpu = await cpuWindow(bench.launcher.helperPid);
    const before = memory();
    const ids: string[] = [];
    for (const spec of specs) ids.push(await bench.engine.spawn(spec.name));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!ids.every((id) => bench.engine.get(id)?.ready)) {
      if (Date.now() > deadline) throw new Error(`idleEngine: not every service was ready after ${START_TIMEOUT_MS / 1000} s`);
      await sleep(500);
    }
    await sleep(SETTLE_MS);
    const stopProfile = PROFILE ? profileThisProcess() : undefined;
    const busyCpu = await cpuWindow(bench.launcher.helperPid);
    if (stopProfile) console.log(await stopProfile(path.join(__dirname, 'idleEngine.js.map')));
    return { before, after: memory(), idleCpu, busyCpu };
  } finally {
    monitor.dispose();
    await bench.dispose().catch(() => undefined);
  }
}

export async function run(): Promise<BenchResult> {
  const load = [os.loadavg()[0]];
  const samples: Sample[] = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    const sample = await measure();
    samples.push(sample);
    const growth = (k: keyof Memory) => ((sample.after[k] - sample.before[k]) / MB).toFixed(1);
    const added = (k: keyof Cpu) => (sample.busyCpu[k] - sample.idleCpu[k]).toFixed(3);
    console.log(
      `  idleEngine ${rep + 1}/${REPEATS}: CPU added ${added('engine')}% (engine's process), ${added('helper')}% (helper); ` +
        `growth rss ${growth('rss')} MB, heap used ${growth('heapUsed')}, heap total ${growth('heapTotal')}, external ${growth('external')}`,
    );
    load.push(os.loadavg()[0]);
  }
  const series = (key: keyof Memory, label: string): Series => ({ label, values: samples.map((s) => (s.after[key] - s.before[key]) / MB) });
  const cpu = (key: keyof Cpu, label: string): Series => ({ label, values: samples.map((s) => s.busyCpu[key] - s.idleCpu[key]) });
  const both: Series = { label: `CPU added by the ${SERVICES}, engine's process and helper together`, values: samples.map((s) => s.busyCpu.engine + s.busyCpu.helper - s.idleCpu.engine - s.idleCpu.helper) };
  return {
    name: 'idleEngine',
    title: `Idle cost without the editor: what ${SERVICES} quiet services with readiness probes add to the engine's process`,
    rows: [
      row(both, '%'),
      row(cpu('engine', `CPU added by the ${SERVICES}, engine's process (engine, monitor, probes)`), '%'),
      row(cpu('helper', `CPU added by the ${SERVICES}, launcher helper`), '%'),
      row(series('rss', 'resident set growth'), 'MB'),
      row(series('heapUsed', 'V8 heap used growth'), 'MB'),
      row(series('heapTotal', 'V8 heap reserved growth'), 'MB'),
      row(series('external', 'external (buffers) growth'), 'MB'),
    ],
    notes: [
      `${REPEATS} repetitions; CPU: a process's time on a CPU over ${WINDOW_MS / 1000} s, as a share of one core, with the ${SERVICES} ready and idle for ${SETTLE_MS / 1000} s, less the same with nothing running. ` +
        `Memory: after 3 garbage collections, before the start (the helper already running) and after the ${SERVICES} idled. ` +
        'The engine, its monitor (1 s rounds) and the launcher helper as the extension makes them; no editor, output channels or log files.',
      `${os.cpus().length} cores, 1-minute load average ${load.map((l) => l.toFixed(1)).join(' -> ')} over the run.`,
    ],
  };
}

if (require.main === module) void run().then((result) => console.log(`\n${formatTable([result])}`));
