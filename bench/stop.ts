/**
 * Stop: a three-level process tree (bench/fixtures/tree.sh: a shell that starts three shells that
 * each start three sleeps, 13 processes in one group) taken down by the engine's kill(), from the
 * call until every process of the tree is gone from /proc (a zombie counts as gone). Against a
 * plain group kill of the same tree started with child_process.spawn, and against PM2 (`pm2 stop`,
 * treekill on by default). Then the same tree with one branch that ignores SIGTERM: the time past
 * the grace (stopTimeoutMs, PM2's kill_timeout) until everything is gone. Every tool's leftover
 * processes are counted: they must be 0.
 *
 * Every tool's "gone" is read the same way: a worker thread polls /proc every millisecond for the
 * pids (and start times) of the complete tree, recorded before the stop.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { median, type BenchResult, type BenchRow } from './types';
import { BenchEngine, serviceSpec } from './support/engine';
import { Pm2Daemon } from './support/pm2';
import { ms, ratioText, rotated, row, type Series } from './support/rows';
import { alive, childrenNamed, fixture, killHard, pollFor, procReadCost, treeArgs, TREE_SIZE, waitForTree, type Proc } from './support/tree';
import { clock, ProcWatch } from './support/watch';

type Tool = 'raw' | 'engine' | 'pm2';

const TOOLS: readonly Tool[] = ['raw', 'engine', 'pm2'];
const REPEATS = Number(process.env.BENCH_STOP_REPEATS ?? 9);
/** The engine's stopTimeoutMs and PM2's kill_timeout; the raw stop sends SIGKILL after it. */
const GRACE_MS = 500;
/** Anything not gone this long after the grace is a survivor, not a slow stop. */
const GONE_LIMIT_MS = GRACE_MS + 5000;
const SHELL = '/bin/sh';

interface Sample {
  tool: Tool;
  /** One branch of the tree ignores SIGTERM. */
  stubborn: boolean;
  /** From the stop call until every process of the tree is gone. */
  goneMs: number;
  /** From the stop call until the tool said it was done: kill() resolved, `pm2 stop` answered. */
  answeredMs: number;
  /** Processes of the tree still alive once the tool said it was done. */
  survivors: number;
  /** What the tool said, if it reported a failure. */
  error?: string;
}

/** What one stop needs from a tool: start the tree, and stop it. */
interface Subject {
  /** Starts the tree; resolves to its leader once it runs. */
  start(stubborn: boolean): Promise<number>;
  /** Asks the tool to stop the tree; resolves when the tool says it is done. */
  stop(): Promise<void>;
  /** After the stop: throws if the tool's own view of the stopped service is wrong. */
  verify?(): Promise<void>;
  /** Releases what the measurement used; never throws. */
  close(): Promise<void>;
}

function rawSubject(): Subject {
  let leader: number | undefined;
  let stubbornTree = false;
  let kill: NodeJS.Timeout | undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-leader!, signal);
    } catch {
      // The group is gone.
    }
  };
  return {
    async start(stubborn) {
      const child = spawn(SHELL, treeArgs(stubborn), { detached: true, stdio: 'ignore' });
      await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
      leader = child.pid!;
      stubbornTree = stubborn;
      return leader;
    },
    // A stop with a grace at its simplest: SIGTERM, the grace, SIGKILL, and no checks in between.
    async stop() {
      signalGroup('SIGTERM');
      if (stubbornTree) kill = setTimeout(() => signalGroup('SIGKILL'), GRACE_MS);
    },
    async close() {
      clearTimeout(kill);
      if (leader !== undefined) signalGroup('SIGKILL');
    },
  };
}

function engineSubject(): Subject {
  const bench = new BenchEngine({ stopTimeoutMs: GRACE_MS });
  let id: string | undefined;
  return {
    async start(stubborn) {
      // A fixture that crashed must fail the measurement, not be restarted behind its back.
      const restart = { ...serviceSpec('tree', SHELL, []).restart, policy: 'never' as const };
      bench.engine.setDefinitions([serviceSpec('tree', SHELL, treeArgs(stubborn), { restart })]);
      id = await bench.engine.spawn('tree');
      const [pid] = await bench.whenRunning([id]);
      return pid;
    },
    stop: () => bench.engine.kill(id!),
    async verify() {
      const state = bench.engine.get(id!)?.state;
      if (state !== 'terminated') throw new Error(`the run is ${state} after kill()`);
    },
    close: () => bench.dispose().catch(() => undefined),
  };
}

