/**
 * Idle cost: what the whole extension costs its extension host while 50 services run and do
 * nothing, in a real code-server with the Dev Processes view visible (the tree, its ticker, the
 * status bar, the monitor's sampling, the services' readiness probes at their defaults), against
 * PM2's daemon running the same 50 apps.
 *
 * One code-server on a scratch workspace whose settings define 50 services, each a quiet Node HTTP
 * server (test/fixtures/http-server.js) with an http readiness probe and nothing else set. First
 * the host is measured with the definitions shown and nothing running, then "Dev Processes: Start
 * All" starts the 50, and once all are ready the host is measured again: CPU is utime + stime of
 * the extension host process over each window (/proc/PID/stat), memory its resident set.
 * The launcher helper, which holds the services, is measured alongside. PM2 then runs the same 50
 * apps in its own daemon, measured the same way before and after `pm2 start`.
 *
 * `node out/bench/run.js idle` runs it alone (BENCH_IDLE_WINDOW_S: the length of one window,
 * BENCH_IDLE_WINDOWS: how many windows per phase; BENCH_IDLE_NO_PM2=1 leaves PM2 and its rows
 * out; BENCH_IDLE_PROFILE=1 adds a CPU profile of the extension host;
 * BENCH_IDLE_MEMORY=1 its memory as Node splits it, before and after the start; BENCH_IDLE_ALLOC=1
 * what it allocates from the start on, garbage included, and where, =idle the same in the windows
 * after the start only).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, payloadUrl, repoRoot, startCodeServer } from '../test/harness/codeServer';
import { copyWorkspace, openDevProcessesView } from '../test/e2e/workbench';
import { formatTable, median, type BenchResult, type BenchRow } from './types';
import { heapSpaces, hostMemory, type HostMemory } from './support/hostMemory';
import { recordAllocations, recordProfile, selfTime, timeThrough, type Allocations } from './support/hostProfile';
import { Pm2Daemon } from './support/pm2';
import { cmdline, descendantsMatching, measureWindow, type Usage } from './support/procUsage';
import { row, type Series } from './support/rows';
import { sleep } from './support/tree';
import { procPids } from '../src/platform/procfs';
import { openWorkbenchPage, runCommand } from './support/workbench';

const SERVICES = 50;
const WINDOW_S = Number(process.env.BENCH_IDLE_WINDOW_S ?? 20);
const WINDOWS = Number(process.env.BENCH_IDLE_WINDOWS ?? 3);
/** Before the first window: the workbench restored, the first redraws. */
const SETTLE_MS = 15_000;
/**
 * After the start: the readiness probes have passed, the services' first minute is over (an
 * uptime is shown to the second during it) and so is the monitor's reading of new trees' ports.
 */
const SETTLE_AFTER_START_MS = 60_000;
const START_TIMEOUT_MS = 120_000;
const TARGET_CPU_PERCENT = 0.3;
const TARGET_GROWTH_MB = 80;
const EXT_HOST = /--type=extensionHost/;
/** BENCH_IDLE_PROFILE=1: after the measured windows, a CPU profile of the extension host (written to test-results/). */
const PROFILE = process.env.BENCH_IDLE_PROFILE === '1';
const NO_AUTOFORWARD = process.env.BENCH_IDLE_NO_AUTOFORWARD === '1';
/** BENCH_IDLE_MEMORY=1: the extension host's memory as Node splits it (heap, buffers), through its inspector, before and after the start. */
const MEMORY = process.env.BENCH_IDLE_MEMORY === '1';
/**
 * BENCH_IDLE_ALLOC=1: what the extension host allocates (garbage included) from the start until
 * the windows after it end, and how much of it through this extension's code; =idle: in the
 * windows after the start only.
 */
const ALLOC = process.env.BENCH_IDLE_ALLOC === 'idle' ? 'idle' : process.env.BENCH_IDLE_ALLOC === '1';
const INSPECT_PORT = 9339;
/** The helper leaves the extension host's tree (it outlives a reload): found by its script's path in this checkout. */
const HELPER_SCRIPT = path.join(repoRoot(), 'dist', 'launcherHost.js');

function serverScript(): string {
  return path.join(repoRoot(), 'test', 'fixtures', 'http-server.js');
}

