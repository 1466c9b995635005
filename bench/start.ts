/**
 * Start: the time to have 20 services running, each a long-lived `sleep 1000`. The engine from
 * cold (a new ProcessEngine and HelperLauncher, the 20 definitions set and each spawned, as the
 * extension does for autoStart) until every run is `running`; the engine again with its launcher
 * helper already up; PM2 (`pm2 start` of an ecosystem of 20 apps, its daemon already running)
 * until all 20 pids exist; `concurrently` (its Node API, 20 commands) until all 20 pids exist.
 * The baseline: 20 child_process.spawn calls from this process, until every one reported 'spawn'.
 *
 * As a window opens (the `window*` rows): the same from the moment the extension's entry runs,
 * with a stand-in for the bundle's load and `activate()` first (this process's event loop held
 * for BENCH_START_ACTIVATE_MS of CPU): the engine with its helper started at that moment, as
 * src/start.ts does, beside the stand-in; the engine whose helper starts with the first spawn,
 * after it (before that change); and the raw loop after it.
 *
 * Running means the process exists: for the engine, state `running` (its helper confirmed the
 * spawn); for the others, the pid is in /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { Writable } from 'node:stream';
import { concurrently } from 'concurrently';
import { HelperLauncher, findHelperScript } from '../src/platform/launcher';
import { startHelper } from '../src/platform/launcher/helperStart';
import { median, type BenchResult, type BenchRow } from './types';
import { BenchEngine, serviceSpec } from './support/engine';
import { Pm2Daemon } from './support/pm2';
import { ms, ratioText, rotated, row, type Series } from './support/rows';
import { childrenNamed, killHard, pollFor, procOf, sleep, treeUnder, which, type Proc } from './support/tree';

type Tool = 'raw' | 'engine' | 'warm' | 'pm2' | 'concurrently' | 'windowRaw' | 'window' | 'windowLate';

const ALL_TOOLS: readonly Tool[] = ['raw', 'engine', 'warm', 'pm2', 'concurrently', 'windowRaw', 'window', 'windowLate'];
/** BENCH_START_TOOLS=raw,engine,... runs only those (raw is always run: it is the baseline). */
const TOOLS: readonly Tool[] = (() => {
  const asked = process.env.BENCH_START_TOOLS?.split(',');
  return asked ? ALL_TOOLS.filter((t) => t === 'raw' || t === 'windowRaw' || asked.includes(t)) : ALL_TOOLS;
})();
/**
 * The stand-in for the extension's bundle loading and its `activate()`, in ms of this process's
 * CPU: about what that took in plain Node with the code cache (bench/README.md, "Activation").
 */
const ACTIVATE_MS = Number(process.env.BENCH_START_ACTIVATE_MS ?? 30);
const REPEATS = Number(process.env.BENCH_START_REPEATS ?? 9);
const SERVICES = 20;
/** Twenty processes that take longer than this to start mean a tool is stuck. */
const START_LIMIT_MS = 20_000;

const TOOL_LABEL: Record<Tool, string> = {
  raw: `raw spawn, ${SERVICES} x sleep: until every 'spawn' event`,
  engine: `engine, cold (new engine and launcher helper): until all ${SERVICES} running`,
  warm: `engine, launcher helper already running: until all ${SERVICES} running`,
  pm2: `PM2 start, ecosystem of ${SERVICES} apps (daemon running): until all ${SERVICES} pids exist`,
  concurrently: `concurrently, ${SERVICES} commands: until all ${SERVICES} pids exist`,
  windowRaw: `window: ${ACTIVATE_MS} ms activation stand-in, then raw spawn of ${SERVICES}: until every 'spawn' event`,
  window: `window: helper started with the window, beside a ${ACTIVATE_MS} ms activation stand-in: until all ${SERVICES} running`,
  windowLate: `window: ${ACTIVATE_MS} ms activation stand-in, then the helper with the first spawn: until all ${SERVICES} running`,
};

/** Holds this process's event loop for `ms` of work, as loading and activating the bundle does. */
function activationStandIn(ms: number): void {
  const until = performance.now() + ms;
  let spin = 0;
  while (performance.now() < until) spin++;
  if (spin < 0) console.log(spin);
}

/** A window's start: the stand-in, with the helper started before it (`early`), then `subject`. */
function windowSubject(subject: (started?: ChildProcess) => Subject, early: boolean): Subject {
  let inner: Subject | undefined;
  let started: ChildProcess | undefined;
  return {
    async start() {
      started = early ? startHelper(findHelperScript()) : undefined;
      activationStandIn(ACTIVATE_MS);
      inner = subject(started);
      return inner.start();
    },
    async close() {
      if (inner) await inner.close();
      else started?.kill('SIGKILL');
    },
  };
}

