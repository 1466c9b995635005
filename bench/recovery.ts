/**
 * Crash recovery: a service that exits with code 1 after about a second (bench/fixtures/crash.sh),
 * restarted after a configured delay of 100 ms: how long from the process's exit until its
 * replacement runs, beyond that delay. The engine (restart on-failure, initialDelayMs 100,
 * multiplier 1, jitter 0) against PM2 (autorestart, restart_delay 100) and against the least any
 * supervisor can do: a Node parent that spawns again from the exit event after a 100 ms timer.
 *
 * Every tool's exit and restart are read the same way: a worker thread polls the children of the
 * process that starts the service (the engine's launcher helper, PM2's daemon, itself) every
 * millisecond; the exit is when the old process is gone or a zombie, the restart when a new `sh`
 * child exists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { median, type BenchResult, type BenchRow } from './types';
import { BenchEngine, serviceSpec } from './support/engine';
import { Pm2Daemon } from './support/pm2';
import { ms, ratioText, rotated, row, type Series } from './support/rows';
import { childrenNamed, fixture, killHard, procReadCost, treeUnder } from './support/tree';
import { clock, ProcWatch } from './support/watch';
import { nodeRestartSample, type NodeRestartSample } from './support/nodeRestart';

type Tool = 'raw' | 'engine' | 'pm2';

const TOOLS: readonly Tool[] = ['pm2', 'engine', 'raw'];
const REPEATS = Number(process.env.BENCH_RECOVERY_REPEATS ?? 5);
/** Exits and restarts observed per measurement. */
const RESTARTS = 3;
const DELAY_MS = 100;
/** The fixture lives about 1 s; anything beyond this is a tool that stopped restarting. */
const STEP_LIMIT_MS = 10_000;
const SHELL = '/bin/sh';

const TOOL_LABEL: Record<Tool, string> = {
  pm2: `PM2 (autorestart, restart_delay ${DELAY_MS})`,
  engine: `engine (on-failure, initialDelayMs ${DELAY_MS}, multiplier 1, jitter 0)`,
  raw: `raw respawn (exit event, ${DELAY_MS} ms timer, spawn)`,
};

interface Restart {
  /** clock() when the old process was seen gone. */
  exitAt: number;
  /** When the tool started its delay, where it says so (the engine's move to `backoff`). */
  delayFrom?: number;
  /** When that delay ends (the engine's `nextAttemptAt`): it counts from the exit, so it is shorter than the delay by the time spent before. */
  delayEnd?: number;
  /** When the new process was seen. */
  nextAt: number;
}

interface Sample {
  tool: Tool;
  restarts: Restart[];
}

const gap = (r: Restart) => r.nextAt - r.exitAt;

/** What one measurement needs from a tool. */
interface Subject {
  /** Starts the service; resolves to the pid of the process that starts it (and every restart). */
  start(): Promise<number>;
  /** Stops the service and releases what the measurement used; never throws. */
  close(): Promise<void>;
  /** When the tool started each delay, if it tells. */
  readonly delays?: { from: number; end: number }[];
}

function rawSubject(): Subject {
  let child: ChildProcess | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const spawnOne = () => {
    child = spawn(SHELL, [fixture('crash.sh')], { stdio: 'ignore' });
    child.once('error', () => undefined);
    child.once('exit', () => {
      if (!closed) timer = setTimeout(spawnOne, DELAY_MS);
    });
  };
  return {
    async start() {
      spawnOne();
      return process.pid;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      child?.kill('SIGKILL');
    },
  };
}

function engineSubject(): Subject {
  const bench = new BenchEngine();
  const delays: { from: number; end: number }[] = [];
  // Fired as the run enters backoff, just before the engine sets its restart timer.
  bench.engine.onDidChange((snap) => {
    if (snap?.state !== 'backoff' || snap.nextAttemptAt === null) return;
    const now = clock();
    delays.push({ from: now, end: now + (snap.nextAttemptAt - Date.now()) });
  });
  return {
    delays,
    async start() {
      const base = serviceSpec('crash', SHELL, [fixture('crash.sh')]);
      const restart = {
        ...base.restart,
        policy: 'on-failure' as const,
        initialDelayMs: DELAY_MS,
        maxDelayMs: DELAY_MS,
        multiplier: 1,
        jitter: 0,
        maxRestarts: 1000,
      };
      bench.engine.setDefinitions([{ ...base, restart }]);
      await bench.whenRunning([await bench.engine.spawn('crash')]);
      const helper = bench.launcher.helperPid;
      if (helper === undefined) throw new Error('the launcher helper is not running');
      return helper;
    },
    close: () => bench.dispose().catch(() => undefined),
  };
}