function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * SERVICES free ports in a row, below the ephemeral range (where outgoing connections take their
 * ports), from a random base: the services and PM2's apps take them in turn.
 */
async function basePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    const ok = await Promise.all(Array.from({ length: SERVICES }, (_, i) => free(base + i)));
    if (ok.every(Boolean)) return base;
  }
  throw new Error(`idle: found no ${SERVICES} free ports in a row`);
}

/** The workspace settings: 50 services as a user writes them, with a readiness probe and defaults for the rest. */
function writeSettings(workspace: string, port: number): void {
  const tasks = Array.from({ length: SERVICES }, (_, i) => ({
    name: `svc-${i}`,
    kind: 'service',
    command: process.execPath,
    args: [serverScript()],
    env: { PORT: String(port + i) },
    healthCheck: { readiness: { type: 'http', url: `http://127.0.0.1:${port + i}/` } },
  }));
  const dir = path.join(workspace, '.vscode');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ 'devProcesses.tasks': tasks }, null, 2));
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitAllListening(port: number, what: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const up = await Promise.all(Array.from({ length: SERVICES }, (_, i) => listening(port + i)));
    const count = up.filter(Boolean).length;
    if (count === SERVICES) return;
    if (Date.now() > deadline) {
      const down = up.flatMap((ok, i) => (ok ? [] : [port + i]));
      throw new Error(`idle: ${what}: only ${count} of ${SERVICES} services listen after ${START_TIMEOUT_MS / 1000} s; not on ${down.join(', ')}`);
    }
    await sleep(2000);
  }
}

/** SIGTERM to what still runs this checkout's server script: the services this bench started. */
function stopLeftovers(): void {
  for (const pid of procPids()) {
    if (!cmdline(pid).includes(serverScript())) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Gone meanwhile.
    }
  }
}

async function waitAllFree(port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while ((await Promise.all(Array.from({ length: SERVICES }, (_, i) => listening(port + i)))).some(Boolean)) {
    if (Date.now() > deadline) throw new Error(`idle: our services still listen ${START_TIMEOUT_MS / 1000} s after the server stopped`);
    await sleep(500);
  }
}

/** The one process matching `pattern` under this bench; waits for it to exist. */
async function findOne(pattern: RegExp, what: string): Promise<number> {
  for (let i = 0; i < 120; i++) {
    const found = descendantsMatching(process.pid, pattern);
    if (found.length === 1) return found[0];
    if (found.length > 1) throw new Error(`idle: ${found.length} processes look like the ${what}: ${found.map((p) => `${p} ${cmdline(p)}`).join('; ')}`);
    await sleep(500);
  }
  throw new Error(`idle: no ${what} under this process`);
}

function findHelper(): number {
  const found = procPids().filter((pid) => cmdline(pid).includes(HELPER_SCRIPT));
  if (found.length !== 1) throw new Error(`idle: ${found.length} launcher helpers run ${HELPER_SCRIPT}: ${found.join(', ')}`);
  return found[0];
}

/** WINDOWS consecutive windows over the same processes: one Usage list per process. */
async function windows(pids: readonly number[]): Promise<Usage[][]> {
  const out: Usage[][] = pids.map(() => []);
  for (let w = 0; w < WINDOWS; w++) {
    (await measureWindow(pids, WINDOW_S)).forEach((u, i) => out[i].push(u));
  }
  return out;
}

const brief = (u: Usage[]) => u.map((x) => `${x.cpuPercent.toFixed(2)}% ${x.rssMB.toFixed(0)} MB`).join(', ');

interface Phases {
  idleHost: Usage[];
  busyHost: Usage[];
  helper: Usage[];
  /** Absent with BENCH_IDLE_NO_PM2=1. */
  pm2?: { pm2Empty: Usage[]; pm2Busy: Usage[] };
  /** BENCH_IDLE_PROFILE=1: the share of a core in stacks through this extension's code, from a profile of the host with the 50 running. */
  oursInHost?: number;
}

