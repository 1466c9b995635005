/**
 * Cold window: what a user sees of `start` in a real editor. A fresh code-server opens a workspace
 * whose settings define 20 autoStart services (`sleep`), with our extension under development;
 * the time is from the extension host's line saying it began to activate the extension until the
 * last of the 20 processes started. The baseline: the same in a fresh code-server with an
 * extension that spawns the 20 itself in its `activate()` (bench/fixtures/raw-spawn-extension),
 * from the extension host. BENCH_COLD_WINDOW_OTHER=<a built checkout> adds that build's extension
 * (the code before a change), alternated with ours.
 *
 * When a process started comes from /proc (its start time, in clock ticks since boot, mapped to
 * the wall clock through this process's own start); the activation's start from the extension
 * host's log. Both are good to about 10 ms. Each build's first window is its profile's first (the
 * bundle compiles without a code cache) and is reported apart; the windows after it get the code
 * cache it wrote, as a user's later windows do.
 *
 * `node out/bench/run.js coldWindow` runs it alone (BENCH_COLD_WINDOW_REPEATS, default 4).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, payloadUrl, repoRoot, startCodeServer } from '../test/harness/codeServer';
import { extensionInfo, openWorkbenchPage, readExtHostLog, waitUntil } from './support/workbench';
import { awaitCodeCache, putCodeCache, type CodeCache } from './support/codeCacheFiles';
import { row, rotated, ms, ratioText, type Series } from './support/rows';
import type { BenchResult } from './types';
import { which } from './support/tree';

const REPEATS = Number(process.env.BENCH_COLD_WINDOW_REPEATS ?? 4);
const SERVICES = 20;
const RAW_FIXTURE = path.join('bench', 'fixtures', 'raw-spawn-extension');
const CLOCK_TICK_MS = 10;

type Subject = 'ours' | 'other' | 'raw';

/** The wall-clock time of a /proc start time, through this process's own start time and time origin. */
function tickClock(): (ticks: number) => number {
  const selfTicks = Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[19]);
  return (ticks) => performance.timeOrigin + (ticks - selfTicks) * CLOCK_TICK_MS;
}

/** Start times (clock ticks) of the processes whose command line is exactly `argv`. */
function startedWith(argv: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8') !== argv) continue;
      found.push(Number(fs.readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[19]));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

function workspaceWith(command: string, arg: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devproc-bench-cold-'));
  fs.mkdirSync(path.join(dir, '.vscode'));
  const tasks = Array.from({ length: SERVICES }, (_, i) => ({ name: `svc-${i + 1}`, kind: 'service', command, args: [arg], autoStart: true }));
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'devProcesses.tasks': tasks }, null, 2));
  return dir;
}

/**
 * One fresh window of `extension`; ms from the activation's start until the last of the 20
 * started. With `cache`, the code caches an earlier window wrote are where the extension finds
 * them, as in a user's every window after the first; with `keep`, the caches this one writes
 * after its activation are waited for and returned.
 */
async function window(browser: Browser, extension: string, subject: Subject, rep: number, cache?: CodeCache, keep = false): Promise<{ took: number; cache?: CodeCache }> {
  const command = which('sleep');
  // Unique per window, so that only this window's processes are counted.
  const arg = `1000.${process.pid}${rep}${subject.length}`;
  const workspace = workspaceWith(command, arg);
  const server = await startCodeServer({ workspace, extensionDevelopmentPath: extension, env: { BENCH_RAW_SPAWN: JSON.stringify([command, arg]) } });
  try {
    putCodeCache(server.userDataDir, cache);
    const page = await openWorkbenchPage(browser, payloadUrl(server));
    try {
      const argv = `${command}\0${arg}\0`;
      const starts = await waitUntil(`${SERVICES} processes of the ${subject} window`, async () => startedWith(argv), (s) => s.length >= SERVICES, 60_000);
      const id = extensionInfo(extension).id;
      const log = await waitUntil('the activation line in the extension host log', async () => readExtHostLog(server.userDataDir), (l) => l?.activationStartedAt.has(id) === true, 10_000);
      const took = tickClock()(Math.max(...starts)) - log!.activationStartedAt.get(id)!;
      return { took, cache: keep ? await awaitCodeCache(server.userDataDir) : undefined };
    } finally {
      await page.context().close();
    }
  } finally {
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult> {
  const root = repoRoot();
  const other = process.env.BENCH_COLD_WINDOW_OTHER;
  const subjects: Subject[] = other ? ['raw', 'ours', 'other'] : ['raw', 'ours'];
  const extension: Record<Subject, string> = { ours: root, other: other ?? '', raw: path.join(root, RAW_FIXTURE) };
  const values: Record<Subject, number[]> = { ours: [], other: [], raw: [] };
  // Each build's first window is its profile's first: no code cache. The caches it writes go to
  // every later window of that build.
  const firsts: Partial<Record<Subject, number>> = {};
  const caches: Partial<Record<Subject, CodeCache>> = {};
  const load = [os.loadavg()[0]];
  const browser = await launchBrowser({ handleSignals: false });
  try {
    for (const subject of subjects.filter((s) => s !== 'raw')) {
      const first = await window(browser, extension[subject], subject, REPEATS, undefined, true);
      firsts[subject] = first.took;
      caches[subject] = first.cache;
      if (!first.cache) throw new Error(`coldWindow: the ${subject} window wrote no code cache.`);
      console.log(`  coldWindow, first window of a profile (no code cache): ${subject}: ${SERVICES} started ${ms(first.took)} after the activation began`);
    }
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const subject of rotated(subjects, rep)) {
        const { took } = await window(browser, extension[subject], subject, rep, caches[subject]);
        values[subject].push(took);
        console.log(`  coldWindow ${rep + 1}/${REPEATS}: ${subject}: ${SERVICES} started ${ms(took)} after the activation began`);
      }
      load.push(os.loadavg()[0]);
    }
  } finally {
    await browser.close();
  }
  const series = (subject: Subject, label: string): Series => ({ label, values: values[subject] });
  const first = (subject: Subject, label: string): Series => ({ label, values: firsts[subject] === undefined ? [] : [firsts[subject]] });
  const raw = series('raw', `raw spawn of ${SERVICES} in activate(), from the extension host: activation start to the last started`);
  const ours = series('ours', `ours, ${SERVICES} autoStart definitions, the code cache of an earlier window: activation start to the last started under the helper`);
  const before = series('other', `the other build (${other}), the same`);
  const oursFirst = first('ours', `ours, the same in a profile's first window (no code cache yet)`);
  const beforeFirst = first('other', `the other build, the same in a profile's first window`);
  return {
    name: 'coldWindow',
    title: `Cold window: ${SERVICES} autoStart services in a fresh code-server, until the last one started`,
    rows: [
      row(raw, 'ms'),
      row(ours, 'ms', raw),
      ...(other ? [row(before, 'ms', raw)] : []),
      row(oursFirst, 'ms'),
      ...(other ? [row(beforeFirst, 'ms')] : []),
    ],
    notes: [
      `Ours against the raw spawns (paired): ${ratioText(ours, raw)}${other ? `; the other build ${ratioText(before, raw)}` : ''}.`,
      `${REPEATS} repetitions, a fresh code-server per window, the order rotated per repetition. Every window of ours finds the V8 code cache its build's first window wrote (src/start.ts), as a user's every window after the first of a profile does; that first window is measured once, before the repetitions.`,
      `${os.cpus().length} cores, 1-minute load average ${load.map((l) => l.toFixed(1)).join(' -> ')} over the run.`,
    ],
  };
}
