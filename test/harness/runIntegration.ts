// Runs the integration suite (out/test/integration/index.js) inside a real VS Code extension host.
//   DEVPROC_VSCODE=code-server (default): offline, code-server + Debian Chromium (scripts/install-vscode.sh).
//   DEVPROC_VSCODE=electron: desktop VS Code via @vscode/test-electron; downloads VS Code, needs
//     the internet and a display (xvfb-run on a headless Linux). DEVPROC_VSCODE_VERSION picks it.
// Other knobs: DEVPROC_TEST_TIMEOUT_MS (default 300000), DEVPROC_TEST_GREP (mocha grep; DEVPROC_TEST_INVERT=1 runs the rest),
// DEVPROC_EXTENSION_PATH (extension folder to load; default the repo root).
// Exits with the suite's code; logs and a failure screenshot go to test-results/integration/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_USER_SETTINGS, launchBrowser, payloadUrl, repoRoot, startCodeServer, type CodeServer } from './codeServer';

const root = repoRoot();
const resultsDir = path.join(root, 'test-results', 'integration');
const testsPath = path.join(root, 'out', 'test', 'integration', 'index.js');
const extensionPath = path.resolve(process.env.DEVPROC_EXTENSION_PATH ?? root);
const timeoutMs = Number(process.env.DEVPROC_TEST_TIMEOUT_MS) || 300_000;
// Set for the extension host; test/integration/index.ts prefixes its console lines with it.
const CONSOLE_MARKER = '@@exthost@@ ';

const cleanups: (() => Promise<void>)[] = [];
let currentPage: Page | undefined;
let cleaning: Promise<void> | undefined;
/** Runs the cleanups once, newest first; later callers wait for the same run. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length) {
      try {
        await cleanups.pop()!();
      } catch (err) {
        console.error('[integration] cleanup:', err);
      }
    }
  })();
  return cleaning;
}

function say(msg: string): void {
  console.log(`[integration] ${msg}`);
}

function checkBuilt(): void {
  const problems: string[] = [];
  if (!fs.existsSync(testsPath)) problems.push(`${path.relative(root, testsPath)} is missing: run node esbuild.js --tests`);
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
  const main = path.join(extensionPath, pkg.main ?? 'extension.js');
  if (!fs.existsSync(main) && !fs.existsSync(`${main}.js`)) problems.push(`${main} is missing: run node esbuild.js`);
  if (problems.length) throw new Error(problems.join('\n'));
}

/** A throwaway copy of the fixture workspace, so tests may edit its settings.json. */
function copyWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devproc-ws-'));
  const ws = path.join(dir, 'workspace');
  fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), ws, { recursive: true });
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return ws;
}

/** DEVPROC_TRUST=untrusted runs the suite's @untrusted tests in a workspace that is not trusted. */
const untrusted = process.env.DEVPROC_TRUST === 'untrusted';

