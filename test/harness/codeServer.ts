// Starts a real VS Code (code-server, installed by scripts/install-vscode.sh) and a Chromium to
// drive its web workbench: the desktop VS Code download needs the internet, code-server does not.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.139.1';

/** The repository root: the nearest folder above this file whose package.json is the extension's. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'dev-process-manager') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no dev-process-manager package.json above ${__dirname}`);
    dir = parent;
  }
}

export function codeServerPaths(root = repoRoot()): { node: string; entry: string } {
  const base = path.join(root, '.vscode-test');
  const node = path.join(base, 'node24', 'bin', 'node');
  const entry = path.join(base, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  for (const p of [node, entry]) {
    if (!fs.existsSync(p)) throw new Error(`${p} is missing: run scripts/install-vscode.sh first`);
  }
  return { node, entry };
}

export interface StartOptions {
  /** Folder opened in the workbench. */
  workspace: string;
  /**
   * Only used by payloadUrl(); code-server has no flag for it. One folder only: the workbench reads
   * the payload into a map, so of several extensionDevelopmentPath pairs the last wins. Load more
   * extensions through extensionsDir.
   */
  extensionDevelopmentPath?: string;
  /** Merged over the default user settings. */
  settings?: object;
  /** Where code-server.log goes; a temp folder (removed on stop) when absent. */
  logDir?: string;
  /** Extra environment for the server and so for the extension host. */
  env?: Record<string, string>;
  /** Leave workspace trust on, so the opened folder starts untrusted (restricted mode). */
  untrusted?: boolean;
  /** An extensions dir to use (e.g. with a .vsix installed); kept on stop. A fresh temp one when absent. */
  extensionsDir?: string;
}

export interface CodeServer {
  port: number;
  baseUrl: string;
  workspace: string;
  extensionDevelopmentPath?: string;
  logFile: string;
  /** The server's --user-data-dir (its logs/ holds the extension host's log); removed on stop. */
  userDataDir: string;
  /** The workbench URL for opts.workspace, with extra query parameters. */
  folderUrl(extra?: Record<string, string>): string;
  /** Kills the server's process group and every descendant; safe to call twice. */
  stop(): Promise<void>;
}

/** User settings of every test run; StartOptions.settings is merged over them. */
export const DEFAULT_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  // No chat panel and no agent host/copilot processes: less noise and CPU on small machines.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The fixture workspace sits inside this repo: no "open the parent repository?" toast.
  'git.openRepositoryInParentFolders': 'never',
};

const LISTENING = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//;

