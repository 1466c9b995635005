// Shared by the fault-injection cases (test/fault/*.test.ts): every engine here tags its processes'
// environment, so "nothing of ours is left running" is checked over the whole machine, even for
// processes whose pids we never learned (a setsid grandchild, a fork storm's children).
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { specDefaults } from '../../src/core/defaults';
import type { ProcessEngine, EngineOptions } from '../../src/engine/engine';
import { isFinal } from '../../src/engine/run/stateMachine';
import type { ProcessSpec } from '../../src/core/types';
import { alive, makeEngine, reap, repoRoot } from '../unit/helpers';

/** Set in the environment of every process the fault engines start (children inherit it). */
export const TAG_VARIABLE = 'DEVPROC_FAULT_TAG';
export const TAG = `dpm-fault-${process.pid}-${Date.now().toString(36)}`;

/** `DEVPROC_FAULT_FULL=1` runs the long variants (a 30 s flood instead of 10 s). */
export const FULL = process.env.DEVPROC_FAULT_FULL === '1';

export const MB = 1024 * 1024;

type TestContext = { after(fn: () => unknown): void; diagnostic(message: string): void };

/**
 * An engine whose runs carry the tag and stop quickly (short grace), shut down after the test; a
 * `quick` job (`/bin/true`) is always defined, so `assertAnswers` can show the engine still works.
 */
export function faultEngine(t: TestContext, specs: ProcessSpec[], options: EngineOptions = {}): ProcessEngine {
  const engine = makeEngine(t, [...specs, quickJob()], { stopTimeoutMs: 500, hostEnv: taggedEnv(), ...options });
  // Runs after the engine's own shutdown (hooks run in order): whatever is still tagged is a leak.
  t.after(() => reap(tagged()));
  return engine;
}

export function taggedEnv(): Record<string, string | undefined> {
  return { ...process.env, [TAG_VARIABLE]: TAG };
}

/** A job that exits 0 at once, named `quick` unless told. */
export function quickJob(name = 'quick', extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return { ...specDefaults('job'), name, kind: 'job', command: '/bin/true', args: [], cwd: repoRoot, env: {}, shell: false, autoStart: false, ...extra };
}

/** Live (not zombie) processes whose environment holds this file's tag. */
export function tagged(): number[] {
  const needle = Buffer.from(`${TAG_VARIABLE}=${TAG}\0`);
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`).includes(needle)) found.push(Number(name));
    } catch {
      // Gone while we looked, or not readable: not one of ours to worry about.
    }
  }
  return alive(found);
}

/**
 * Nothing of ours runs: every pid we know of is gone (zombies count as gone) and no process on
 * the machine carries our tag. Returns how many pids were checked.
 */
export function assertNothingLeft(known: Iterable<number>, what: string): number {
  const pids = [...new Set(known)];
  const left = alive(pids);
  const strays = tagged();
  if (left.length > 0 || strays.length > 0) {
    reap([...left, ...strays]);
    throw new Error(`${what}: processes left running: known pids ${JSON.stringify(left)}, tagged ${JSON.stringify(strays)}`);
  }
  return pids.length;
}

/** Every pid the engine reported for any run, collected from its change events. */
export function watchPids(engine: ProcessEngine): Set<number> {
  const pids = new Set<number>();
  engine.onDidChange((snap) => {
    if (snap?.pid != null) pids.add(snap.pid);
  });
  return pids;
}

/**
 * The engine still answers: a quick job is started and completes. Resolves to how long it took
 * (reported, not asserted: timings on this shared machine vary).
 */
export async function assertAnswers(engine: ProcessEngine, within = 15_000): Promise<number> {
  const started = performance.now();
  const id = await engine.spawn('quick');
  await withTimeout(engine.whenDone(id), within, 'the quick job to finish');
  const snap = engine.get(id);
  if (snap?.state !== 'completed') throw new Error(`the quick job ended ${snap?.state}: ${snap?.error?.message}`);
  return Math.round(performance.now() - started);
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function allDone(engine: ProcessEngine, ids: string[], ms: number, what: string): Promise<void> {
  await withTimeout(Promise.all(ids.map((id) => engine.whenDone(id))), ms, what);
  const open = ids.filter((id) => !isFinal(engine.get(id)?.state ?? 'completed'));
  if (open.length > 0) throw new Error(`${what}: ${open.length} runs are not finished`);
}

// A real collection before each memory reading, so heap figures are comparable.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export interface MemoryReading {
  rss: number;
  heapUsed: number;
}

export function memory(): MemoryReading {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/** Growth since `before`, in MB (negative when memory was given back). */
export function growthMB(before: MemoryReading, after = memory()): { rss: number; heap: number } {
  return { rss: round1((after.rss - before.rss) / MB), heap: round1((after.heapUsed - before.heapUsed) / MB) };
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** One line per case with its figures, on stdout (a `#` comment in TAP): the report reads these. */
export function summary(name: string, figures: Record<string, string | number | boolean>): void {
  const text = Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(`fault summary | ${name} | ${text}`);
}