async function runInCodeServer(workspace: string): Promise<number> {
  const started = Date.now();
  // Registered before awaiting, so a signal during start-up still stops what was started.
  const starting = startCodeServer({
    workspace,
    extensionDevelopmentPath: extensionPath,
    logDir: resultsDir,
    env: { DEVPROC_CONSOLE_MARKER: CONSOLE_MARKER, DEVPROC_TRUST: untrusted ? 'untrusted' : 'trusted' },
    untrusted,
  });
  cleanups.push(async () => (await starting.catch(() => undefined))?.stop());
  const server: CodeServer = await starting;
  say(`code-server on ${server.baseUrl} (${Date.now() - started} ms; log: ${path.relative(root, server.logFile)})`);

  // Our signal handlers close it; Playwright's own would exit before the server is stopped.
  const launching = launchBrowser({ handleSignals: false });
  cleanups.push(async () => (await launching.catch(() => undefined))?.close());
  const browser: Browser = await launching;
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });

  let finish!: (code: number) => void;
  let finishedAlready = false;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  // The workbench's log stream: the extension host's console (marked) goes to the terminal, the
  // workbench's own chatter to a file.
  const workbenchLog = fs.createWriteStream(path.join(resultsDir, 'workbench-console.log'));
  cleanups.push(() => new Promise((resolve) => workbenchLog.end(resolve)));
  await context.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    const line = util.format(...(Array.isArray(args) ? args : [args]));
    if (!finishedAlready && line.startsWith(CONSOLE_MARKER)) {
      (type === 'error' || type === 'warn' ? console.error : console.log)(line.slice(CONSOLE_MARKER.length));
    } else if (workbenchLog.writable) {
      workbenchLog.write(`[${type}] ${line}\n`);
    }
  });
  // Called when the extension host exits after run(); logs are the workbench's log files.
  await context.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
    finishedAlready = true;
    for (const l of logs ?? []) {
      const file = path.join(resultsDir, 'vscode-logs', l.relativePath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, l.contents);
    }
    finish(code);
  });

  const page: Page = await context.newPage();
  currentPage = page;
  const browserLog = fs.createWriteStream(path.join(resultsDir, 'browser-console.log'));
  cleanups.push(() => new Promise((resolve) => browserLog.end(resolve)));
  page.on('console', (m) => browserLog.writable && browserLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => browserLog.writable && browserLog.write(`[pageerror] ${e.stack ?? e.message}\n`));

  await page.goto(payloadUrl(server, { extensionDevelopmentPath: extensionPath, extensionTestsPath: testsPath }));
  const code = await finished;
  say(`suite finished in ${((Date.now() - started) / 1000).toFixed(1)} s with code ${code}`);
  return code;
}

async function screenshot(): Promise<void> {
  if (!currentPage) return;
  const shot = path.join(resultsDir, 'failure.png');
  await currentPage.screenshot({ path: shot, timeout: 10_000 }).then(
    () => say(`screenshot: ${path.relative(root, shot)}`),
    (err) => console.error(`[integration] screenshot failed: ${err}`),
  );
}

async function runInElectron(workspace: string): Promise<number> {
  // Same suite and settings, in a downloaded desktop VS Code. A failed download is a failure.
  const { runTests } = await import('@vscode/test-electron');
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'devproc-ud-'));
  cleanups.push(async () => fs.rmSync(userData, { recursive: true, force: true }));
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(DEFAULT_USER_SETTINGS, null, 2));
  try {
    return await runTests({
      version: process.env.DEVPROC_VSCODE_VERSION,
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: testsPath,
      launchArgs: [workspace, '--user-data-dir', userData, '--disable-extensions', '--disable-workspace-trust'],
    });
  } catch (err) {
    console.error('[integration] DEVPROC_VSCODE=electron FAILED (it needs to download VS Code;');
    console.error('[integration] offline, use DEVPROC_VSCODE=code-server):', err);
    return 1;
  }
}

async function main(): Promise<number> {
  const which = process.env.DEVPROC_VSCODE || 'code-server';
  if (which !== 'code-server' && which !== 'electron') {
    console.error(`[integration] DEVPROC_VSCODE must be "code-server" or "electron", not "${which}"`);
    return 2;
  }
  checkBuilt();
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  const workspace = copyWorkspace();
  say(`VS Code: ${which}; extension: ${extensionPath}; workspace copy: ${workspace}`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const run = which === 'electron' ? runInElectron(workspace) : runInCodeServer(workspace);
  const result = await Promise.race([run, timedOut]).finally(() => clearTimeout(timer));
  if (result === 'timeout') console.error(`[integration] TIMEOUT: no result after ${timeoutMs} ms`);
  const code = result === 'timeout' ? 1 : result;
  if (code !== 0) await screenshot();
  return code;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`[integration] ${sig}: stopping`);
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}

main()
  .catch(async (err) => {
    console.error('[integration] ERROR:', err instanceof Error ? err.message : err);
    await screenshot();
    return 1;
  })
  .then(async (code) => {
    await cleanup();
    // Exit explicitly: a stray handle must not keep CI waiting.
    process.exit(code);
  });