async function measureOurs(page: Page, port: number): Promise<Pick<Phases, 'idleHost' | 'busyHost' | 'helper' | 'oursInHost'>> {
  await openDevProcessesView(page);
  const host = await findOne(EXT_HOST, 'extension host');
  await sleep(SETTLE_MS);
  const [idleHost] = await windows([host]);
  console.log(`  idle: extension host, none running: ${brief(idleHost)}`);
  const spacesBefore = MEMORY ? await heapSpaces(INSPECT_PORT) : undefined;
  const memoryBefore = MEMORY ? await hostMemory(INSPECT_PORT) : undefined;
  let busyHost: Usage[] = [];
  let helperUse: Usage[] = [];
  const start = async () => {
    await runCommand(page, 'Dev Processes: Start All');
    await waitAllListening(port, 'ours');
    await sleep(SETTLE_AFTER_START_MS);
  };
  const measure = async () => {
    [busyHost, helperUse] = await windows([host, findHelper()]);
  };
  const sampled = (what: string, during: () => Promise<void>) => recordAllocations(during, INSPECT_PORT, [ourCode()], resultFile(`extension-host-${what}.heapprofile`));
  if (ALLOC === 'idle') {
    await start();
    logAllocations('in the windows after the start', await sampled('idle', measure));
  } else if (ALLOC) {
    logAllocations('from the start to the end of its windows', await sampled('start', () => start().then(measure)));
  } else {
    await start();
    await measure();
  }
  console.log(`  idle: extension host, ${SERVICES} running: ${brief(busyHost)}; launcher helper: ${brief(helperUse)}`);
  if (spacesBefore) logSpaces(spacesBefore, await heapSpaces(INSPECT_PORT));
  if (memoryBefore) logMemoryGrowth(memoryBefore, await hostMemory(INSPECT_PORT));
  const oursInHost = PROFILE ? await profileHost() : undefined;
  return { idleHost, busyHost, helper: helperUse, oursInHost };
}

