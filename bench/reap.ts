/**
 * Restart against a zombie: a service that refuses to start while the pid in
 * its lock file passes kill(pid, 0), as Vite does, restarted again and again. Two trees: the shape
 * `npm run dev` has (a shell that does not exec its last command, so a stop leaves the server an
 * orphan for PID 1 to reap), and a server whose parent outside the tree does not reap it at all
 * (zombie-parent.js exits at once here, so PID 1 reaps it). Each with the engine's wait for the old
 * tree to be reaped (reapWaitMs, 3 s) and without it (0): how many starts the lock check refused,
 * how many restarts waited, and how long.
 *
 * Alone: `node out/bench/run.js reap`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SERVICE_RESTART } from '../src/core/defaults';
import type { ProcessEngine } from '../src/engine/engine';
import { BenchEngine, serviceSpec } from './support/engine';
import { row } from './support/rows';
import { fixture, pollFor } from './support/tree';
import type { BenchResult, BenchRow } from './types';

type Shape = 'shell' | 'orphan';

const RESTARTS = Number(process.env.BENCH_REAP_RESTARTS ?? 8);
const WAIT_MS = 3000;
const SHAPE_LABEL: Record<Shape, string> = {
  shell: 'sh -c "node server; true"',
  orphan: 'server whose parent does not reap it',
};

interface Sample {
  refused: boolean;
  /** The wait the engine reported before the start; 0 when it did not wait. */
  waitedMs: number;
  /** From the restart call until the new server said "ready" (or refused). */
  restartMs: number;
}

function testFixture(name: string): string {
  return path.resolve(path.dirname(fixture('tree.sh')), '..', '..', 'test', 'fixtures', name);
}

function command(shape: Shape, lock: string): [string, string[]] {
  const server = testFixture('lock-server.js');
  if (shape === 'shell') return ['/bin/sh', ['-c', `"${process.execPath}" "${server}" "${lock}"; true`]];
  return [process.execPath, [testFixture('lock-tree.js'), lock, '0']];
}

/** The first line of the server's verdict in a run's output. */
async function verdict(engine: ProcessEngine, id: string): Promise<string> {
  const line = await pollFor(() => engine.output(id).find((l) => /^(ready|Found another)/.test(l.text))?.text, 10_000, 5);
  if (line === undefined) throw new Error(`reap: no verdict from the server: ${engine.output(id).map((l) => l.text).join(' | ')}`);
  return line;
}

/** The wait an output line reports (`Waited 1.9 s ...`, `... within 3.0 s ...`), in ms. */
function reportedWait(engine: ProcessEngine, id: string): number {
  const text = engine.output(id).find((l) => l.stream === 'system' && /^(Waited|Starting anyway)/.test(l.text))?.text;
  const found = text && /(\d+(?:\.\d)?) (ms|s)\b/.exec(text);
  if (!found) return 0;
  return Number(found[1]) * (found[2] === 's' ? 1000 : 1);
}

async function measure(shape: Shape, reapWaitMs: number): Promise<Sample[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-reap-'));
  const bench = new BenchEngine({ reapWaitMs, stopTimeoutMs: 2000 });
  try {
    const [cmd, args] = command(shape, path.join(dir, 'lock'));
    bench.engine.setDefinitions([serviceSpec('vite', cmd, args, { restart: { ...DEFAULT_SERVICE_RESTART, policy: 'never' } })]);
    let id = await bench.engine.spawn('vite');
    await verdict(bench.engine, id);
    const samples: Sample[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      const started = performance.now();
      id = await bench.engine.restart(id);
      const line = await verdict(bench.engine, id);
      samples.push({ refused: line.startsWith('Found another'), waitedMs: reportedWait(bench.engine, id), restartMs: performance.now() - started });
    }
    return samples;
  } finally {
    await bench.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  for (const shape of ['shell', 'orphan'] as const) {
    const without = await measure(shape, 0);
    const waiting = await measure(shape, WAIT_MS);
    const label = SHAPE_LABEL[shape];
    const count = (samples: Sample[], pick: (s: Sample) => boolean) => samples.filter(pick).length;
    rows.push({ label: `${label}: starts refused, no wait`, value: count(without, (s) => s.refused), unit: `of ${RESTARTS}` });
    rows.push({ label: `${label}: starts refused, with the wait`, value: count(waiting, (s) => s.refused), unit: `of ${RESTARTS}` });
    rows.push({ label: `${label}: restarts that waited`, value: count(waiting, (s) => s.waitedMs > 0), unit: `of ${RESTARTS}` });
    const waits = waiting.filter((s) => s.waitedMs > 0).map((s) => s.waitedMs);
    if (waits.length > 0) rows.push(row({ label: `${label}: wait, when it waited`, values: waits }, 'ms'));
    const ok = (samples: Sample[]) => samples.filter((s) => !s.refused).map((s) => s.restartMs);
    if (ok(waiting).length > 0) rows.push(row({ label: `${label}: restart to ready, with the wait`, values: ok(waiting) }, 'ms'));
    if (ok(without).length > 0) rows.push(row({ label: `${label}: restart to ready, no wait (starts not refused)`, values: ok(without) }, 'ms'));
  }
  notes.push(`The wait is bounded at ${WAIT_MS} ms; a wait that reached it started anyway, and the lock check may then refuse.`);
  return { name: 'reap', title: `Restart of a service with a lock check against its zombie, ${RESTARTS} restarts each`, rows, notes };
}
