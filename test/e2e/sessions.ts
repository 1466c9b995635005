// Processes that outlive their window (docs/sessions.md), in a real VS Code: the extension host is
// killed (SIGKILL) with a chatty service running, which keeps writing and is taken back by the
// next window (same pid and run id); "Developer: Reload Window" leaves the services and their metrics
// history to the next window; then the window is closed for good, and once the extension
// host has ended and the reconnect grace has run out nothing of the runs is left in /proc.
// Usage: node out/test/e2e/sessions.js   (build first: node esbuild.js && node esbuild.js --tests)
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, payloadUrl, repoRoot, startCodeServer, type CodeServer } from '../harness/codeServer';
import { extensionHostOf } from './extensionHost';
import { metricsFrame, paletteCommand, poll } from './metrics';
import { copyWorkspace, openWorkbench, resultsDir, tail, UI_SETTINGS } from './workbench';

const OVERALL_MS = Number(process.env.E2E_TIMEOUT_MS) || 240_000;
const RUN_MARKER = 'DEVPROC_RUN=';
/** Long enough for a reload of the window on a busy machine, from the killed host to the next one. */
const GRACE_MS = 60_000;
/**
 * A closed page ends its extension host at once; a lost connection only after the server's
 * reconnection grace (seconds, default hours): kept short should the close look like a loss.
 */
const SERVER_GRACE_S = 3;
const CLOSE_GRACE_MS = 1_000;

let server: CodeServer | undefined;
let workspace: string | undefined;
const out = resultsDir('e2e-sessions');