/** Where the profiles go: test-results/bench-idle/NAME. */
function resultFile(name: string): string {
  const dir = path.join(repoRoot(), 'test-results', 'bench-idle');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

const ourCode = () => path.join(repoRoot(), 'dist') + path.sep;

function logAllocations(when: string, a: Allocations): void {
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
  console.log(`  idle: extension host allocated ${mb(a.total)} ${when} (sampled, garbage included); through this extension's code ${mb(a.through)}`);
  console.log('  by where our code was entered:');
  for (const [fn, n] of a.entries.slice(0, 25)) console.log(`    ${mb(n).padStart(9)}  ${fn}`);
  console.log('  by allocation site:');
  for (const [fn, n] of a.sites.slice(0, 40)) console.log(`    ${mb(n).padStart(9)}  ${fn}`);
}

/** The V8 heap's spaces as the windows left them (no collection first): which space the window's growth is in. */
function logSpaces(before: Record<string, number>, after: Record<string, number>): void {
  const grown = Object.keys(after)
    .filter((space) => after[space] > 0)
    .map((space) => `${space} ${(after[space] / 2 ** 20).toFixed(1)} MB (${((after[space] - (before[space] ?? 0)) / 2 ** 20).toFixed(1)})`);
  console.log(`  idle: extension host's memory with the ${SERVICES} before any collection: resident set, outside the heap, V8 heap spaces committed (growth): ${grown.join(', ')}`);
}

function logMemoryGrowth(before: HostMemory, after: HostMemory): void {
  const mb = (key: keyof HostMemory) => `${(after[key] / 2 ** 20).toFixed(1)} MB (${((after[key] - before[key]) / 2 ** 20).toFixed(1)})`;
  console.log(
    `  idle: extension host after a garbage collection, with the ${SERVICES} (growth): rss ${mb('rss')}, heap used ${mb('heapUsed')}, ` +
      `heap reserved ${mb('heapTotal')}, external ${mb('external')}, array buffers ${mb('arrayBuffers')}`,
  );
}

/** The workbench URL with the payload entry that starts the extension host with its inspector on INSPECT_PORT. */
function withInspector(url: string): string {
  const u = new URL(url);
  const payload = JSON.parse(u.searchParams.get('payload') ?? '[]') as [string, string][];
  u.searchParams.set('payload', JSON.stringify([...payload, ['inspect-extensions', String(INSPECT_PORT)]]));
  return u.toString();
}

/**
 * A CPU profile of the extension host over one window: where its time goes, and the share of a
 * core spent in stacks that pass through this extension's code (the other extensions of the host,
 * whose own work varies by more than the target, left out). Returns that share, in percent.
 */
async function profileHost(): Promise<number> {
  const profile = await recordProfile(WINDOW_S, resultFile('extension-host.cpuprofile'), INSPECT_PORT);
  const top = selfTime(profile).filter(([fn]) => !fn.startsWith('(idle)'));
  const total = top.reduce((sum, [, ms]) => sum + ms, 0);
  const ours = timeThrough(profile, [path.join(repoRoot(), 'dist') + path.sep]);
  const share = (ours / (WINDOW_S * 1000)) * 100;
  console.log(`  idle: extension host profile, ${WINDOW_S} s, ${total.toFixed(0)} ms busy; through this extension's code: ${ours.toFixed(0)} ms, ${share.toFixed(3)}% of a core; self time:`);
  for (const [fn, ms] of top.slice(0, 40)) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${fn}`);
  return share;
}

async function measurePm2(port: number): Promise<NonNullable<Phases['pm2']>> {
  const { pm2 } = await Pm2Daemon.start();
  try {
    await sleep(SETTLE_MS / 3);
    const [pm2Empty] = await windows([pm2.pid]);
    console.log(`  idle: PM2 daemon, no apps: ${brief(pm2Empty)}`);
    await pm2.start(
      Array.from({ length: SERVICES }, (_, i) => ({ name: `svc-${i}`, script: serverScript(), env: { PORT: String(port + i) }, autorestart: true })),
      START_TIMEOUT_MS,
    );
    await waitAllListening(port, 'PM2');
    await sleep(SETTLE_MS);
    const [pm2Busy] = await windows([pm2.pid]);
    console.log(`  idle: PM2 daemon, ${SERVICES} apps: ${brief(pm2Busy)}`);
    return { pm2Empty, pm2Busy };
  } finally {
    await pm2.dispose();
  }
}

const cpu = (label: string, u: Usage[]): Series => ({ label, values: u.map((x) => x.cpuPercent) });
const rss = (label: string, u: Usage[]): Series => ({ label, values: u.map((x) => x.rssMB) });
const added = (label: string, after: Usage[], before: Usage[]): Series => ({ label, values: after.map((u, i) => u.cpuPercent - before[i].cpuPercent) });
/**
 * Memory grown over the last window before the start: the first windows still hold the
 * workbench's own start (the host is tens of MB larger then than a window later), which a pairing
 * by index counted against half the windows after the start.
 */
const growth = (label: string, after: Usage[], before: Usage[]): Series => ({ label, values: after.map((u) => u.rssMB - before[before.length - 1].rssMB) });

function rows(p: Phases): BenchRow[] {
  const hostCpu = cpu(`extension host, ${SERVICES} idle services: CPU`, p.busyHost);
  const hostAdded = added(`extension host: CPU added by ${SERVICES} idle services (paired)`, p.busyHost, p.idleHost);
  const hostGrowth = growth(`extension host: RSS growth with ${SERVICES} services running`, p.busyHost, p.idleHost);
  const pm2Cpu = p.pm2 && cpu(`PM2 daemon, ${SERVICES} apps: CPU`, p.pm2.pm2Busy);
  const pm2Growth = p.pm2 && growth(`PM2 daemon: RSS growth with ${SERVICES} apps`, p.pm2.pm2Busy, p.pm2.pm2Empty);
  return [
    row(cpu('extension host, definitions shown, none running: CPU', p.idleHost), '% of a core'),
    row(hostCpu, '% of a core'),
    pm2Cpu?.values.every((v) => v > 0) ? row(hostAdded, '% of a core', pm2Cpu) : row(hostAdded, '% of a core'),
    row(cpu(`launcher helper, holding ${SERVICES} services: CPU`, p.helper), '% of a core'),
    ...(p.oursInHost === undefined ? [] : [row({ label: `extension host, ${SERVICES} running: CPU in stacks through this extension's code (profile)`, values: [p.oursInHost] }, '% of a core')]),
    ...(p.pm2 && pm2Cpu ? [row(cpu('PM2 daemon, no apps: CPU', p.pm2.pm2Empty), '% of a core'), row(pm2Cpu, '% of a core')] : []),
    row(rss('extension host, none running: RSS', p.idleHost), 'MB'),
    row(rss(`extension host, ${SERVICES} running: RSS`, p.busyHost), 'MB'),
    pm2Growth?.values.some((v) => v > 0) ? row(hostGrowth, 'MB', pm2Growth) : row(hostGrowth, 'MB'),
    row(rss('launcher helper: RSS', p.helper), 'MB'),
    ...(p.pm2 && pm2Growth ? [row(rss(`PM2 daemon, ${SERVICES} apps: RSS`, p.pm2.pm2Busy), 'MB'), row(pm2Growth, 'MB')] : []),
  ];
}

