/**
 * Crash to restart of a Node service with no delay (`initialDelayMs: 0`), against the time Node
 * itself takes to start in the same process: the engine (through its launcher helper, as the
 * extension runs it) and a bare respawn from the exit event. The fixture (bench/fixtures/crash-node.js)
 * writes when its code starts and just before it exits; a restart is the time from one's exit line
 * to the next one's start line, and Node's start is the time from `spawn()` to the start line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BenchEngine, serviceSpec } from './engine';
import { fixture, sleep } from './tree';

const CRASH_AFTER_MS = 300;
const RESTARTS = 8;
const STARTS = 8;

interface Line {
  kind: 'start' | 'exit';
  pid: number;
  at: number;
}

const now = () => performance.timeOrigin + performance.now();

function readLines(file: string): Line[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [kind, pid, at] = l.split(' ');
      return { kind: kind as Line['kind'], pid: Number(pid), at: Number(at) };
    });
}

/** Exit line to the next start line, for each restart written to `file`. */
function restartGaps(file: string): number[] {
  const lines = readLines(file);
  const gaps: number[] = [];
  lines.forEach((line, i) => {
    const next = lines.slice(i + 1).find((l) => l.kind === 'start');
    if (line.kind === 'exit' && next) gaps.push(next.at - line.at);
  });
  return gaps;
}

async function waitForLines(file: string, kind: Line['kind'], count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (readLines(file).filter((l) => l.kind === kind).length < count) {
    if (Date.now() > deadline) throw new Error(`recovery: fewer than ${count} "${kind}" lines in ${file} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

function env(file: string, crashAfterMs = CRASH_AFTER_MS): Record<string, string> {
  return { CRASH_LOG: file, CRASH_AFTER_MS: String(crashAfterMs) };
}

/** Node's start in this process: spawn() to the fixture's first line, one process at a time. */
async function nodeStarts(dir: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const file = path.join(dir, `start-${i}.log`);
    const t0 = now();
    const child = spawn(process.execPath, [fixture('crash-node.js')], { stdio: 'ignore', env: { ...process.env, ...env(file, 60_000) } });
    await waitForLines(file, 'start', 1);
    out.push(readLines(file)[0].at - t0);
    child.kill('SIGKILL');
  }
  return out;
}

/** A bare supervisor: spawns again from the exit event, at once. */
async function rawRestarts(dir: string): Promise<number[]> {
  const file = path.join(dir, 'raw.log');
  let child: ChildProcess | undefined;
  let closed = false;
  const spawnOne = () => {
    child = spawn(process.execPath, [fixture('crash-node.js')], { stdio: 'ignore', env: { ...process.env, ...env(file) } });
    child.once('exit', () => !closed && spawnOne());
  };
  spawnOne();
  try {
    await waitForLines(file, 'start', RESTARTS + 1);
  } finally {
    closed = true;
    child?.kill('SIGKILL');
  }
  return restartGaps(file).slice(0, RESTARTS);
}

/** Each exit line to the first later time in `marks` (same clock), for the first RESTARTS exits. */
function exitTo(file: string, marks: number[]): number[] {
  const exits = readLines(file).filter((l) => l.kind === 'exit').slice(0, RESTARTS);
  return exits.flatMap((exit) => {
    const next = marks.find((at) => at >= exit.at);
    return next === undefined ? [] : [next - exit.at];
  });
}

async function engineRestarts(dir: string): Promise<{ gaps: number[]; toRequest: number[] }> {
  const file = path.join(dir, 'engine.log');
  const bench = new BenchEngine();
  // When the engine moved each new attempt to `starting`: the spawn request follows in the same turn.
  const requests: number[] = [];
  bench.engine.onDidChange((s) => s?.state === 'starting' && requests.push(now()));
  try {
    const base = serviceSpec('crash-node', process.execPath, [fixture('crash-node.js')], { env: env(file) });
    const restart = { ...base.restart, policy: 'on-failure' as const, initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, jitter: 0, maxRestarts: 1000 };
    bench.engine.setDefinitions([{ ...base, restart }]);
    await bench.engine.spawn('crash-node');
    await waitForLines(file, 'start', RESTARTS + 1);
  } finally {
    await bench.dispose().catch(() => undefined);
  }
  return { gaps: restartGaps(file).slice(0, RESTARTS), toRequest: exitTo(file, requests) };
}

export interface NodeRestartSample {
  /** spawn() to the service's first line, per start. */
  nodeStartMs: number[];
  /** Exit line to the next start line, per restart. */
  rawMs: number[];
  engineMs: number[];
  /** The engine: exit line to its start of the next attempt (the spawn request), per restart. */
  engineRequestMs: number[];
}

/** One repetition: Node's start, then the raw respawn and the engine, in the order given. */
export async function nodeRestartSample(engineFirst: boolean): Promise<NodeRestartSample> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devproc-bench-noderestart-'));
  try {
    const nodeStartMs = await nodeStarts(dir);
    if (engineFirst) {
      const engine = await engineRestarts(dir);
      return { nodeStartMs, engineMs: engine.gaps, engineRequestMs: engine.toRequest, rawMs: await rawRestarts(dir) };
    }
    const rawMs = await rawRestarts(dir);
    const engine = await engineRestarts(dir);
    return { nodeStartMs, rawMs, engineMs: engine.gaps, engineRequestMs: engine.toRequest };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
