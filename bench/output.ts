/**
 * Output: a process writes 200 MB of 100-byte lines as fast as it can.
 * Through the engine (as the extension runs it: HelperLauncher, lines split, redacted, kept in
 * the run's ring) into the OutputFeed, which batches what each output channel receives; against
 * the same writer piped into `cat > /dev/null`, and against Node reading the pipe and doing
 * nothing with it (the ceiling of any Node reader). Then the same flood with the engine's ingest
 * cap (`maxOutputMBps`), for the host CPU it leaves to everything else. And the same flood into
 * the channels and a log file too, as the extension writes it (every line, ISO time and stream,
 * rotated), for what the file adds; and into the channels, a terminal view and a log file at once.
 *
 * Each measurement runs in a fresh Node process; its peak RSS is that process's whole RSS.
 * Alone: `node out/bench/output.js`; one measurement: `--measure TOOL`; where its time goes:
 * `--profile [TOOL]` (one measurement under `node --cpu-prof`, the engine by default).
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { specDefaults } from '../src/core/defaults';
import type { ProcessSpec } from '../src/core/types';
import { HelperLauncher } from '../src/platform/launcher';
import { FLOOD_BYTES, lendReads } from '../src/platform/launcher/pipeHandoff';
import { RotatingLogFile, rotatedPath } from '../src/platform/logFile';
import { formatLogBatch, formatLogLines } from '../src/platform/logLines';
import { OutputFeed } from '../src/ui/outputFeed';
import { TerminalFeed } from '../src/ui/terminalFeed';
import { BenchEngine } from './support/engine';
import { measureInChild } from './support/inChild';
import { ratioText, rotated, row, type Series } from './support/rows';
import { summarizeProfile } from './support/cpuProfile';
import { formatTable, median, type BenchResult, type BenchRow } from './types';

type Tool = 'cat' | 'pipe' | 'pipeOwn' | 'relay' | 'engine' | 'terminal' | 'capped' | 'logged' | 'all';

const TOOLS: readonly Tool[] = ['cat', 'pipe', 'pipeOwn', 'relay', 'engine', 'terminal', 'capped', 'logged', 'all'];
const ENGINE_TOOLS: readonly Tool[] = ['engine', 'terminal', 'capped', 'logged', 'all'];
const TOOL_LABEL: Record<Tool, string> = {
  cat: 'cat > /dev/null',
  pipe: 'Node reading the pipe, nothing else',
  pipeOwn: 'Node reading the pipe, the writer in a session of its own',
  relay: 'Node reading through the launcher helper, nothing else',
  engine: 'engine into the output channels',
  terminal: 'engine into the channels and a terminal view',
  capped: 'engine, capped',
  logged: 'engine into the channels and a log file',
  all: 'engine into the channels, a terminal view and a log file',
};
/** The log file's rotation in the bench: room for the whole flood, so every line can be counted. */
const LOG_MAX_BYTES = 64 * 1024 * 1024;
const LOG_MAX_FILES = 16;
const MB = 1e6;
const BYTES = Number(process.env.BENCH_OUTPUT_MB ?? 200) * MB;
/** The capped flood is smaller: at the cap it takes BYTES_CAPPED / CAP seconds. */
const BYTES_CAPPED = Number(process.env.BENCH_OUTPUT_CAPPED_MB ?? 100) * MB;
const CAP_MBPS = Number(process.env.BENCH_OUTPUT_CAP_MBPS ?? 50);
/** The warm-up flood: past what the helper hands off (FLOOD_BYTES within a second). */
const WARM_BYTES = 4 * FLOOD_BYTES;
const REPEATS = Number(process.env.BENCH_OUTPUT_REPEATS ?? 5);
/** 99 characters and a newline: a log line of a busy server. */
const LINE = '2026-11-23T12:00:00.000Z INFO GET /api/items/42 200 3.1ms user=alice trace=4bf92f3577b34da6a3ce9290';
const FIRST = LINE.charCodeAt(0);
const IDLE_MS = 1000;
const MEASURE_TIMEOUT_MS = 120_000;
const TARGETS = { mbps: 400, rssMb: 100, addedP99Ms: 5 };
/** The helper's data path alone may be at most this much slower than a bare pipe read. */
const RELAY_MAX_SLOWDOWN = 1.5;

