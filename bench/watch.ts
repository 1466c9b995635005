/**
 * File watchers for `watch` on a generated 100,000-file workspace (a third in the project's own
 * folders, the rest in node_modules): setup until changes are seen, resident memory, inotify
 * watches, idle CPU and the latency of one change, each candidate in a fresh process.
 * - @parcel/watcher, the one the editor's server runs for `createFileSystemWatcher` and for the
 *   workspace itself (taken from the installed code-server), ignoring node_modules and the rest;
 * - chokidar, ignoring the same;
 * - Node's `fs.watch(dir, { recursive: true })`, which cannot leave node_modules out.
 * And the extension host's own cost per event: our filter (WatchFilter) on each changed path.
 *
 * Alone: `node out/bench/watch.js`; BENCH_WATCH_FILES sets the size (default 100000).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { WatchFilter } from '../src/engine/watch/watchFilter';
import { measureInChild } from './support/inChild';
import { row } from './support/rows';
import { summarize, type BenchResult, type BenchRow } from './types';

const FILES = Number(process.env.BENCH_WATCH_FILES ?? 100_000);
const PER_FOLDER = 10;
/** node_modules' share of the files, as in a typical JavaScript project. */
const DEPENDENCY_SHARE = 0.6;
const REPETITIONS = Number(process.env.BENCH_WATCH_REPETITIONS ?? 2);
const CHANGES = 20;
const IDLE_MS = 3000;
const IGNORED = ['node_modules', '.git', 'dist', 'out', 'build'];
const CODE_SERVER_MODULES = path.resolve(__dirname, '..', '..', '.vscode-test', 'code-server-4.139.1', 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');

type Candidate = 'parcel' | 'chokidar' | 'fs.watch';
const LABEL: Record<Candidate, string> = {
  parcel: '@parcel/watcher (the editor\'s)',
  chokidar: 'chokidar',
  'fs.watch': 'fs.watch recursive (no excludes)',
};

interface Measured {
  setupMs: number;
  rssMB: number;
  watches: number;
  idleCpuPercent: number;
  latencyMs: number[];
  /** Events for changes in node_modules: work the process does for files nobody watches. */
  excludedEvents: number;
}

/** The tree: src/aNN/bNNN/fN.ts and node_modules/pNN/lib/mNNN/fN.js. */
function generate(root: string): { project: string[]; dependencies: string[] } {
  const project: string[] = [];
  const dependencies: string[] = [];
  const folders = Math.ceil(FILES / PER_FOLDER);
  const dependencyFolders = Math.round(folders * DEPENDENCY_SHARE);
  for (let i = 0; i < folders; i++) {
    const dependency = i < dependencyFolders;
    const dir = dependency
      ? path.join(root, 'node_modules', `p${i % 97}`, 'lib', `m${i}`)
      : path.join(root, 'src', `a${i % 53}`, `b${i}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < PER_FOLDER; f++) {
      const file = path.join(dir, `f${f}.${dependency ? 'js' : 'ts'}`);
      fs.writeFileSync(file, 'export {};\n');
      (dependency ? dependencies : project).push(file);
    }
  }
  return { project, dependencies };
}

function inotifyWatches(): number {
  let count = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) !== 'anon_inode:inotify') continue;
      count += fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').split('\n').filter((l) => l.startsWith('inotify wd:')).length;
    } catch {
      // closed meanwhile
    }
  }
  return count;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a watcher on `root` that calls `seen` with each changed path; resolves once it says it is ready. */
async function startWatcher(candidate: Candidate, root: string, seen: (file: string) => void): Promise<void> {
  const load = createRequire(__filename);
  if (candidate === 'parcel') {
    const parcel = load(path.join(CODE_SERVER_MODULES, '@parcel', 'watcher'));
    await parcel.subscribe(root, (_err: Error | null, events: { path: string }[]) => events?.forEach((e) => seen(e.path)), { ignore: IGNORED });
  } else if (candidate === 'chokidar') {
    const chokidar = load('chokidar');
    const ignored = new RegExp(`(^|/)(${IGNORED.map((n) => n.replace('.', '\\.')).join('|')})(/|$)`);
    const watcher = chokidar.watch(root, { ignored: (p: string) => ignored.test(path.relative(root, p)), ignoreInitial: true });
    watcher.on('all', (_event: string, file: string) => seen(file));
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
  } else {
    fs.watch(root, { recursive: true }, (_event, file) => file && seen(path.join(root, String(file))));
  }
}

/** Writes `file` until the watcher reports it; the time from the first write. */
async function timeChange(file: string, seenAt: Map<string, number>, timeoutMs: number): Promise<number> {
  seenAt.delete(file);
  const start = performance.now();
  while (!seenAt.has(file)) {
    if (performance.now() - start > timeoutMs) throw new Error(`watch: no event for ${file}`);
    fs.writeFileSync(file, `export const at = ${Date.now()};\n`);
    for (let i = 0; i < 20 && !seenAt.has(file); i++) await sleep(5);
  }
  return seenAt.get(file)! - start;
}

/** In the child: one candidate on the tree. */
async function measureHere(candidate: Candidate, root: string): Promise<Measured> {
  const project = JSON.parse(fs.readFileSync(path.join(root, 'project.json'), 'utf8')) as string[];
  const dependencies = JSON.parse(fs.readFileSync(path.join(root, 'dependencies.json'), 'utf8')) as string[];
  const seenAt = new Map<string, number>();
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  await startWatcher(candidate, root, (file) => seenAt.set(file, performance.now()));
  // Ready is when a change deep in the last folder is seen.
  await timeChange(project.at(-1)!, seenAt, 120_000);
  const setupMs = performance.now() - start;
  await sleep(500);
  const rssMB = (process.memoryUsage().rss - rssBefore) / 1e6;
  const cpuBefore = process.cpuUsage();
  await sleep(IDLE_MS);
  const cpu = process.cpuUsage(cpuBefore);
  const idleCpuPercent = ((cpu.user + cpu.system) / 1000 / IDLE_MS) * 100;
  const latencyMs: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    latencyMs.push(await timeChange(project[Math.floor((i + 0.5) * (project.length / CHANGES))], seenAt, 10_000));
    await sleep(50);
  }
  seenAt.clear();
  for (let i = 0; i < CHANGES; i++) fs.writeFileSync(dependencies[(i * 97) % dependencies.length], 'module.exports = {};\n');
  await sleep(1000);
  return { setupMs, rssMB, watches: inotifyWatches(), idleCpuPercent, latencyMs, excludedEvents: seenAt.size };
}

/** Our per-event work in the extension host: the filter on each changed path. */
function filterCostUs(project: string[], dependencies: string[], root: string): number {
  const filter = new WatchFilter(root, { paths: [`${root}/src/**/*.ts`], exclude: ['*.log'] }, [path.join(root, '.logs')]);
  const paths = [...project.slice(0, 20_000), ...dependencies.slice(0, 20_000)];
  let kept = 0;
  const start = performance.now();
  for (const file of paths) if (filter.accept(file) !== undefined) kept++;
  if (kept === 0) throw new Error('watch: the filter kept nothing');
  return ((performance.now() - start) * 1000) / paths.length;
}

/** The editor's parcel watcher needs the installed code-server, and chokidar is no dependency of ours: each is measured when present. */
function available(candidate: Candidate): boolean {
  try {
    if (candidate === 'parcel') createRequire(__filename).resolve(path.join(CODE_SERVER_MODULES, '@parcel', 'watcher'));
    if (candidate === 'chokidar') createRequire(__filename).resolve('chokidar');
    return true;
  } catch {
    return false;
  }
}

export async function run(): Promise<BenchResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-watch-bench-'));
  try {
    const generated = performance.now();
    const { project, dependencies } = generate(root);
    const generateMs = performance.now() - generated;
    fs.writeFileSync(path.join(root, 'project.json'), JSON.stringify(project));
    fs.writeFileSync(path.join(root, 'dependencies.json'), JSON.stringify(dependencies));
    const candidates = (['parcel', 'chokidar', 'fs.watch'] as const).filter(available);
    const results = new Map<Candidate, Measured[]>(candidates.map((c) => [c, []]));
    const missing = (['parcel', 'chokidar'] as const).filter((c) => !candidates.includes(c));
    for (let r = 0; r < REPETITIONS; r++) {
      for (const candidate of candidates) {
        results.get(candidate)!.push(await measureInChild<Measured>(__filename, ['--child', candidate, root], 300_000));
      }
    }
    const rows: BenchRow[] = [];
    const series = (candidate: Candidate, what: string, pick: (m: Measured) => number) => ({ label: `${LABEL[candidate]}: ${what}`, values: results.get(candidate)!.map(pick) });
    const baseline = candidates[0];
    const median = (values: number[]) => summarize(values).value;
    for (const candidate of candidates) {
      const against = candidate === baseline ? undefined : baseline;
      const withBase = (what: string, pick: (m: Measured) => number, unit: string) => rows.push(row(series(candidate, what, pick), unit, against && series(against, what, pick)));
      withBase('setup until a change is seen', (m) => m.setupMs, 'ms');
      withBase('resident memory added', (m) => m.rssMB, 'MB');
      withBase('inotify watches', (m) => m.watches, 'watches');
      withBase('idle CPU', (m) => m.idleCpuPercent, '% of a core');
      withBase('latency of one change (median)', (m) => median(m.latencyMs), 'ms');
      rows.push(row(series(candidate, 'events for 20 changes in node_modules', (m) => m.excludedEvents), 'events'));
    }
    const cost = Array.from({ length: 5 }, () => filterCostUs(project, dependencies, root));
    rows.push({ label: 'extension host: our filter per changed path', unit: 'µs', ...summarize(cost) });
    const notes = [
      `${project.length.toLocaleString('en-US')} project files and ${dependencies.length.toLocaleString('en-US')} in node_modules, ${PER_FOLDER} per folder; generated in ${(generateMs / 1000).toFixed(1)} s. Each candidate in a fresh process, ${REPETITIONS} times.`,
      'Setup ends when a change of a file in the last folder is seen; latency is from the write to the event, with the write repeated every 100 ms until it is seen.',
      ...missing.map((c) => `${LABEL[c]} was not measured: it is not installed here.`),
      'Inside a workspace folder, the editor serves `createFileSystemWatcher` from the recursive watcher it already runs there (a request for a path already watched is ignored), so what the first row costs is paid once per window whether or not we watch.',
    ];
    return { name: 'watch', title: `File watchers on a ${(project.length + dependencies.length).toLocaleString('en-US')}-file workspace, node_modules excluded`, rows, notes };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [flag, candidate, root] = process.argv.slice(2);
  if (flag === '--child') {
    measureHere(candidate as Candidate, root).then(
      (m) => {
        console.log(JSON.stringify(m));
        process.exit(0);
      },
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  } else {
    run().then((result) => console.log(JSON.stringify(result, null, 2)), (err) => {
      console.error(err);
      process.exit(1);
    });
  }
}