function pm2Subject(pm2: Pm2Daemon): Subject {
  let started = false;
  return {
    async start(stubborn) {
      const [script, ...args] = treeArgs(stubborn);
      started = true;
      await pm2.start([{ name: 'tree', script, args, interpreter: SHELL, autorestart: false, kill_timeout: GRACE_MS }]);
      const leader = await pollFor(() => childrenNamed(pm2.pid, 'sh')[0], 10_000, 5);
      if (!leader) throw new Error(`PM2 started no tree within 10 s.\n${pm2.logTail()}`);
      return leader.pid;
    },
    stop: () => pm2.stop('tree'),
    async verify() {
      const status = (await pm2.list()).find((p) => p.name === 'tree')?.status;
      if (status !== 'stopped') throw new Error(`PM2 reports the app ${status ?? 'missing'} after stop`);
    },
    async close() {
      if (started) await pm2.delete('tree').catch(() => undefined);
    },
  };
}

async function measure(tool: Tool, stubborn: boolean, pm2: Pm2Daemon): Promise<Sample> {
  const subject = tool === 'raw' ? rawSubject() : tool === 'engine' ? engineSubject() : pm2Subject(pm2);
  let tree: Proc[] = [];
  try {
    const leader = await subject.start(stubborn);
    tree = await waitForTree(leader);
    const watch = await ProcWatch.gone(tree, GONE_LIMIT_MS);
    try {
      const t0 = clock();
      let error: string | undefined;
      const answered = subject.stop().then(
        () => clock(),
        (err: Error) => ((error = err.message), clock()),
      );
      const gone = (await watch.whenGone()) ?? clock();
      const answeredAt = await answered;
      const survivors = tree.filter(alive).length;
      if (!error) await subject.verify?.().catch((err: Error) => (error = err.message));
      return { tool, stubborn, goneMs: gone - t0, answeredMs: (tool === 'raw' ? gone : answeredAt) - t0, survivors, error };
    } finally {
      await watch.dispose();
    }
  } finally {
    await subject.close();
    killHard(tree);
  }
}

const CASE_LABEL = { plain: 'tree', stubborn: 'tree with a branch that ignores SIGTERM' };