function writer(bytes: number): string {
  if (LINE.length !== 99) throw new Error('output: the line must be 99 characters plus a newline');
  return `yes '${LINE}' | head -c ${bytes}`;
}

interface Sample {
  tool: Tool;
  bytes: number;
  wallMs: number;
  /** User + system CPU of this (the reading) process over the flood. */
  cpuMs: number;
  maxRssMb: number;
  /** Event-loop delay p99 during the flood and during an idle second before it. */
  loopP99Ms: number;
  idleP99Ms: number;
  /** Lines the engine delivered (engine only): must be every line written. */
  linesSeen?: number;
  /** Lines the output channels were given, and those the feed dropped (with a note) in a flood. */
  linesShown?: number;
  linesDropped?: number;
  /** Lines the log file set holds after the flood (logged only): must be every line written. */
  linesLogged?: number;
}

// ---------------------------------------------------------------------------------------------
// The measurement, in a fresh process.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Recorded in nanoseconds; the 1 ms resolution is the timer's own interval, not delay. */
const p99Ms = (h: ReturnType<typeof monitorEventLoopDelay>) => Math.max(0, h.percentile(99) / 1e6 - 1);

/**
 * `ownSession`: the writer leads a session of its own, as the helper starts every child (so a tree
 * stops as a group). With the kernel's autogroup scheduling a session is a group of its own, given
 * its own share of the CPU against the reader's.
 */
function runShell(command: string, onData?: (chunk: Buffer) => void, ownSession = false): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', onData ? 'pipe' : 'ignore', 'inherit'], detached: ownSession });
    child.stdout?.on('data', onData!);
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
}

/**
 * The writer launched through the helper, its stdout read and dropped: the data path alone, and
 * once the pipe is handed off, Node reading the same socket as the engine does and discarding it.
 * The helper is the one the warm-up started, as the extension keeps one for all its runs.
 */
