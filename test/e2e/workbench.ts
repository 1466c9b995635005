// What the browser tests (run.ts, vsix.ts) share: a scratch copy of the sample workspace, the
// workbench page, and locators for the Dev Processes view.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, payloadUrl, repoRoot, startCodeServer } from '../harness/codeServer';

/** test-results/<name>, emptied: screenshots and logs of one run. */
export function resultsDir(name: string): string {
  const dir = path.join(repoRoot(), 'test-results', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** User settings for the browser tests: no chat side bar taking a third of each screenshot. */
export const UI_SETTINGS = {
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  // As many users have it: a half-typed settings.json entry is saved, and read, at once.
  'files.autoSave': 'afterDelay',
  'files.autoSaveDelay': 300,
  // The channel steps check the Output panel; the terminal view has steps of its own (Show in Terminal).
  'devProcesses.output.view': 'channel',
  // The DOM renderer: the terminal's text and colours can then be read from the page.
  'terminal.integrated.gpuAcceleration': 'off',
};

/** A fresh copy of test/fixtures/workspace: runs must not write into the repository. */
export function copyWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devproc-ws-'));
  fs.cpSync(path.join(repoRoot(), 'test', 'fixtures', 'workspace'), dir, { recursive: true });
  return dir;
}

/** Opens url and waits for the workbench; browser console errors go to consoleLog. */
export async function openWorkbench(browser: Browser, url: string, consoleLog: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const log = fs.createWriteStream(consoleLog);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log.write(`[${m.type()}] ${m.text()}\n`);
  });
  page.on('pageerror', (e) => log.write(`[pageerror] ${e.stack ?? e.message}\n`));
  page.on('close', () => log.end());
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return page;
}

/** Shows the Dev Processes container from its activity bar icon; returns the sidebar. */
export async function openDevProcessesView(page: Page): Promise<Locator> {
  const icon = page.locator('.activitybar a.action-label[aria-label^="Dev Processes"]');
  // The icon appears once the extension host has read the contributions: allow for a slow start.
  await icon.waitFor({ timeout: 60_000 });
  const sidebar = page.locator('.part.sidebar');
  // A container with a single view shows no pane header; its title reads "Dev Processes: Processes".
  const title = sidebar.locator('.title-label', { hasText: 'Dev Processes' });
  // Clicking an already shown container closes the sidebar, and a reloading workbench may still
  // be restoring it: click only while the view is not shown, and look again after each click.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await title.isVisible()) break;
    const active = await icon.evaluate((a) => a.closest('.action-item')?.classList.contains('checked') ?? false);
    if (!active || attempt > 0) await icon.click();
    await title.waitFor({ timeout: 10_000 }).catch(() => undefined);
  }
  await title.waitFor({ timeout: 30_000 });
  return sidebar;
}

/** The tree row whose label is exactly `label` (a definition name, or "pid N" for a run). */
export function treeRow(sidebar: Locator, label: string): Locator {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return sidebar.locator('.monaco-list-row').filter({ has: sidebar.page().locator('.label-name', { hasText: exact }) });
}

/**
 * Hovers a tree row until a tooltip matching `text` shows, runs `whileShown` (a screenshot), and
 * with `stillAfterMs` checks that it is still up that much later; then moves the pointer away.
 */
export async function checkRowTooltip(page: Page, row: Locator, text: RegExp, what: string, opts: { timeoutMs: number; stillAfterMs?: number; whileShown?: () => Promise<unknown> }): Promise<void> {
  await row.hover({ timeout: opts.timeoutMs });
  const tooltip = page.locator('.workbench-hover, .monaco-hover:not(.hidden)').filter({ hasText: text }).first();
  await tooltip.waitFor({ timeout: opts.timeoutMs }).catch(() => {
    throw new Error(`hovering ${what} showed no tooltip naming it`);
  });
  await opts.whileShown?.();
  if (opts.stillAfterMs) {
    await page.waitForTimeout(opts.stillAfterMs);
    if (!(await tooltip.isVisible())) throw new Error(`the tooltip of ${what} closed within ${opts.stillAfterMs} ms: the row was redrawn under the hover`);
  }
  await page.locator('.part.editor').hover();
  await tooltip.waitFor({ state: 'hidden', timeout: opts.timeoutMs }).catch(() => undefined);
}

/** The text of a row's description ("running · pid 12 · up 3 s"), for messages. */
export async function rowDescription(row: Locator): Promise<string> {
  return (await row.locator('.label-description').first().textContent({ timeout: 2_000 }).catch(() => null)) ?? '(none)';
}

export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(no log at ${file}: ${(err as Error).message})`;
  }
}

/** The themes the screenshots for a person are taken in: [file name part, theme]. */
export const SCREENSHOT_THEMES = [
  ['dark', 'Default Dark Modern'],
  ['light', 'Default Light Modern'],
] as const;

/**
 * Runs `body` once per screenshot theme, each time in a fresh workspace copy (from
 * `makeWorkspace`), code-server and browser, all gone afterwards.
 */
export async function inEachTheme(out: string, makeWorkspace: () => string, body: (page: Page, slug: string, theme: string) => Promise<void>): Promise<void> {
  for (const [slug, theme] of SCREENSHOT_THEMES) {
    const workspace = makeWorkspace();
    const server = await startCodeServer({
      workspace,
      extensionDevelopmentPath: repoRoot(),
      logDir: path.join(out, slug),
      settings: { ...UI_SETTINGS, 'workbench.colorTheme': theme },
    });
    const browser = await launchBrowser();
    try {
      await body(await openWorkbench(browser, payloadUrl(server), path.join(out, `${slug}-browser-console.log`)), slug, theme);
    } finally {
      await browser.close().catch(() => undefined);
      await server.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }
}

/** Runs `main` when `file` (e.g. "metrics.js") is the entry point, not when bundled into run.js. */
export function runWhenEntry(file: string, what: string, main: () => Promise<void>): void {
  if (path.basename(process.argv[1] ?? '') !== file) return;
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(`${what} FAILED: ${(err as Error).stack ?? err}`);
      process.exit(1);
    },
  );
}