function say(line: string): void {
  console.log(`sessions: ${line}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until<T>(what: string, probe: () => T | undefined | false, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
}

/** Live: in /proc and not a zombie. */
function alive(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  return stat !== undefined && !/\) [ZX] /.test(stat);
}

/** Bytes the process wrote so far (its stdout and stderr among them). */
function written(pid: number): number {
  return Number(/^wchar: (\d+)$/m.exec(read(`/proc/${pid}/io`) ?? '')?.[1] ?? NaN);
}

function parentOf(pid: number): number {
  const stat = read(`/proc/${pid}/stat`) ?? '';
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Live processes whose environment carries a run marker of ours, with the run id. */
function markedProcesses(runIds?: Set<string>): { pid: number; runId: string }[] {
  const found: { pid: number; runId: string }[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || !alive(Number(name))) continue;
    const env = (read(`/proc/${name}/environ`) ?? '').split('\0');
    if (!env.includes(`DEVPROC_WORKSPACE_TAG=${path.basename(workspace!)}`) && !runIds) continue;
    const marker = env.find((e) => e.startsWith(RUN_MARKER));
    if (!marker) continue;
    const runId = marker.slice(RUN_MARKER.length);
    if (!runIds || runIds.has(runId)) found.push({ pid: Number(name), runId });
  }
  return found;
}

/** The processes.json of the workspace's storage, as [runId, pid] pairs. */
function recordedRuns(): Map<string, number> {
  const stack = [path.join(server!.userDataDir, 'User', 'workspaceStorage')];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.name === 'processes.json') {
        const records = JSON.parse(read(full) ?? '[]') as { runId: string; pid: number }[];
        return new Map((Array.isArray(records) ? records : []).map((r) => [r.runId, r.pid]));
      }
    }
  }
  return new Map();
}

function writeSettings(extra: Record<string, unknown>): void {
  const file = path.join(workspace!, '.vscode', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(file, JSON.stringify({ ...settings, ...extra }, null, 2));
}

const logFile = () => path.join(workspace!, 'logs', 'chatty.log');

async function run(): Promise<void> {
  workspace = copyWorkspace();
  const ticker = path.join(workspace, 'scripts', 'ticker.js');
  const tag = { DEVPROC_WORKSPACE_TAG: path.basename(workspace) };
  writeSettings({
    'devProcesses.tasks': [
      { name: 'chatty', command: 'node', args: [ticker], env: { TICK_MS: '20', ...tag }, autoStart: true },
      // A tree: the shell and two children, one of them in the background.
      { name: 'pair', command: 'sh', args: ['-c', 'node "$0" & node "$0"; wait', ticker], env: { TICK_MS: '1000', ...tag }, autoStart: true },
    ],
    'devProcesses.reconnectGraceMs': GRACE_MS,
    'devProcesses.logs.directory': '${workspaceFolder}/logs',
  });
  server = await startCodeServer({
    workspace,
    extensionDevelopmentPath: repoRoot(),
    logDir: out,
    settings: UI_SETTINGS,
    // The server keeps an extension host for a browser that went away this long (seconds).
    env: { CODE_SERVER_RECONNECTION_GRACE_TIME: String(SERVER_GRACE_S) },
  });
  const browser = await launchBrowser();
  try {
    const page = await openWorkbench(browser, payloadUrl(server), path.join(out, 'browser-console.log'));
    const { chatty, helper } = await killedHostKeepsChattyService(page);
    await reloadedWindowKeepsMetrics(page, chatty);
    await closedWindowLeavesNothing(page, chatty, helper);
  } finally {
    await browser.close().catch(() => undefined);
  }
}

/** (b): SIGKILL of the extension host; the service writes on and the next window takes it back. */
async function killedHostKeepsChattyService(page: Page): Promise<{ chatty: { pid: number; runId: string }; helper: number }> {
  const started = await until('both services to run (four processes)', () => {
    const found = markedProcesses();
    return found.length >= 4 && found;
  }, 60_000);
  const chatty = await until('the chatty service in the log file', () => {
    const pid = Number(/ticker started \(pid (\d+)\)/.exec(read(logFile()) ?? '')?.[1]);
    return started.find((p) => p.pid === pid);
  }, 30_000);
  // Some of its output in the file before the host goes: the replay repeats it.
  await until('ticks in the log file', () => /^\S+ out tick 20$/m.test(read(logFile()) ?? ''), 30_000);
  const helper = parentOf(chatty.pid);
  const host = extensionHostOf(chatty.pid, server!.userDataDir);
  say(`chatty: pid ${chatty.pid}, run ${chatty.runId}; helper ${helper}; extension host ${host}`);
  process.kill(host, 'SIGKILL');
  await until('the extension host to be gone', () => !alive(host), 10_000);
  const before = written(chatty.pid);
  await sleep(2_000);
  if (!alive(chatty.pid)) throw new Error(`the chatty service (pid ${chatty.pid}) died with the extension host`);
  const after = written(chatty.pid);
  if (!(after > before)) throw new Error(`the chatty service stopped writing without a window (${before} then ${after} bytes written)`);
  say(`no window: the service wrote ${after - before} bytes in 2 s and lives on`);

  const reconnected = new RegExp(`Reconnected after the window reloaded: .*\\(pid ${chatty.pid}\\)`);
  await page.reload();
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await until('the next window to take the service back', () => reconnected.test(read(logFile()) ?? ''), 60_000);
  const recorded = recordedRuns();
  if (recorded.get(chatty.runId) !== chatty.pid) {
    throw new Error(`the records do not hold run ${chatty.runId} with pid ${chatty.pid}: ${JSON.stringify([...recorded])}`);
  }
  const again = markedProcesses().filter((p) => p.runId === chatty.runId);
  if (again.length !== 1 || again[0].pid !== chatty.pid) throw new Error(`run ${chatty.runId} is not the one process ${chatty.pid}: ${JSON.stringify(again)}`);
  say('ok   a killed extension host: the chatty service writes on, and the next window takes it back (same pid and run id)');
  await sleep(1_500);
  checkTicksOnce();
  say('ok   its log file holds each line once: those of the first window, those written without one (replayed), and the live ones');
  return { chatty, helper };
}

/**
 * (c): "Developer: Reload Window" with the services running: the window that goes leaves their
 * metrics history, and the next one's metrics panel shows samples from before it came.
 */
async function reloadedWindowKeepsMetrics(page: Page, chatty: { pid: number; runId: string }): Promise<void> {
  const reconnects = () => (read(logFile()) ?? '').split('Reconnected after the window reloaded').length - 1;
  const before = reconnects();
  // Some seconds of samples (the monitor samples every second) before the reload.
  await sleep(8_000);
  await paletteCommand(page, 'Developer: Reload Window', /Reload Window/);
  await until('the next window to take the service back', () => reconnects() > before, 90_000);
  const back = Date.now();
  const again = markedProcesses().filter((p) => p.runId === chatty.runId);
  if (again.length !== 1 || again[0].pid !== chatty.pid) throw new Error(`after Reload Window, run ${chatty.runId} is not the one process ${chatty.pid}: ${JSON.stringify(again)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await paletteCommand(page, 'Dev Processes: Show Metrics', /Dev Processes: Show Metrics/);
  const app = metricsFrame(page).locator('#app[data-state="ready"]');
  await app.waitFor({ timeout: 30_000 });
  // Samples older than the reload can only have come from the window before.
  const oldest = await poll(async () => Number((await app.getAttribute('data-oldest')) || NaN), (at) => at < back - 5_000).catch((err) => {
    throw new Error(`the metrics panel after the reload shows no sample from before it: ${(err as Error).message}`);
  });
  await page.screenshot({ path: path.join(out, 'metrics-after-reload.png') });
  say(`ok   Reload Window: the service is taken back, and its metrics start ${((back - oldest) / 1000).toFixed(1)} s before the new window took it (screenshot metrics-after-reload.png)`);
  // Back to the editor area's state before: the panel closed.
  await page.keyboard.press('Control+W').catch(() => undefined);
}

/** Every tick of the chatty service in its log file once, none missing: the replay neither repeated nor lost any. */
function checkTicksOnce(): void {
  const ticks = [...(read(logFile()) ?? '').matchAll(/^\S+ out tick (\d+)$/gm)].map((m) => Number(m[1]));
  const wrong = ticks.map((n, i) => [n, i + 1]).filter(([n, i]) => n !== i);
  if (ticks.length === 0 || wrong.length > 0) {
    throw new Error(`the log file's ticks are not 1 to ${ticks.length} once each: line ${wrong[0]?.[1]} says tick ${wrong[0]?.[0]}`);
  }
}

/** (a): the window closed for good; once its host ended and the grace ran out nothing is left. */
async function closedWindowLeavesNothing(page: Page, chatty: { pid: number; runId: string }, helper: number): Promise<void> {
  const runIds = new Set(markedProcesses().map((p) => p.runId));
  const pids = markedProcesses(runIds).map((p) => p.pid);
  if (!pids.includes(chatty.pid)) throw new Error(`the chatty service (pid ${chatty.pid}) is not running before the close`);
  // The grace the window leaves to the helper is the one set when it goes.
  writeSettings({ 'devProcesses.reconnectGraceMs': CLOSE_GRACE_MS });
  await sleep(2_000);
  const host = extensionHostOf(chatty.pid, server!.userDataDir);
  await page.context().close();
  const closed = Date.now();
  await until('the extension host to end', () => !alive(host), 60_000);
  say(`the extension host ended ${((Date.now() - closed) / 1000).toFixed(1)} s after the window closed`);
  await until('every process of the runs and the helper to be gone', () => markedProcesses(runIds).length === 0 && !alive(helper), 30_000).catch((err) => {
    const left = markedProcesses(runIds).map((p) => `${p.pid} (run ${p.runId})`);
    throw new Error(`${(err as Error).message}; left: ${left.join(', ') || 'none'}; helper ${helper} ${alive(helper) ? 'alive' : 'gone'}`);
  });
  say(`ok   the window closed for good: ${pids.length} processes and the helper gone ${((Date.now() - closed) / 1000).toFixed(1)} s after the close`);
}

const overall = setTimeout(() => {
  say(`FAIL overall timeout of ${OVERALL_MS} ms`);
  void finish(1);
}, OVERALL_MS);

async function finish(code: number): Promise<never> {
  clearTimeout(overall);
  await server?.stop().catch((err) => console.error(`sessions: stopping code-server failed: ${err}`));
  if (workspace) {
    // The services' log files, for a look after a failure.
    if (fs.existsSync(path.join(workspace, 'logs'))) fs.cpSync(path.join(workspace, 'logs'), path.join(out, 'logs'), { recursive: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  process.exit(code);
}

run().then(
  () => finish(0),
  (err) => {
    say(`FAIL ${(err as Error).stack ?? err}`);
    if (workspace) say(`log file tail:\n${tail(logFile(), 20)}`);
    return finish(1);
  },
);