export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const { node, entry } = codeServerPaths();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'devproc-cs-'));
  const userData = path.join(tmp, 'user-data');
  const extensions = opts.extensionsDir ?? path.join(tmp, 'extensions');
  const serverTmp = path.join(tmp, 'tmp');
  for (const d of [path.join(userData, 'User'), extensions, serverTmp]) fs.mkdirSync(d, { recursive: true });
  const trust = opts.untrusted
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false }
    : {};
  const settings = { ...DEFAULT_USER_SETTINGS, ...trust, ...opts.settings };
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  // Written up front, or code-server generates one with a password and a fixed port.
  const config = path.join(userData, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');

  const logDir = opts.logDir ?? tmp;
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'code-server.log');
  const log = fs.createWriteStream(logFile);

  const env: NodeJS.ProcessEnv = { ...process.env };
  // Inside a VS Code terminal these would turn code-server into a CLI client of that editor.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  // XDG_*: code-server otherwise writes logs and a config into the home folder.
  Object.assign(
    env,
    { TMPDIR: serverTmp, EXTENSIONS_GALLERY: '{}', XDG_DATA_HOME: path.join(tmp, 'xdg'), XDG_CONFIG_HOME: path.join(tmp, 'xdg') },
    opts.env,
  );

  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.untrusted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', userData,
    '--extensions-dir', extensions,
    '--config', config,
    // Without it the workbench ignores the test payload (extensionDevelopmentPath/extensionTestsPath).
    '--vscode-option', 'enable-smoke-test-driver',
    // Resolving the login shell's environment hangs for 10 s here (bash -ilc never returns).
    '--vscode-option', 'force-disable-user-env',
    opts.workspace,
  ];
  // detached: its own process group, so stop() can take the extension host down with it.
  const child = spawn(node, args, { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killTree(child, exitPromise);
    await new Promise<void>((resolve) => log.end(resolve));
    // The server's own logs (its file watcher, the remote extension host) outlive the run.
    const serverLogs = path.join(userData, 'logs');
    if (opts.logDir && fs.existsSync(serverLogs)) fs.cpSync(serverLogs, path.join(opts.logDir, 'server-logs'), { recursive: true });
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  };

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer) => {
        // Output can still arrive after stop() ended the log.
        if (log.writable) log.write(chunk);
        buffered += chunk.toString();
        const m = LISTENING.exec(buffered);
        if (m) resolve(Number(m[1]));
        if (buffered.length > 1 << 16) buffered = buffered.slice(-4096);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', reject);
      exitPromise.then(() => reject(new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before listening; log: ${logFile}\n${tail(buffered)}`)));
      setTimeout(() => reject(new Error(`code-server did not report its port within 60 s; log: ${logFile}\n${tail(buffered)}`)), 60_000).unref();
    });
  } catch (err) {
    await stop();
    throw err;
  }

  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    port,
    baseUrl,
    workspace: opts.workspace,
    extensionDevelopmentPath: opts.extensionDevelopmentPath,
    logFile,
    userDataDir: userData,
    folderUrl(extra = {}) {
      const q = new URLSearchParams({ folder: opts.workspace, ...extra });
      return `${baseUrl}/?${q.toString()}`;
    },
    stop,
  };
}

/** A vscode-remote URI for a path on the server; its authority must equal the page's host. */
export function remoteUri(port: number, absPath: string): string {
  const p = path.resolve(absPath).split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://127.0.0.1:${port}${p}`;
}

/**
 * The workbench URL that loads the extension under development and, with extensionTestsPath,
 * makes the extension host run that module's run() and report through codeAutomationExit.
 */
export function payloadUrl(
  server: CodeServer,
  opts: { extensionDevelopmentPath?: string; extensionTestsPath?: string } = {},
): string {
  const payload: [string, string][] = [];
  const dev = opts.extensionDevelopmentPath ?? server.extensionDevelopmentPath;
  if (dev) payload.push(['extensionDevelopmentPath', remoteUri(server.port, dev)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(server.port, opts.extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  return server.folderUrl({ payload: JSON.stringify(payload) });
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium floods the closed network with update and sync requests.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Debian's Chromium through playwright-core (never `playwright install`). handleSignals: false when
 * the caller has its own SIGINT/SIGTERM cleanup: Playwright's handlers call process.exit(130).
 */
export async function launchBrowser(opts: { headless?: boolean; handleSignals?: boolean } = {}): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const handle = opts.handleSignals ?? true;
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: opts.headless ?? true,
    args: CHROMIUM_ARGS,
    handleSIGINT: handle,
    handleSIGTERM: handle,
    handleSIGHUP: handle,
  });
}

// --- process cleanup --------------------------------------------------------------------------

interface ProcStat { pid: number; state: string; ppid: number; pgrp: number }

function readProcs(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // comm may contain spaces and parentheses: split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), state: rest[0], ppid: Number(rest[1]), pgrp: Number(rest[2]) });
    } catch {
      // exited while listing
    }
  }
  return out;
}

/** Live (non-zombie) members of the group plus every descendant of root, wherever they moved. */
function liveTree(root: number, known: Set<number>): number[] {
  // Walk from every pid seen so far: after the server dies its children hang off PID 1.
  const procs = readProcs();
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const stack = [...known];
  while (stack.length) {
    const pid = stack.pop()!;
    for (const c of children.get(pid) ?? []) if (!known.has(c)) { known.add(c); stack.push(c); }
  }
  for (const p of procs) if (p.pgrp === root) known.add(p.pid);
  // A zombie counts as gone: PID 1 here reaps orphans slowly.
  const live = new Set(procs.filter((p) => p.state !== 'Z').map((p) => p.pid));
  return [...known].filter((pid) => live.has(pid) && pid !== process.pid);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try { process.kill(pid, sig); } catch { /* already gone */ }
}

/** SIGTERM the group and all recorded descendants (some leave the group), then SIGKILL leftovers. */
async function killTree(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const root = child.pid;
  if (root === undefined) return;
  // Record descendants before the first signal: once the server dies they are reparented to PID 1.
  const known = new Set<number>([root]);
  let pids = liveTree(root, known);
  signal(-root, 'SIGTERM');
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    await sleep(100);
    pids = liveTree(root, known);
    if (pids.length === 0) break;
  }
  if (pids.length) {
    signal(-root, 'SIGKILL');
    for (const pid of pids) signal(pid, 'SIGKILL');
  }
  await Promise.race([exited, sleep(2000)]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(text: string, lines = 20): string {
  return text.split('\n').slice(-lines).join('\n');
}