interface Sample {
  tool: Tool;
  /** From the first call until every process existed. */
  runningMs: number;
  /** PM2 only: from the call until `pm2 start` answered. */
  answeredMs?: number;
}

/** A tool's run of the 20 services: started, then taken down, whatever happened. */
interface Subject {
  /** Starts the services; resolves once each exists, with when that was and when the tool answered. */
  start(): Promise<{ runningAt: number; answeredAt?: number }>;
  close(): Promise<void>;
}

function rawSubject(command: string): Subject {
  const children: ChildProcess[] = [];
  return {
    async start() {
      const spawned: Promise<unknown>[] = [];
      for (let i = 0; i < SERVICES; i++) {
        // Piped, as every other tool keeps its services' output.
        const child = spawn(command, ['1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout!.resume();
        child.stderr!.resume();
        children.push(child);
        spawned.push(new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject)));
      }
      await Promise.all(spawned);
      return { runningAt: performance.now() };
    },
    async close() {
      const exited = children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((r) => c.once('exit', r)));
      for (const child of children) child.kill('SIGKILL');
      await Promise.race([Promise.all(exited), sleep(5000)]);
    },
  };
}

function engineSubject(command: string, launcher?: HelperLauncher, started?: ChildProcess): Subject {
  let bench: BenchEngine | undefined;
  return {
    async start() {
      bench = new BenchEngine({}, launcher ?? new HelperLauncher({ started }));
      const specs = Array.from({ length: SERVICES }, (_, i) => serviceSpec(`svc-${i + 1}`, command, ['1000']));
      bench.engine.setDefinitions(specs);
      const ids: string[] = [];
      for (const spec of bench.engine.definitions().filter((s) => s.autoStart)) ids.push(await bench.engine.spawn(spec.name));
      await bench.whenRunning(ids, START_LIMIT_MS);
      return { runningAt: performance.now() };
    },
    async close() {
      if (bench) await bench.dispose().catch(() => undefined);
      else launcher?.dispose();
    },
  };
}

/** A helper that has already launched once, so its start is out of the measurement. */
async function warmLauncher(command: string): Promise<HelperLauncher> {
  const launcher = new HelperLauncher();
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const child = launcher.launch({ command, args: ['0'], cwd: process.cwd(), env, shell: false });
  child.stdout.resume();
  child.stderr.resume();
  await new Promise<void>((resolve, reject) => {
    child.onExit(() => resolve());
    child.onError(reject);
  });
  child.stdin.destroy();
  return launcher;
}

function pm2Subject(pm2: Pm2Daemon, command: string): Subject {
  let started = false;
  return {
    async start() {
      started = true;
      const apps = Array.from({ length: SERVICES }, (_, i) => ({ name: `svc-${i + 1}`, script: command, args: ['1000'], interpreter: 'none', autorestart: false }));
      let answeredAt: number | undefined;
      const answered = pm2.start(apps).then(() => (answeredAt = performance.now()));
      const runningAt = await pollFor(() => (childrenNamed(pm2.pid, 'sleep').length >= SERVICES ? performance.now() : undefined), START_LIMIT_MS);
      await answered;
      if (runningAt === undefined) throw new Error(`PM2 had not started ${SERVICES} processes after ${START_LIMIT_MS / 1000} s.\n${pm2.logTail()}`);
      return { runningAt, answeredAt };
    },
    async close() {
      if (started) await pm2.delete('all').catch(() => undefined);
    },
  };
}

function concurrentlySubject(command: string): Subject {
  let running: ReturnType<typeof concurrently> | undefined;
  return {
    async start() {
      const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
      running = concurrently(
        Array.from({ length: SERVICES }, () => `${command} 1000`),
        { outputStream: sink, prefixColors: false },
      );
      const commands = running.commands;
      const runningAt = await pollFor(() => (commands.every((c) => c.pid !== undefined && procOf(c.pid)) ? performance.now() : undefined), START_LIMIT_MS);
      if (runningAt === undefined) throw new Error(`concurrently had not started ${SERVICES} processes after ${START_LIMIT_MS / 1000} s`);
      return { runningAt };
    },
    async close() {
      if (!running) return;
      // Each command is a shell and its sleep: kill both, directly, rather than through its tree-kill (which runs ps).
      const procs: Proc[] = running.commands.flatMap((c) => {
        const shell = c.pid === undefined ? undefined : procOf(c.pid);
        return shell ? treeUnder(shell) : [];
      });
      killHard(procs);
      await Promise.race([running.result.catch(() => undefined), sleep(5000)]);
    },
  };
}