function pm2Subject(pm2: Pm2Daemon): Subject {
  let started = false;
  return {
    async start() {
      started = true;
      await pm2.start([
        { name: 'crash', script: fixture('crash.sh'), interpreter: SHELL, autorestart: true, restart_delay: DELAY_MS, max_restarts: 1000 },
      ]);
      return pm2.pid;
    },
    async close() {
      if (started) await pm2.delete('crash').catch(() => undefined);
    },
  };
}

async function measure(tool: Tool, pm2: Pm2Daemon): Promise<Sample> {
  const subject = tool === 'raw' ? rawSubject() : tool === 'engine' ? engineSubject() : pm2Subject(pm2);
  let parent: number | undefined;
  try {
    parent = await subject.start();
    const watch = await ProcWatch.restarts(parent, 'sh', RESTARTS, STEP_LIMIT_MS);
    const restarts: Restart[] = [];
    try {
      while (restarts.length < RESTARTS) restarts.push(await watch.nextRestart());
    } finally {
      await watch.dispose();
    }
    for (const r of restarts) {
      const delay = subject.delays?.find((d) => d.from >= r.exitAt && d.from <= r.nextAt);
      r.delayFrom = delay?.from;
      r.delayEnd = delay?.end;
    }
    return { tool, restarts };
  } finally {
    await subject.close();
    // Whatever the tool left of the fixture: `sh` children of the parent and what they started.
    if (parent !== undefined) for (const sh of childrenNamed(parent, 'sh')) killHard(treeUnder(sh));
  }
}

/** One value per repetition (the median of its starts or restarts), so that the two tools and Node's start pair up. */
function nodeRows(samples: NodeRestartSample[]): BenchRow[] {
  const per = (pick: (s: NodeRestartSample) => number[]) => samples.map((s) => median(pick(s)));
  const start: Series = { label: 'Node start in this process: spawn() to the service\'s first line', values: per((s) => s.nodeStartMs) };
  const raw: Series = { label: 'raw respawn of a Node service from its exit event, no delay: exit to the new one\'s first line', values: per((s) => s.rawMs) };
  const engine: Series = { label: 'engine, Node service, initialDelayMs 0: exit to the new one\'s first line', values: per((s) => s.engineMs) };
  const beyond = (s: Series, label: string): Series => ({ label, values: s.values.map((v, i) => v - start.values[i]) });
  return [
    row(start, 'ms'),
    row(raw, 'ms', start),
    row(engine, 'ms', start),
    row(beyond(raw, 'raw respawn beyond Node\'s start (paired)'), 'ms'),
    row(beyond(engine, 'engine beyond Node\'s start (paired)'), 'ms'),
    row({ label: 'engine: exit line to its request for the new process', values: per((s) => s.engineRequestMs) }, 'ms'),
  ];
}