export async function run(): Promise<BenchResult> {
  const root = repoRoot();
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) throw new Error('idle: dist/extension.js is missing: run `node esbuild.js` first.');
  const port = await basePort();
  const workspace = copyWorkspace();
  writeSettings(workspace, port);
  const browser = await launchBrowser({ handleSignals: false });
  let ours: Awaited<ReturnType<typeof measureOurs>>;
  try {
    const server = await startCodeServer({
      workspace,
      extensionDevelopmentPath: root,
      // The services go with the extension host when the server stops: no grace to wait out.
      // BENCH_IDLE_NO_AUTOFORWARD=1: the editor's own detection of ports to forward is off, to tell its cost from ours.
      settings: { 'devProcesses.keepRunningOnReload': false, ...(NO_AUTOFORWARD && { 'remote.autoForwardPorts': false }) },
    });
    try {
      const page = await openWorkbenchPage(browser, PROFILE || MEMORY || ALLOC ? withInspector(payloadUrl(server)) : payloadUrl(server));
      ours = await measureOurs(page, port);
      await page.context().close();
    } finally {
      await server.stop();
    }
  } finally {
    await browser.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  // The server's stop kills the host and the helper, and the services (their own process groups)
  // outlive them, for the next window to adopt: PM2's apps need their ports.
  stopLeftovers();
  await waitAllFree(port);
  const phases: Phases = { ...ours, pm2: process.env.BENCH_IDLE_NO_PM2 === '1' ? undefined : await measurePm2(port) };
  const hostCpu = median(added('', phases.busyHost, phases.idleHost).values);
  const hostGrowth = median(growth('', phases.busyHost, phases.idleHost).values);
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return {
    name: 'idle',
    title: `Idle cost: ${SERVICES} quiet services with readiness probes, the extension host's CPU and memory in a real code-server with the view visible, against PM2's daemon`,
    rows: rows(phases),
    notes: [
      `Targets: under ${TARGET_CPU_PERCENT}% of a core added to the extension host (${hostCpu < TARGET_CPU_PERCENT ? 'met' : 'not met'}: ${hostCpu.toFixed(2)}%) and under ${TARGET_GROWTH_MB} MB of growth (${hostGrowth < TARGET_GROWTH_MB ? 'met' : 'not met'}: ${hostGrowth.toFixed(1)} MB).`,
      `${WINDOWS} windows of ${WINDOW_S} s per phase, after ${SETTLE_MS / 1000} s of settling (${SETTLE_AFTER_START_MS / 1000} s after the services listen); CPU is the time on a CPU of every thread of the process (/proc/PID/task/*/schedstat), RSS the median of one sample a second. Growth is each window after the start less the last window before it (the earlier ones still hold the workbench's start).`,
      `Each service: ${path.basename(serverScript())} (a Node HTTP server that prints one line), an http readiness probe at its defaults (which stops once passed); monitor, tree and status bar at their defaults; the Dev Processes view visible.`,
      'The services run in the launcher helper, a process of its own: its CPU is shown beside the host\'s, since it is part of what the extension costs.',
      `The editor's remote.autoForwardPorts: ${NO_AUTOFORWARD ? 'off (BENCH_IDLE_NO_AUTOFORWARD=1)' : 'its default'}.`,
      phases.pm2 ? 'PM2: its daemon in a fresh PM2_HOME, the same script as a Node app (fork mode, autorestart, no pmx/automation).' : 'PM2: left out (BENCH_IDLE_NO_PM2=1).',
      `Load average at the end: ${load} (a shared 2-core machine).`,
    ],
  };
}

if (require.main === module) {
  run().then(
    (result) => {
      console.log(`\n${formatTable([result])}`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