async function measure(tool: Tool, command: string, pm2: Pm2Daemon | undefined): Promise<Sample> {
  const launcher = tool === 'warm' ? await warmLauncher(command) : undefined;
  const subject =
    tool === 'raw'
      ? rawSubject(command)
      : tool === 'engine' || tool === 'warm'
        ? engineSubject(command, launcher)
        : tool === 'pm2'
          ? pm2Subject(pm2!, command)
          : tool === 'concurrently'
            ? concurrentlySubject(command)
            : tool === 'windowRaw'
              ? windowSubject(() => rawSubject(command), false)
              : windowSubject((started) => engineSubject(command, undefined, started), tool === 'window');
  try {
    const t0 = performance.now();
    const { runningAt, answeredAt } = await subject.start();
    return { tool, runningMs: runningAt - t0, answeredMs: answeredAt === undefined ? undefined : answeredAt - t0 };
  } finally {
    // The engine's dispose stops the runs and the helper it was given.
    await subject.close();
  }
}

export async function run(): Promise<BenchResult> {
  const command = which('sleep');
  const load = [os.loadavg()[0]];
  const { pm2, connectMs } = TOOLS.includes('pm2') ? await Pm2Daemon.start() : { pm2: undefined, connectMs: NaN };
  const samples: Sample[] = [];
  try {
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const tool of rotated(TOOLS, rep)) {
        const sample = await measure(tool, command, pm2);
        samples.push(sample);
        const answered = sample.answeredMs === undefined ? '' : `, answered after ${ms(sample.answeredMs)}`;
        console.log(`  start ${rep + 1}/${REPEATS}: ${tool}: ${SERVICES} running after ${ms(sample.runningMs)}${answered}`);
      }
      load.push(os.loadavg()[0]);
    }
  } finally {
    await pm2?.dispose();
  }

  const series = (tool: Tool): Series => ({ label: TOOL_LABEL[tool], values: samples.filter((s) => s.tool === tool).map((s) => s.runningMs) });
  const raw = series('raw');
  const windowRaw = series('windowRaw');
  const rows: BenchRow[] = [
    row(raw, 'ms'),
    ...TOOLS.filter((t) => !['raw', 'windowRaw', 'window', 'windowLate'].includes(t)).map((t) => row(series(t), 'ms', raw)),
    row(windowRaw, 'ms'),
    ...TOOLS.filter((t) => t === 'window' || t === 'windowLate').map((t) => row(series(t), 'ms', windowRaw)),
  ];
  const answered = samples.filter((s) => s.tool === 'pm2').map((s) => s.answeredMs!);
  const rssMb = process.memoryUsage.rss() / 1024 / 1024;
  return {
    name: 'start',
    title: `Start: ${SERVICES} long-running services (sleep 1000) until every one runs, engine (cold and warm) vs PM2, concurrently and raw spawn`,
    rows,
    notes: [
      `Engine vs PM2 (paired): cold ${ratioText(series('engine'), series('pm2'))}, helper already running ${ratioText(series('warm'), series('pm2'))}.`,
      `Cold vs warm engine: the difference is the launcher helper's start (a Node process, ${ms(median(series('engine').values) - median(series('warm').values))} ` +
        'here), which the extension pays once per window, on its first launch; it is why the cold engine is behind a PM2 whose daemon already runs.',
      `The warm engine beats the raw baseline: the raw spawns are synchronous forks of this benchmark process (${rssMb.toFixed(0)} MB resident), one after ` +
        'another, and fork() costs more the bigger the process; the engine\'s forks happen in its small helper process, on the other core ' +
        'while this one does its bookkeeping. PM2 starts apps two at a time ' +
        '(its CONCURRENT_ACTIONS), each through a daemon RPC and its log-file setup.',
      `PM2: its daemon was started once for the bench (${ms(connectMs)}: a cold PM2 pays this before its first start), and \`pm2 start\` answered after ` +
        `${ms(median(answered))} (median). Apps with interpreter "none", autorestart off, no other PM2 features.`,
      'concurrently: its Node API; it runs every command through /bin/sh -c, so its pids are the shells (each then starts its sleep).',
      `As a window opens (paired against the raw loop after the same ${ACTIVATE_MS} ms stand-in for the bundle's load and activate()): helper started with ` +
        `the window ${ratioText(series('window'), windowRaw)}, helper started with the first spawn ${ratioText(series('windowLate'), windowRaw)}. ` +
        'The helper boots on the other core while the stand-in holds this one; what is left is the part of its start the stand-in does not cover.',
      `${REPEATS} repetitions, tools interleaved (order rotated per repetition). The command: ${command} 1000 for every tool. Time from the first call ` +
        '(for the engine: new ProcessEngine, setDefinitions, spawn of each autoStart definition) until the last process of the 20 existed; taking them ' +
        'down again is not measured.',
      `${os.cpus().length} cores, 1-minute load average ${load.map((l) => l.toFixed(1)).join(' -> ')} over the run.`,
    ],
  };
}
