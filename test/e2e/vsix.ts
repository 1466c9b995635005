// Proves the packaged .vsix installs into a fresh code-server and activates: the Dev Processes
// view lists the sample workspace's definitions, which only happens once activate() ran; and the
// node-pty it ships (dist/node-pty) loads and opens a terminal with code-server's own Node.
// Usage: node out/test/e2e/vsix.js [path/to.vsix]   (default dist-vsix/dev-process-manager.vsix)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { codeServerPaths, launchBrowser, repoRoot, startCodeServer, type CodeServer } from '../harness/codeServer';
import { copyWorkspace, openDevProcessesView, openWorkbench, resultsDir, tail, treeRow, UI_SETTINGS } from './workbench';

const OVERALL_MS = Number(process.env.VSIX_TIMEOUT_MS) || 180_000;

const temps: string[] = [];
let server: CodeServer | undefined;
let browser: Browser | undefined;
let currentPage: Page | undefined;
let out = '';

function scratch(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

let exiting: Promise<never> | undefined;

/** Stops server and browser, removes scratch folders, exits. The first caller wins. */
function finish(code: number): Promise<never> {
  exiting ??= (async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop().catch((err) => console.error(`vsix: stopping code-server failed: ${err}`));
    for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
    process.exit(code);
  })();
  return exiting;
}

/** code-server --install-extension into extDir; the CLI prints an error and exits 0 on some failures. */
function install(vsix: string, extDir: string): string {
  const { node, entry } = codeServerPaths();
  const home = scratch('devproc-vsix-home-');
  const env: NodeJS.ProcessEnv = { ...process.env, EXTENSIONS_GALLERY: '{}', XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, TMPDIR: home };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  const args = [entry, '--install-extension', vsix, '--extensions-dir', extDir, '--user-data-dir', path.join(home, 'user-data')];
  const r = spawnSync(node, args, { env, encoding: 'utf8', timeout: 120_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`--install-extension failed (exit ${r.status ?? r.signal}):\n${output}`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
  const installed = path.join(extDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase());
  for (const f of ['package.json', pkg.main as string]) {
    if (!fs.existsSync(path.join(installed, f))) throw new Error(`installed, but ${path.join(installed, f)} is missing:\n${output}`);
  }
  return output.split('\n').filter(Boolean).pop() ?? output;
}

/** The installed extension's node-pty, in a Node of code-server's own: the program it starts sees a terminal. */
function checkShippedPty(extDir: string): string {
  const [installed] = fs.readdirSync(extDir).filter((d) => d.startsWith('devprocs.'));
  const module = path.join(extDir, installed, 'dist', 'node-pty');
  const script = `require(${JSON.stringify(module)}).spawn('/bin/sh', ['-c', 'test -t 1 && echo tty-ok'], {}).onData((d) => process.stdout.write(d))`;
  const r = spawnSync(codeServerPaths().node, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  if (!/tty-ok/.test(r.stdout ?? '')) throw new Error(`the shipped node-pty did not give a terminal (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return `the shipped node-pty opens a terminal (${module})`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const root = repoRoot();
  const vsix = path.resolve(process.argv[2] ?? path.join(root, 'dist-vsix', 'dev-process-manager.vsix'));
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run scripts/package.sh first`);
  out = resultsDir('vsix');

  const extDir = scratch('devproc-vsix-ext-');
  console.log(`vsix: ${install(vsix, extDir)}`);
  console.log(`vsix: ${checkShippedPty(extDir)}`);

  const workspace = copyWorkspace();
  temps.push(workspace);
  // No extensionDevelopmentPath: the only copy of the extension is the installed one.
  server = await startCodeServer({ workspace, extensionsDir: extDir, logDir: out, settings: UI_SETTINGS });
  browser = await launchBrowser();
  currentPage = await openWorkbench(browser, server.folderUrl(), path.join(out, 'browser-console.log'));
  const sidebar = await openDevProcessesView(currentPage);
  await treeRow(sidebar, 'ticker').waitFor({ timeout: 60_000 });
  await currentPage.screenshot({ path: path.join(out, '01-installed-view.png') });
  console.log(`vsix: view lists the sample definitions (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function fail(reason: string): Promise<never> {
  if (exiting) return exiting;
  console.log(`vsix: FAILED: ${reason}`);
  // `out` is set once this run has its own results folder (and so its own server log).
  if (out && fs.existsSync(path.join(out, 'code-server.log'))) console.log(`vsix: code-server log tail:\n${tail(path.join(out, 'code-server.log'))}`);
  if (out) await currentPage?.screenshot({ path: path.join(out, 'FAILED.png') }).catch(() => undefined);
  return finish(1);
}

const overall = setTimeout(() => void fail(`overall timeout of ${OVERALL_MS} ms`), OVERALL_MS);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => void finish(130));
}

main().then(
  () => {
    clearTimeout(overall);
    if (exiting) return exiting;
    console.log('vsix: installed and activated');
    return finish(0);
  },
  (err: Error) => {
    clearTimeout(overall);
    return fail(err.message);
  },
);