export async function run(): Promise<BenchResult> {
  fixture('crash.sh');
  const load = [os.loadavg()[0]];
  const cost = procReadCost();
  const { pm2, connectMs } = await Pm2Daemon.start();
  const samples: Sample[] = [];
  try {
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const tool of rotated(TOOLS, rep)) {
        const sample = await measure(tool, pm2);
        samples.push(sample);
        const split = sample.restarts.every((r) => r.delayFrom !== undefined)
          ? ` (exit to timer ${sample.restarts.map((r) => (r.delayFrom! - r.exitAt).toFixed(1)).join(', ')} ms)`
          : '';
        console.log(
          `  recovery ${rep + 1}/${REPEATS}: ${tool}: exit to new process ${sample.restarts.map((r) => gap(r).toFixed(1)).join(', ')} ms, ` +
            `${DELAY_MS} ms configured${split}`,
        );
      }
      load.push(os.loadavg()[0]);
    }
  } finally {
    await pm2.dispose();
  }
  const nodeSamples: NodeRestartSample[] = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    const sample = await nodeRestartSample(rep % 2 === 1);
    nodeSamples.push(sample);
    const fmt = (v: number[]) => v.map((x) => x.toFixed(1)).join(', ');
    console.log(
      `  recovery ${rep + 1}/${REPEATS}: Node service, no delay: node start ${fmt(sample.nodeStartMs)} ms; raw ${fmt(sample.rawMs)} ms; engine ${fmt(sample.engineMs)} ms ` +
        `(exit to the new spawn's request ${fmt(sample.engineRequestMs)} ms)`,
    );
  }

  const of = (tool: Tool) => samples.filter((s) => s.tool === tool);
  // One value per repetition: the median of its restarts, so a ratio pairs two tools' repetitions.
  const overhead = (tool: Tool): Series => ({
    label: `${TOOL_LABEL[tool]}: exit to new process, beyond the delay`,
    values: of(tool).map((s) => median(s.restarts.map(gap)) - DELAY_MS),
  });
  const pm2Series = overhead('pm2');
  const engineSeries = overhead('engine');
  const rawSeries = overhead('raw');
  const rows: BenchRow[] = [row(pm2Series, 'ms'), row(engineSeries, 'ms', pm2Series), row(rawSeries, 'ms', pm2Series), ...nodeRows(nodeSamples)];
  const all = (tool: Tool) => of(tool).flatMap((s) => s.restarts.map(gap));
  const engineRestarts = of('engine').flatMap((s) => s.restarts).filter((r) => r.delayFrom !== undefined);
  const toTimer = engineRestarts.map((r) => r.delayFrom! - r.exitAt);
  const beforeDelay = median(toTimer);
  const afterDelay = median(engineRestarts.map((r) => r.nextAt - r.delayEnd!));
  const spreadOf = (tool: Tool) => `${ms(median(all(tool)))} (${ms(Math.min(...all(tool)))}-${ms(Math.max(...all(tool)))})`;
  return {
    name: 'recovery',
    title: `Crash recovery: a service that exits 1 after ~1 s, restarted after ${DELAY_MS} ms: exit to new process, beyond the delay, engine vs PM2`,
    rows,
    notes: [
      `Engine vs PM2 (paired): ${ratioText(engineSeries, pm2Series)} of PM2's time beyond the delay. ` +
        `Whole gap, exit to new process, median (min-max) of all ${REPEATS * RESTARTS} restarts per tool: engine ${spreadOf('engine')}, PM2 ${spreadOf('pm2')}, ` +
        `raw ${spreadOf('raw')}.`,
      `Measured: ${REPEATS} repetitions of ${RESTARTS} restarts each, tools interleaved (order rotated per repetition). A worker thread of this process polls every 1 ms the ` +
        'children of the process that starts the service (the engine\'s launcher helper, PM2\'s daemon, itself for raw): the exit is when the old ' +
        'process is gone or a zombie, the restart when a new `sh` child exists (after its exec). The service: /bin/sh crash.sh (sleep 1; exit 1), the same for every tool.',
      `Where the engine's time beyond the delay goes (medians over ${engineRestarts.length} restarts): ${ms(beforeDelay)} ` +
        `(${ms(Math.min(...toTimer))}-${ms(Math.max(...toTimer))}) from the exit until it entered backoff and set its ${DELAY_MS} ms timer, ` +
        `${ms(afterDelay)} from the timer's end until the new process existed. The engine enters backoff only after the helper has reported the exit ` +
        'over IPC, the engine has swept the group for leftovers (killTree with the run marker; the scan for escaped daemons reads ' +
        `every process's environ, here ${ms(cost.environMs)} for ${cost.processes} processes) and the output pipes have closed; ` +
        'the delay counts from the exit, so the timer is shortened by that time. After the timer, the start goes through the scheduler (setImmediate), ' +
        'an IPC request to the helper, and its spawn (the child\'s stdio travels over the helper\'s one data link, opened once). PM2 sets its timer in the exit handler, ' +
        'with no sweep, and spawns from the daemon itself once it has opened the log files; the raw respawn does only the timer and the spawn.',
      `Node service with no delay (target: at most 5 ms beyond Node's start): bench/fixtures/crash-node.js, which exits 1 after 300 ms, with restart initialDelayMs 0; ` +
        'it writes a line with the time when its code starts and just before it exits, so the time from one process\'s exit line to the next one\'s start line includes the exit itself, ' +
        'its detection, the spawn and Node\'s own start; Node\'s start alone is spawn() in this process to the first line, one process at a time, measured in the same repetition. ' +
        `${REPEATS} repetitions of 8 restarts; raw and engine alternate which goes first.`,
      `PM2 ${pm2.version} daemon in a temporary PM2_HOME, started by the bench in ${ms(connectMs)}; max_restarts 1000 so it never gives up within the run.`,
      `${os.cpus().length} cores, 1-minute load average ${load.map((l) => l.toFixed(1)).join(' -> ')} over the run.`,
    ],
  };
}