async function throughHelper(launcher: HelperLauncher, bytes: number): Promise<void> {
  const child = launcher.launch({ command: '/bin/sh', args: ['-c', writer(bytes)], cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' }, shell: false });
  let got = 0;
  const ended = new Promise<void>((resolve) => child.stdout.once('end', resolve));
  const exited = new Promise<void>((resolve, reject) => {
    child.onExit(() => resolve());
    child.onError(reject);
  });
  // It keeps nothing of a read, so it may be lent the reads as they are: no copy of its own.
  lendReads(child.stdout);
  child.stdout.on('data', (chunk: Buffer) => (got += chunk.length));
  child.stderr.resume();
  await Promise.all([ended, exited]);
  if (got !== bytes) throw new Error(`output: read ${got} of ${bytes} bytes through the helper`);
}

type Counts = Pick<Sample, 'linesSeen' | 'linesShown' | 'linesDropped' | 'linesLogged'>;

/**
 * A run of the flood in `bench`'s engine, the feed the output channels get their text from, and
 * with `logFile` a rotated log file written as the extension writes it; resolves with the line
 * counts once the file is written. The engine and its helper are the caller's, as the extension
 * keeps one of each for all its runs: their start and end are not the flood's.
 */
async function throughEngine(bench: BenchEngine, bytes: number, capMBps?: number, logFile?: string, terminal = false): Promise<Counts> {
  const spec: ProcessSpec = {
    ...specDefaults('job'),
    name: 'flood',
    kind: 'job',
    command: '/bin/sh',
    args: ['-c', writer(bytes)],
    cwd: process.cwd(),
    env: {},
    shell: false,
    autoStart: false,
    maxOutputMBps: capMBps,
  };
  const engine = bench.engine;
  let linesSeen = 0;
  let linesShown = 0;
  let linesDropped = 0;
  let systemSeen = 0;
  const counting = engine.onDidOutput((e) => {
    // Counted as the extension's own listeners read the lines: by the batch, when there is one.
    const stream = e.batch?.stream;
    if (stream !== undefined) {
      if (stream === 'system') systemSeen += e.batch!.length;
      else linesSeen += e.batch!.length;
      return;
    }
    for (const line of e.lines) {
      if (line.stream === 'system') systemSeen++;
      else linesSeen++;
    }
  });
  let systemShown = 0;
  // As the extension's log files do: while the disk falls behind, the runs writing to it are held.
  const writers = new Set<string>();
  let pressed = false;
  const hold = (id: string, held: boolean) => engine.get(id) && engine.outputControl(id).hold('log', held);
  const log =
    logFile === undefined
      ? undefined
      : new RotatingLogFile({
          file: logFile,
          maxBytes: LOG_MAX_BYTES,
          maxFiles: LOG_MAX_FILES,
          onPressure: (held) => {
            pressed = held;
            for (const id of writers) hold(id, held);
          },
        });
  const logging =
    log &&
    engine.onDidOutput((e) => {
      if (!writers.has(e.id)) {
        writers.add(e.id);
        if (pressed) hold(e.id, true);
      }
      // As the extension's log files format them: by the batch, when there is one.
      log.write(e.batch ? formatLogBatch(e.batch) : formatLogLines(e.lines));
    });
  const feed = new OutputFeed(engine, (_name, text) => {
    // Cheap, as a channel's append would be (it posts the text on): no string per line, and the
    // flood's lines told by their length and first character (a comparison of the whole line cost
    // more than the feed itself), every 64th compared whole; a regular expression only for the odd line.
    for (let at = 0; at < text.length; ) {
      const end = text.indexOf('\n', at);
      const next = end === -1 ? text.length : end;
      if (next - at === LINE.length && text.charCodeAt(at) === FIRST) {
        if ((linesShown++ & 63) === 0 && !text.startsWith(LINE, at)) throw new Error(`output: the channel was given a line not written: ${text.slice(at, next)}`);
      } else if (next > at) {
        const note = /^\[\.\.\. (\d+) lines? not shown/.exec(text.slice(at, next));
        if (note) linesDropped += Number(note[1]);
        else systemShown++;
      }
      at = next + 1;
    }
  });
  // What a terminal view costs the host: the feed that builds its writes (the editor's rendering is not ours).
  let terminalChars = 0;
  const view = terminal ? new TerminalFeed(engine, { name: 'flood' }, (data) => (terminalChars += data.length)) : undefined;
  view?.start();
  try {
    engine.setDefinitions([spec]);
    const id = await engine.spawn('flood');
    await engine.whenDone(id);
    const done = engine.get(id)!;
    if (done.state !== 'completed') throw new Error(`output: the flood ended ${done.state} (${done.error?.message ?? `exit ${done.exitCode}`}).`);
    feed.flush();
    view?.flush();
    if (view && terminalChars === 0) throw new Error('output: the terminal view was given nothing.');
    await log?.close();
    // Our own start and exit notes go to the channel too, and may be among the dropped.
    const systemDropped = systemSeen - systemShown;
    return { linesSeen, linesShown, linesDropped: linesDropped - systemDropped };
  } finally {
    counting.dispose();
    logging?.dispose();
    feed.dispose();
    view?.dispose();
  }
}

/** Lines in a log file set, not counting our own (`sys`) lines; reads a file at a time. */
function countLogged(file: string): number {
  let lines = 0;
  for (let i = 0; fs.existsSync(rotatedPath(file, i)); i++) {
    const text = fs.readFileSync(rotatedPath(file, i), 'latin1');
    for (let at = text.indexOf(' out '); at !== -1; at = text.indexOf(' out ', text.indexOf('\n', at))) lines++;
  }
  return lines;
}

/**
 * What any extension host has paged in of Node's own binary long before a flood: ICU's data (the
 * editor, and our tree and system lines, format times with it) and the crypto code. Touched first
 * in every tool's process, so that peak RSS compares what reading costs, not what the first
 * `toLocaleTimeString` of the process pages in (about 7 MB).
 */
function likeAnExtensionHost(): void {
  new Date().toLocaleTimeString();
  createHash('sha256').update('').digest();
  randomUUID();
}

async function measureHere(tool: Tool): Promise<Sample> {
  likeAnExtensionHost();
  const launcher = tool === 'relay' ? new HelperLauncher() : undefined;
  const bench = ENGINE_TOOLS.includes(tool) ? new BenchEngine() : undefined;
  try {
    return await measureFlood(tool, launcher, bench);
  } finally {
    launcher?.dispose();
    await bench?.dispose();
  }
}

/** The warm-up, an idle second and the timed flood of `tool`, through the helper or engine given for both. */
async function measureFlood(tool: Tool, launcher: HelperLauncher | undefined, bench: BenchEngine | undefined): Promise<Sample> {
  const bytes = tool === 'capped' ? BYTES_CAPPED : BYTES;
  const withView = tool === 'terminal' || tool === 'all';
  const logDir = tool === 'logged' || tool === 'all' ? fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-bench-log-')) : undefined;
  const logFile = logDir && path.join(logDir, 'flood.log');
  // Warm the paths once with a small flood, so the JIT has seen them: one that floods for long
  // enough to be handed off, or the timed flood would be the first to take that path.
  if (tool === 'pipe' || tool === 'pipeOwn') await runShell(writer(WARM_BYTES), () => undefined, tool === 'pipeOwn');
  if (launcher) await throughHelper(launcher, WARM_BYTES);
  if (bench) await throughEngine(bench, WARM_BYTES, undefined, logDir && path.join(logDir, 'warm.log'), withView);
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await sleep(IDLE_MS);
  idle.disable();

  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let counts: Counts = {};
  if (tool === 'cat') {
    await runShell(`${writer(bytes)} | cat > /dev/null`);
  } else if (tool === 'pipe' || tool === 'pipeOwn') {
    let got = 0;
    await runShell(writer(bytes), (chunk) => (got += chunk.length), tool === 'pipeOwn');
    if (got !== bytes) throw new Error(`output: read ${got} of ${bytes} bytes`);
  } else if (launcher) {
    await throughHelper(launcher, bytes);
  } else {
    counts = await throughEngine(bench!, bytes, tool === 'capped' ? CAP_MBPS : undefined, logFile, withView);
  }
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  loop.disable();
  // Before the file set is read back to count its lines.
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  if (logDir) {
    counts.linesLogged = countLogged(logFile!);
    fs.rmSync(logDir, { recursive: true, force: true });
  }
  return {
    tool,
    bytes,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    maxRssMb,
    loopP99Ms: p99Ms(loop),
    idleP99Ms: p99Ms(idle),
    ...counts,
  };
}

// ---------------------------------------------------------------------------------------------
// The parent.

const mbps = (s: Sample) => s.bytes / MB / (s.wallMs / 1000);
const cpuShare = (s: Sample) => (100 * s.cpuMs) / s.wallMs;
const addedP99 = (s: Sample) => Math.max(0, s.loopP99Ms - s.idleP99Ms);

/** One figure of one tool, a value per repetition: what support/rows.ts makes rows of. */
function series(samples: Sample[], tool: Tool, figure: (s: Sample) => number, what: string): Series {
  return { label: `${TOOL_LABEL[tool]}${what}`, values: samples.filter((s) => s.tool === tool).map(figure) };
}

export async function run(): Promise<BenchResult> {
  const samples: Sample[] = [];
  const load = [os.loadavg()[0]];
  for (let rep = 0; rep < REPEATS; rep++) {
    for (const tool of rotated(TOOLS, rep)) {
      const s = await measureInChild<Sample>(__filename, ['--measure', tool], MEASURE_TIMEOUT_MS);
      if (s.linesSeen !== undefined && s.linesSeen !== s.bytes / 100) throw new Error(`output: the engine delivered ${s.linesSeen} of ${s.bytes / 100} lines.`);
      if (s.linesLogged !== undefined && s.linesLogged !== s.bytes / 100) throw new Error(`output: the log file holds ${s.linesLogged} of ${s.bytes / 100} lines.`);
      if (s.linesShown !== undefined && s.linesShown + (s.linesDropped ?? 0) !== s.bytes / 100) {
        throw new Error(`output: the channel was given ${s.linesShown} lines and told of ${s.linesDropped} dropped, of ${s.bytes / 100}.`);
      }
      samples.push(s);
      console.log(
        `  output ${samples.length}/${REPEATS * TOOLS.length}: ${TOOL_LABEL[tool]}: ${mbps(s).toFixed(0)} MB/s, RSS ${s.maxRssMb.toFixed(0)} MB, ` +
          `loop p99 ${s.loopP99Ms.toFixed(1)} ms (idle ${s.idleP99Ms.toFixed(1)}), CPU ${cpuShare(s).toFixed(0)}% of a core`,
      );
    }
    load.push(os.loadavg()[0]);
  }

  const speed = (tool: Tool) => series(samples, tool, mbps, '');
  const rss = (tool: Tool) => series(samples, tool, (s) => s.maxRssMb, ' peak RSS');
  const p99 = (tool: Tool) => series(samples, tool, addedP99, ' added loop p99');
  const cpu = (tool: Tool) => series(samples, tool, cpuShare, ' CPU');
  const cpuPerMb = (tool: Tool) => series(samples, tool, (s) => s.cpuMs / (s.bytes / MB), ' CPU per MB');
  const rows: BenchRow[] = [
    row(speed('cat'), 'MB/s'),
    row(speed('pipe'), 'MB/s', speed('cat')),
    row(speed('pipeOwn'), 'MB/s', speed('pipe')),
    row(speed('relay'), 'MB/s', speed('pipe')),
    row(speed('engine'), 'MB/s', speed('cat')),
    row(speed('terminal'), 'MB/s', speed('engine')),
    row(speed('capped'), 'MB/s'),
    row(speed('logged'), 'MB/s', speed('engine')),
    row(rss('pipe'), 'MB'),
    row(rss('relay'), 'MB', rss('pipe')),
    row(rss('engine'), 'MB', rss('pipe')),
    row(rss('logged'), 'MB', rss('engine')),
    row(p99('pipe'), 'ms'),
    row(p99('engine'), 'ms'),
    row(p99('logged'), 'ms'),
    row(cpu('pipe'), '% of a core'),
    row(cpu('relay'), '% of a core', cpu('pipe')),
    row(cpu('engine'), '% of a core', cpu('pipe')),
    row(cpu('terminal'), '% of a core', cpu('engine')),
    row(rss('terminal'), 'MB', rss('engine')),
    row(cpu('capped'), '% of a core', cpu('engine')),
    row(cpu('logged'), '% of a core', cpu('engine')),
    row(speed('all'), 'MB/s', speed('pipe')),
    row(rss('all'), 'MB', rss('engine')),
    row(p99('all'), 'ms'),
    row(cpu('all'), '% of a core', cpu('engine')),
    row(cpuPerMb('pipe'), 'ms'),
    row(cpuPerMb('engine'), 'ms', cpuPerMb('pipe')),
    row(cpuPerMb('all'), 'ms', cpuPerMb('pipe')),
  ];
  const engine = samples.filter((s) => s.tool === 'engine');
  const verdict = (ok: boolean) => (ok ? 'met' : 'not met');
  const medianOf = (f: (s: Sample) => number) => median(engine.map(f));
  const shown = median(engine.map((s) => s.linesShown ?? 0));
  const relayRatio = median(samples.filter((s) => s.tool === 'relay').map(mbps)) / median(samples.filter((s) => s.tool === 'pipe').map(mbps));
  return {
    name: 'output',
    title: `Output: ${BYTES / MB} MB of 100-byte lines through the engine into what the output channels receive, vs cat > /dev/null`,
    rows,
    notes: [
      `Targets: at least ${TARGETS.mbps} MB/s (${verdict(medianOf(mbps) >= TARGETS.mbps)}), peak RSS under ${TARGETS.rssMb} MB ` +
        `(${verdict(medianOf((s) => s.maxRssMb) < TARGETS.rssMb)}), added event-loop p99 under ${TARGETS.addedP99Ms} ms (${verdict(medianOf(addedP99) < TARGETS.addedP99Ms)}).`,
      `Against Node reading the same pipe and doing nothing (paired, target at least 0.8x): the engine into the channels ${ratioText(speed('engine'), speed('pipe'))}; ` +
        `with a terminal view and a log file too ${ratioText(speed('all'), speed('pipe'))}. ` +
        `Against the same bare read with the writer in a session of its own, as the helper starts the engine's: ` +
        `the engine ${ratioText(speed('engine'), speed('pipeOwn'))}; with all three ${ratioText(speed('all'), speed('pipeOwn'))}. ` +
        `Against Node reading the same socket through the launcher helper and doing nothing: ` +
        `the engine ${ratioText(speed('engine'), speed('relay'))}; with all three ${ratioText(speed('all'), speed('relay'))}.`,
      `Through the launcher helper (its data path, nothing else done with the bytes): ${relayRatio.toFixed(2)}x a bare pipe read in the same host; ` +
        `it must stay within ${RELAY_MAX_SLOWDOWN}x of it, at least ${(1 / RELAY_MAX_SLOWDOWN).toFixed(2)}x (${verdict(relayRatio * RELAY_MAX_SLOWDOWN >= 1)}).`,
      `Every one of the ${(BYTES / 100).toLocaleString('en-US')} lines reached the engine's listeners, in every repetition; the output channels were given the newest ` +
        `${Math.round(shown).toLocaleString('en-US')} (median) and a note of how many were not shown, as the feed cuts a flood to 5,000 lines per 100 ms.`,
      `Writer: yes '<99 characters>' | head -c N, run by /bin/sh; the engine runs it as a job through the HelperLauncher, whose children's output it relays over its one data link (a Unix socket, framed chunks) to the engine's process, until a stream floods: that pipe is then passed to the engine's process, which reads it itself.`,
      `Peak RSS is the whole reading Node process (the bench bundle loaded); "Node reading the pipe" is the same kind of process doing nothing with the bytes. ` +
        "Every tool's process first pages in ICU's data and the crypto code, as any extension host has.",
      `Added loop p99: event-loop delay p99 during the flood minus the same process's p99 over an idle second before it (1 ms resolution).`,
      `engine, capped: maxOutputMBps ${CAP_MBPS} on ${BYTES_CAPPED / MB} MB: the engine stops reading past the cap and the writer waits (nothing is dropped); ` +
        'its CPU share is what one flood can take from the host.',
      'A terminal view adds the live text as written (decoded once, masked only when the run has secrets) and the feed that batches it per frame, ' +
        'skipping the oldest past its bound under a flood: its rows are against the channels alone, in the same run.',
      `engine into the channels and a log file: the same flood also written to a log file as the extension writes it (ISO time and stream per line, ` +
        `rotated at ${LOG_MAX_BYTES / 1024 / 1024} MB, ${LOG_MAX_FILES} files: room for all of it), timed until the file is written; every line was in the file set, in every repetition.`,
      'engine into the channels, a terminal view and a log file: all three attached to the one flood at once, as in a window with its terminal view open and logging on; its speed is against the bare read.',
      `${REPEATS} repetitions, tools interleaved, order rotated; 1-minute load average ${load.map((l) => l.toFixed(1)).join(' -> ')}.`,
    ],
  };
}

/** One measurement of `tool` under the CPU profiler: self time by origin and function. */
async function profile(tool: Tool): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-output-prof-'));
  try {
    const s = await measureInChild<Sample>(__filename, ['--measure', tool], MEASURE_TIMEOUT_MS, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200']);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('output: node wrote no .cpuprofile');
    const head =
      `${TOOL_LABEL[tool]}: ${mbps(s).toFixed(0)} MB/s under the profiler, peak RSS ${s.maxRssMb.toFixed(0)} MB, ` +
      `loop p99 ${s.loopP99Ms.toFixed(1)} ms (idle ${s.idleP99Ms.toFixed(1)}), CPU ${cpuShare(s).toFixed(0)}% of a core`;
    return `${head}\n${summarizeProfile(path.join(dir, file), `${__filename}.map`)}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [mode, tool] = process.argv.slice(2);
  const main = async () => {
    if (mode === '--measure') process.stdout.write(`${JSON.stringify(await measureHere(tool as Tool))}\n`);
    else if (mode === '--profile') console.log(await profile((tool as Tool | undefined) ?? 'engine'));
    else console.log(formatTable([await run()]));
  };
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