export async function run(): Promise<BenchResult> {
  // Fail before starting anything if a fixture is missing.
  fixture('tree.sh');
  const load = [os.loadavg()[0]];
  const cost = procReadCost();
  const { pm2, connectMs } = await Pm2Daemon.start();
  const samples: Sample[] = [];
  try {
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const stubborn of [false, true]) {
        for (const tool of rotated(TOOLS, rep)) {
          const sample = await measure(tool, stubborn, pm2);
          samples.push(sample);
          const past = stubborn ? `, ${ms(sample.goneMs - GRACE_MS)} past the grace` : '';
          console.log(
            `  stop ${rep + 1}/${REPEATS}: ${tool}, ${stubborn ? CASE_LABEL.stubborn : CASE_LABEL.plain}: gone after ${ms(sample.goneMs)}${past}, ` +
              `answered after ${ms(sample.answeredMs)}, ${sample.survivors} left${sample.error ? ` (${sample.error.split('\n')[0]})` : ''}`,
          );
        }
      }
      load.push(os.loadavg()[0]);
    }
  } finally {
    await pm2.dispose();
  }

  const of = (tool: Tool, stubborn: boolean) => samples.filter((s) => s.tool === tool && s.stubborn === stubborn);
  const series = (label: string, tool: Tool, stubborn: boolean, figure: (s: Sample) => number): Series => ({ label, values: of(tool, stubborn).map(figure) });
  const gone = (s: Sample) => s.goneMs;
  const pastGrace = (s: Sample) => s.goneMs - GRACE_MS;
  const answered = (s: Sample) => s.answeredMs;

  const raw = series(`raw group kill (SIGTERM to the group), ${TREE_SIZE} processes: until all gone`, 'raw', false, gone);
  const engine = series('engine kill(): until all gone', 'engine', false, gone);
  const engineAnswer = series('engine kill(): until it resolved', 'engine', false, answered);
  const pm2Gone = series(`PM2 stop (treekill): until all gone`, 'pm2', false, gone);
  const pm2Answer = series('PM2 stop: until it answered', 'pm2', false, answered);
  const rawStubborn = series(`raw, a branch ignores SIGTERM: SIGTERM, ${GRACE_MS} ms, SIGKILL: past the grace`, 'raw', true, pastGrace);
  const engineStubborn = series(`engine, a branch ignores SIGTERM (stopTimeoutMs ${GRACE_MS}): past the grace`, 'engine', true, pastGrace);
  const pm2Stubborn = series(`PM2, a branch ignores SIGTERM (kill_timeout ${GRACE_MS}): past the grace`, 'pm2', true, pastGrace);
  const pm2StubbornAnswer = series('PM2 stop, a branch ignores SIGTERM: until it answered', 'pm2', true, answered);
  const leftOver = (tool: Tool) => ({
    label: `${tool === 'engine' ? 'engine' : 'PM2'}: processes left once it said stopped (must be 0)`,
    values: Array.from({ length: REPEATS }, (_, rep) => [false, true].reduce((n, stubborn) => n + of(tool, stubborn)[rep].survivors, 0)),
  });

  const rows: BenchRow[] = [
    row(raw, 'ms'),
    row(engine, 'ms', raw),
    row(engineAnswer, 'ms', raw),
    row(pm2Gone, 'ms', raw),
    row(rawStubborn, 'ms'),
    row(engineStubborn, 'ms', rawStubborn),
    row(pm2Stubborn, 'ms', rawStubborn),
    row(leftOver('engine'), 'pids'),
    row(leftOver('pm2'), 'pids'),
  ];
  const survivors = samples.filter((s) => s.tool !== 'raw' && s.survivors > 0);
  const errors = [...new Set(samples.filter((s) => s.error).map((s) => `${s.tool}: ${s.error!.split('\n')[0]}`))];
  const engineStubbornTotal = median(of('engine', true).map(gone));
  return {
    name: 'stop',
    title: `Stop: a ${TREE_SIZE}-process tree (3 levels) from the stop call until every process is gone, engine kill() vs a raw group kill and PM2 stop`,
    rows,
    notes: [
      survivors.length === 0
        ? 'Survivors: none. Every process of every tree was gone when the engine and PM2 said stopped.'
        : `Survivors: ${survivors.map((s) => `${s.tool} ${s.stubborn ? 'stubborn' : 'plain'} ${s.survivors}`).join(', ')}: NOT MET (must be 0).`,
      `Engine vs PM2, until all gone (paired): plain tree ${ratioText(engine, pm2Gone)}; with a branch ignoring SIGTERM ${ratioText(engineStubborn, pm2Stubborn)} of the time past the grace ` +
        `(engine total ${ms(engineStubbornTotal)} for a ${GRACE_MS} ms grace).`,
      'Gone: a worker thread of this process polls /proc every 1 ms for the pids and start times of the complete tree (13 processes, every leaf ' +
        'exec\'d into sleep), recorded before the stop; a zombie counts as gone. The same poll for every tool, on a thread of its own so that the ' +
        'engine\'s synchronous /proc reads on the main thread do not delay it. ' +
        `${REPEATS} repetitions, tools interleaved (order rotated per repetition); the engine is a fresh ProcessEngine with the HelperLauncher per measurement.`,
      'Why the engine is behind a raw group kill: before its first SIGTERM, kill() reads the whole process table, ' +
        `here ${ms(cost.tableMs)} for ${cost.processes} processes (median; several times that while the machine is busy), to record the tree's ` +
        'descendants that left the group. Right after the SIGTERM it reads every process\'s environment (/proc/*/environ, for the run ' +
        `marker that finds double-forked daemons; ${ms(cost.environMs)}), then checks the pids it knows 1, 2, 4 and 8 ms later and every 10 ms ` +
        '(killTree\'s pollMs) after that, reading the whole table at most every 10 ms and once more to confirm; kill() resolves once the helper ' +
        'has also reported the leader\'s exit.',
      'Past the grace: the engine checks every 10 ms until the deadline, reads the table and sends SIGKILL, then waits 10 ms and reads the table ' +
        'again before it sees the tree gone. ' +
        'PM2 starts kill_timeout only after treekill\'s `ps -e -o pid=,ppid=` has run and it has signalled each pid (the same ps is why its plain stop ' +
        'is slower than a group kill); the raw stop sends SIGKILL from a timer at the grace, without any check.',
      `PM2 answers stop late here: until it answered ${ms(median(pm2Answer.values))} (plain) and ${ms(median(pm2StubbornAnswer.values))} (a branch ignoring SIGTERM), ` +
        'though the tree was gone much earlier, and then lists the app as errored ("could not be stopped"). It checks the tree with kill(pid, 0), which ' +
        'succeeds on a zombie, and this machine\'s PID 1 reaps orphans only about 2 s after they exit; so PM2 waits out kill_timeout twice and gives up. ' +
        'Where init reaps at once it would answer at its next 100 ms check. The engine counts a zombie as gone.' +
        (errors.length > 0 ? ` What the tools reported: ${errors.join('; ')}.` : ''),
      `PM2 ${pm2.version} daemon in a temporary PM2_HOME, started by the bench in ${ms(connectMs)}, PM2_KILL_SIGNAL=SIGTERM (its default SIGINT is ignored by a shell's background jobs, ` +
        'so the plain tree would wait for SIGKILL), the tree run by /bin/sh as for the engine. The raw baseline: child_process.spawn with detached: true, ' +
        `process.kill(-pgid, 'SIGTERM'), and for the stubborn tree SIGKILL to the group ${GRACE_MS} ms later.`,
      `${os.cpus().length} cores, 1-minute load average ${load.map((l) => l.toFixed(1)).join(' -> ')} over the run.`,
    ],
  };
}
