// End-to-end: a browser drives the real workbench (code-server + Chromium) the way a person would,
// with the extension loaded from this checkout (build it first: node esbuild.js).
// Usage: node out/test/e2e/run.js   (env E2E_TIMEOUT_MS: overall limit, default 420000)
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, payloadUrl, repoRoot, startCodeServer, type CodeServer } from '../harness/codeServer';
import { hideAndShowMetrics, metricsTabs, openAndCheckMetrics, paletteCommand, poll } from './metrics';
import { extensionHostOf } from './extensionHost';
import { checkColouredTerminal } from './terminal';
import { checkRowTooltip, copyWorkspace, openDevProcessesView, openWorkbench, resultsDir, rowDescription, tail, treeRow, UI_SETTINGS } from './workbench';

const OVERALL_MS = Number(process.env.E2E_TIMEOUT_MS) || 420_000;
// Generous: a busy 2-core machine can take seconds to redraw the tree.
const WAIT_MS = 30_000;

interface Step {
  name: string;
  /** Indexes of earlier steps this one builds on; it is not tried when one of them failed. */
  needs: number[];
  run: () => Promise<void>;
}

let server: CodeServer | undefined;
let browser: Browser | undefined;
let workspace: string | undefined;
/** For failure screenshots outside main(). */
let currentPage: Page | undefined;
// For the summary line when the overall timeout cuts the run short.
let planned = 1;
let passed = 0;
/** Set once the run is being cut short: later lines from the abandoned steps would only confuse. */
let quiet = false;
let exiting: Promise<never> | undefined;

/** What became of a run across a reload, from its row: taken back (running, same pid), adopted, or unknown. */
function fateOf(description: string, pid: number): 'taken back' | 'adopted' | 'unknown' {
  if (/adopted/.test(description)) return 'adopted';
  return /running/.test(description) && new RegExp(`\\bpid ${pid}\\b`).test(description) ? 'taken back' : 'unknown';
}

function say(line: string): void {
  if (!quiet) console.log(line);
}

/** Prints the one summary line, stops server and browser, exits. The first caller wins. */
function finish(code: number, failed: number): Promise<never> {
  exiting ??= (async () => {
    quiet = true;
    console.log(`e2e: ${passed} passed, ${failed} failed`);
    await browser?.close().catch(() => undefined);
    await server?.stop().catch((err) => console.error(`e2e: stopping code-server failed: ${err}`));
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
    process.exit(code);
  })();
  return exiting;
}

async function failureShot(name: string): Promise<void> {
  await currentPage?.screenshot({ path: path.join(repoRoot(), 'test-results', 'e2e', name) }).catch(() => undefined);
}

/** Runs the steps; resolves to the number that failed. */
async function main(): Promise<number> {
  const started = Date.now();
  const root = repoRoot();
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `node esbuild.js` first');
  }
  const out = resultsDir('e2e');
  const serverLog = path.join(out, 'code-server.log');
  workspace = copyWorkspace();
  // A reload after a killed extension host (test 13) takes a busy machine longer than the default
  // grace: past it the helper stops "echo" before the next window can take it back.
  const settings = { ...UI_SETTINGS, 'devProcesses.reconnectGraceMs': 90_000 };
  server = await startCodeServer({ workspace, extensionDevelopmentPath: root, logDir: out, settings });
  browser = await launchBrowser();
  const page = await openWorkbench(browser, payloadUrl(server), path.join(out, 'browser-console.log'));
  currentPage = page;
  say(`e2e: workbench up in ${((Date.now() - started) / 1000).toFixed(1)} s (${server.baseUrl})`);

  const shot = (n: number, name: string) => page.screenshot({ path: path.join(out, `${String(n).padStart(2, '0')}-${name}.png`) });
  let sidebar: Locator | undefined;
  const view = () => sidebar!;

  const steps: Step[] = [
    {
      name: 'the Dev Processes view lists the definitions from settings.json',
      needs: [],
      run: async () => {
        sidebar = await openDevProcessesView(page);
        for (const name of ['ticker', 'echo', 'build', 'fails']) await treeRow(view(), name).waitFor({ timeout: WAIT_MS });
        // A definition's tooltip is made only when its row is hovered (resolveTreeItem): it must still come.
        await checkRowTooltip(page, treeRow(view(), 'build'), /build \(job\)/, 'the "build" row', { timeoutMs: WAIT_MS, whileShown: () => shot(1, 'view') });
      },
    },
    {
      name: 'start "ticker" from the command palette (Dev Processes: Start...)',
      needs: [0],
      run: async () => {
        await paletteCommand(page, 'Dev Processes: Start', /Dev Processes: Start\.\.\./);
        // Second quick pick: the definitions plus "Run a command line...".
        const pick = page.locator('.quick-input-widget');
        // The list draws only the rows in view: "Run a command line..." comes last, so filter to it.
        const filter = pick.locator('input');
        await filter.fill('command line');
        await pick.locator('.quick-input-list .monaco-list-row', { hasText: 'Run a command line' }).waitFor({ timeout: WAIT_MS });
        await filter.fill('');
        await pick.locator('.quick-input-list .monaco-list-row', { hasText: 'ticker' }).first().waitFor({ timeout: WAIT_MS });
        await shot(2, 'pick-definition');
        await pick.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^\s*ticker\s*$/ }) }).click();
        await pick.waitFor({ state: 'hidden', timeout: WAIT_MS });
      },
    },
    {
      name: 'the "ticker" row says running, with its run ("pid N") below it',
      needs: [1],
      run: async () => {
        const row = treeRow(view(), 'ticker');
        await waitForRow(row, /running · up .+ · pid \d+/, 'ticker');
        // What moves without an event is redrawn by the view's ticker: the monitor's usage, the uptime.
        await waitForRow(row, /running · up .+ · \d+(\.\d)?% CPU · [\d.]+ MiB/, 'ticker');
        const said = await rowDescription(row);
        await poll(() => rowDescription(row), (now) => now !== said).catch((err) => {
          throw new Error(`the "ticker" row did not move from "${said}": ${(err as Error).message}`);
        });
        // The tree keeps a row's first expand state: a row first seen without runs stays collapsed.
        if ((await row.getAttribute('aria-expanded')) === 'false') {
          say('note: the "ticker" row stayed collapsed after its first run; expanding it by hand');
          await row.locator('.monaco-tl-twistie').click();
        }
        await view().locator('.monaco-list-row .label-name', { hasText: /^\s*pid \d+\s*$/ }).first().waitFor({ timeout: WAIT_MS });
        await shot(3, 'ticker-running');
        // Its uptime and usage move every second, and a redraw closes a hover: the hovered row holds still.
        await checkRowTooltip(page, row, /ticker \((service|job)\)/, 'the running "ticker" row', { timeoutMs: WAIT_MS, stillAfterMs: 2500 });
      },
    },
    {
      name: 'the row\'s Show Output button opens "Dev Processes: ticker" with ticker lines',
      needs: [2],
      run: async () => {
        await clickRowAction(treeRow(view(), 'ticker'), 'Show Output');
        // The channel picker is a <select>: its option text is not "visible" text.
        await poll(() => selectedChannel(page), (c) => c === 'Dev Processes: ticker').catch((err) => {
          throw new Error(`the Output panel does not show "Dev Processes: ticker": ${(err as Error).message}`);
        });
        const editor = page.locator('.part.panel .monaco-editor');
        // Only the visible lines are in the DOM, and the panel follows the end of the stream.
        const lastTick = async () => {
          const lines = await editor.locator('.view-line').allTextContents();
          const ticks = lines.map((l) => /^tick\s(\d+)$/.exec(l.replace(/\u00a0/g, ' ').trim())?.[1]).filter(Boolean);
          return ticks.length ? Math.max(...ticks.map(Number)) : -1;
        };
        const panelText = async () => JSON.stringify((await editor.locator('.view-lines').innerText().catch(() => '')).replace(/\u00a0/g, ' ').slice(-300));
        const first = await poll(lastTick, (n) => n >= 1).catch(async () => {
          throw new Error(`no "tick N" line in the output panel; it shows ${await panelText()}`);
        });
        await poll(lastTick, (n) => n > first).catch(async () => {
          throw new Error(`the output stopped at tick ${first}; it shows ${await panelText()}`);
        });
        // Back to the top: the system line that says what was started, where.
        // A hover left over from the row's button can sit on the panel for a moment: if the click
        // cannot land, put the focus in the editor directly.
        await editor.locator('.view-lines').click({ timeout: 5_000 }).catch(() =>
          editor.locator('textarea, .native-edit-context, [tabindex="0"]').first().focus(),
        );
        await page.keyboard.press('Control+Home');
        // The panel wraps long lines: look at the text with the wraps taken out.
        const top = async () => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ').replace(/\n/g, '');
        await poll(top, (t) => /Started: node \S*ticker\.js \(pid \d+\)/.test(t)).catch(async () => {
          throw new Error(`no "Started: node ... ticker.js (pid N)" line at the top of the output; it shows ${await panelText()}`);
        });
        await shot(4, 'ticker-output');
      },
    },
    {
      name: 'the row\'s Stop button stops "ticker" and the row says terminated',
      needs: [2],
      run: async () => {
        const row = treeRow(view(), 'ticker');
        await clickRowAction(row, 'Stop');
        await waitForRow(row, /terminated/, 'ticker');
        await shot(5, 'ticker-stopped');
      },
    },
    {
      name: 'the "build" row\'s Start button runs the job to completed · exit 0',
      needs: [0],
      run: async () => {
        const row = treeRow(view(), 'build');
        await clickRowAction(row, 'Start');
        await waitForRow(row, /completed · exit 0/, 'build');
        await shot(6, 'build-completed');
      },
    },
    {
      name: 'Dev Processes: Show Metrics opens the chart panel while "ticker" runs, and it draws',
      needs: [0],
      run: async () => {
        const row = treeRow(view(), 'ticker');
        if (!/^running/.test(await rowDescription(row))) {
          await clickRowAction(row, 'Start');
          await waitForRow(row, /running/, 'ticker');
        }
        const result = await openAndCheckMetrics(page, 'ticker');
        await shot(7, 'metrics');
        if (!result.monitoring) say('note: the extension has no monitor yet: checked that the panel opens and draws its axes, not a line');
      },
    },
    {
      name: 'the metrics panel draws again after being hidden and shown; Show Metrics reveals the same panel',
      needs: [6],
      run: async () => {
        await hideAndShowMetrics(page);
        await shot(8, 'metrics-shown-again');
      },
    },
    {
      name: 'the status bar counts the failed "fails" job in red; clicking it lists the failure, picking it shows the output',
      needs: [0],
      run: async () => {
        // The metrics webview lies over the editor area and would take the hovers below.
        await paletteCommand(page, 'View: Close All Editors', /View: Close All Editors(?! in)/);
        await metricsTabs(page).first().waitFor({ state: 'detached', timeout: WAIT_MS });
        const row = treeRow(view(), 'fails');
        await clickRowAction(row, 'Start');
        await waitForRow(row, /failed/, 'fails');
        const item = page.locator('.part.statusbar .statusbar-item').filter({ has: page.locator('[aria-label^="Dev Processes:"]') }).first();
        const label = () => item.locator('[aria-label^="Dev Processes:"]').first().getAttribute('aria-label').then((l) => l ?? '');
        await poll(label, (l) => /\b1 failed\b/.test(l)).catch((err) => {
          throw new Error(`the status bar item never said "1 failed": ${(err as Error).message}`);
        });
        const classes = (await item.getAttribute('class')) ?? '';
        if (!/\berror-kind\b/.test(classes)) throw new Error(`the status bar item is not in the error colour (class "${classes}")`);
        await item.click();
        const failure = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'fails' }).first();
        await failure.waitFor({ timeout: WAIT_MS });
        await shot(9, 'show-alerts');
        await failure.click({ timeout: WAIT_MS });
        await poll(() => selectedChannel(page), (c) => c === 'Dev Processes: fails').catch((err) => {
          throw new Error(`picking the failure did not show "Dev Processes: fails": ${(err as Error).message}`);
        });
      },
    },
    {
      name: 'a half-typed settings.json entry (autosave on) keeps the definitions and the running "ticker", says where it breaks, offers no Stop',
      needs: [0],
      run: async () => {
        await paletteCommand(page, 'View: Close All Editors', /View: Close All Editors(?! in)/);
        const ticker = treeRow(view(), 'ticker');
        if (!/^running/.test(await rowDescription(ticker))) {
          await clickRowAction(ticker, 'Start');
          await waitForRow(ticker, /running/, 'ticker');
        }
        const settingsFile = path.join(workspace!, '.vscode', 'settings.json');
        const original = fs.readFileSync(settingsFile, 'utf8');
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').fill('.vscode/settings.json');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'settings.json' }).first().click({ timeout: WAIT_MS });
        const editor = page.locator('.part.editor .monaco-editor').first();
        await editor.waitFor({ timeout: WAIT_MS });
        await editor.locator('.view-lines').click();
        // Line 2 opens the tasks array: start a new entry there and stop mid-word, as a person typing does.
        await page.keyboard.press('Control+G');
        await page.keyboard.type('2');
        await page.keyboard.press('Enter');
        await page.keyboard.press('End');
        await page.keyboard.press('Enter');
        await page.keyboard.type('{ "na', { delay: 60 });
        await page.keyboard.press('Escape');
        await poll(async () => fs.readFileSync(settingsFile, 'utf8') !== original, Boolean).catch(() => {
          throw new Error('autosave did not write the half-typed entry to settings.json');
        });
        const problem = view().locator('.monaco-list-row', { hasText: /settings\.json has a syntax error \(line \d+\)/ });
        await problem.first().waitFor({ timeout: WAIT_MS }).catch(() => {
          throw new Error('no "settings.json has a syntax error (line N)" row in the view');
        });
        // Give a wrong notification time to show up.
        await new Promise((r) => setTimeout(r, 2_000));
        await shot(10, 'settings-syntax-error');
        for (const name of ['ticker', 'echo', 'build', 'fails', 'hog', 'streams']) await treeRow(view(), name).waitFor({ timeout: 5_000 });
        const description = await rowDescription(ticker);
        if (!/^running/.test(description) || /removed/.test(description)) throw new Error(`the running "ticker" row says: ${description}`);
        const stop = page.locator('.notifications-toasts .monaco-button', { hasText: /^Stop It$/ });
        if (await stop.count()) throw new Error('a notification offers "Stop It" because of a syntax error');
        const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
        const syntaxToasts = toasts.filter((t) => /syntax error/.test(t));
        if (syntaxToasts.length > 1) throw new Error(`the syntax error was notified ${syntaxToasts.length} times: ${syntaxToasts.join(' | ')}`);
        // Put the file back as it was; the editor follows the file on disk.
        await paletteCommand(page, 'View: Close All Editors', /View: Close All Editors(?! in)/);
        fs.writeFileSync(settingsFile, original);
        await problem.first().waitFor({ state: 'detached', timeout: WAIT_MS }).catch(() => {
          throw new Error('the syntax error row stayed after settings.json was fixed');
        });
        await clickRowAction(ticker, 'Stop');
        await waitForRow(ticker, /terminated/, 'ticker');
      },
    },
    {
      name: 'a short job writing to both streams: the output panel shows Started first, its lines in order, the exit last',
      needs: [0],
      run: async () => {
        const row = treeRow(view(), 'streams');
        await clickRowAction(row, 'Start');
        await waitForRow(row, /completed · exit 0/, 'streams');
        await clickRowAction(row, 'Show Output');
        await poll(() => selectedChannel(page), (c) => c === 'Dev Processes: streams').catch((err) => {
          throw new Error(`the Output panel does not show "Dev Processes: streams": ${(err as Error).message}`);
        });
        const editor = page.locator('.part.panel .monaco-editor');
        // Lines in the order they are drawn (by their top), not the order of the DOM.
        const lines = () =>
          editor.locator('.view-line').evaluateAll((els) =>
            els
              .map((el) => ({ top: parseFloat((el as unknown as { style: { top: string } }).style.top) || 0, text: (el.textContent ?? '').replace(/\u00a0/g, ' ') }))
              .sort((a, b) => a.top - b.top)
              .map((l) => l.text),
          );
        const expected = [/Started: sh -c /, /^alpha$/, /^\[stderr\] beta$/, /^gamma$/, /"streams" exited with code 0/];
        // A long line wraps: its continuation matches none of these and is left out.
        const matches = (shown: string[]) => {
          const order = shown.map((l) => expected.findIndex((re) => re.test(l.trim()))).filter((i) => i >= 0);
          return order.length === expected.length && order.every((i, at) => i === at);
        };
        await poll(lines, matches).catch(async () => {
          throw new Error(`the output panel shows, in this order: ${JSON.stringify(await lines())}`);
        });
        await shot(11, 'streams-output');
      },
    },
    {
      name: 'reloading the window with "echo" running leaves no unknown process: it is taken back, stopped, or adopted',
      needs: [0],
      run: async () => {
        await paletteCommand(page, 'View: Close All Editors', /View: Close All Editors(?! in)/);
        const pid = await startAndReadPid(view(), 'echo');
        await paletteCommand(page, 'Developer: Reload Window', /Developer: Reload Window/);
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        sidebar = await openDevProcessesView(page);
        const row = treeRow(view(), 'echo');
        await row.waitFor({ timeout: WAIT_MS });
        const fate = await poll(
          async () => (processGone(pid) ? 'stopped' : fateOf(await rowDescription(row), pid)),
          (f) => f !== 'unknown',
        ).catch(() => {
          throw new Error(`pid ${pid} still runs after the reload and the tree shows it neither taken back nor adopted`);
        });
        say(`note: after the reload, "echo" (pid ${pid}) was ${fate}`);
        await shot(12, 'after-reload');
      },
    },
    {
      name: 'after the extension host is killed, the next window takes back (or adopts) the running "echo", and Stop stops it',
      needs: [0],
      run: async () => {
        const row = treeRow(view(), 'echo');
        if (/running/.test(await rowDescription(row))) await clickRowAction(row, 'Stop');
        const pid = await startAndReadPid(view(), 'echo');
        // Its parent is the launcher helper, whose parent is the extension host (or was: a helper
        // taken back after the reload above outlived the window that started it).
        process.kill(extensionHostOf(pid, server!.userDataDir), 'SIGKILL');
        // The web workbench does not restart a crashed remote extension host: reload, as a user would.
        await paletteCommand(page, 'Developer: Reload Window', /Developer: Reload Window/);
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        sidebar = await openDevProcessesView(page);
        // The launcher helper keeps its children for the reconnect grace: the next window takes
        // them back; were the helper gone too, the records would adopt them.
        await poll(() => rowDescription(treeRow(view(), 'echo')), (d) => fateOf(d, pid) !== 'unknown').catch(async () => {
          throw new Error(`"echo" was neither taken back nor adopted after the crash; its row says: ${await rowDescription(treeRow(view(), 'echo'))}`);
        });
        if (processGone(pid)) throw new Error(`pid ${pid} died with the extension host; the test proves nothing`);
        await shot(13, 'adopted');
        await clickRowAction(treeRow(view(), 'echo'), 'Stop');
        await poll(async () => processGone(pid), Boolean).catch(() => {
          throw new Error(`pid ${pid} still runs after Stop on the adopted row`);
        });
      },
    },
    {
      name: 'a service over its memory limit raises an alert the status bar shows; it resolves once stopped',
      needs: [0],
      run: async () => {
        const item = page.locator('.part.statusbar [aria-label^="Dev Processes:"]').first();
        const label = () => item.getAttribute('aria-label').then((l) => l ?? '');
        const row = treeRow(view(), 'hog');
        await clickRowAction(row, 'Start');
        await poll(label, (l) => /\b[1-9]\d* active alerts?\b/.test(l)).catch((err) => {
          throw new Error(`the status bar never counted the memory alert: ${(err as Error).message}`);
        });
        await shot(14, 'memory-alert');
        await clickRowAction(row, 'Stop');
        await poll(label, (l) => /\b0 active alerts\b/.test(l)).catch((err) => {
          throw new Error(`the alert did not resolve after the stop: ${(err as Error).message}`);
        });
      },
    },
    ...(await import('./tree')).treeSteps(page, view, (name) => page.screenshot({ path: path.join(out, `tree-${name}.png`) })),
    {
      name: 'the "colors" row\'s Show in Terminal button opens "Dev Processes: colors" with its colours and its progress bar',
      needs: [0],
      run: async () => {
        await startAndReadPid(view(), 'colors');
        await clickRowAction(treeRow(view(), 'colors'), 'Show in Terminal');
        // The progress bar redraws one line with \r: only its last state stays, as in any terminal.
        await checkColouredTerminal(page, 'Dev Processes: colors', /building \[#{20}\] 100%\s+ready in 1\.0 s/, 3);
        await shot(15, 'terminal-colors');
      },
    },
  ];

  planned = steps.length;
  const failed = new Set<number>();
  for (const [i, step] of steps.entries()) {
    const label = `${i + 1} - ${step.name}`;
    const missing = step.needs.filter((n) => failed.has(n));
    if (missing.length) {
      failed.add(i);
      say(`FAIL ${label}: not tried, step ${missing.map((n) => n + 1).join(', ')} failed`);
      continue;
    }
    const t0 = Date.now();
    try {
      await step.run();
      passed++;
      say(`ok   ${label} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed.add(i);
      // Playwright's call log says why an element never became usable (hidden, covered, detached).
      const message = (err as Error).message.replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 8).join('\n    ');
      say(`FAIL ${label}: ${message}`);
      await failureShot(`${String(i + 1).padStart(2, '0')}-FAILED.png`);
      await reportAndDismissDialog(page);
    }
  }

  // Toasts a user would see (errors from the extension, for one); printed, not judged.
  const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents().catch(() => []);
  for (const t of toasts) say(`e2e: notification shown: ${t}`);

  if (failed.size) {
    say(`e2e: screenshots and logs in ${path.relative(root, out)}/; code-server log tail:\n${tail(serverLog)}`);
  }
  say(`e2e: took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failed.size;
}

/** Starts a definition from its row's inline action and returns the pid its row shows. */
async function startAndReadPid(sidebar: Locator, name: string): Promise<number> {
  const row = treeRow(sidebar, name);
  await clickRowAction(row, 'Start');
  await waitForRow(row, /running · .*pid \d+/, name);
  return Number(/pid (\d+)/.exec(await rowDescription(row))![1]);
}

/** Gone: no /proc entry, or a zombie. */
function processGone(pid: number): boolean {
  try {
    return /\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return true;
  }
}

/** A modal error dialog blocks every later click: print what it says and close it. */
async function reportAndDismissDialog(page: Page): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box');
  if (!(await dialog.isVisible().catch(() => false))) return;
  const text = (await dialog.innerText().catch(() => '')).replace(/\s*\n\s*/g, ' | ');
  say(`    dialog on screen: ${text}`);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
}


/** The channel chosen in the Output panel's picker. */
async function selectedChannel(page: Page): Promise<string> {
  const picker = page.locator('.part.panel select.monaco-select-box').first();
  return (await picker.evaluate((el: { selectedOptions?: ArrayLike<{ text: string }> }) => el.selectedOptions?.[0]?.text ?? '', undefined, { timeout: 2_000 }).catch(() => '')).trim();
}

/** Inline actions only show on hover: hover the row, then click the action by its title. */
async function clickRowAction(row: Locator, title: string): Promise<void> {
  const page = row.page();
  const until = Date.now() + WAIT_MS;
  for (;;) {
    // A row's tooltip from an earlier hover can cover the rows below it: move away until it closes.
    await page.locator('.part.editor').hover();
    await page.locator('.workbench-hover, .monaco-hover:not(.hidden)').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    await row.hover({ timeout: WAIT_MS });
    try {
      await row.locator(`.actions .action-label[aria-label^="${title}"]`).click({ timeout: 3_000 });
      return;
    } catch (err) {
      // The rows moved under the pointer (one above expanded or collapsed): its actions hid. Hover again.
      if (Date.now() > until) throw err;
    }
  }
}

async function waitForRow(row: Locator, text: RegExp, name: string): Promise<void> {
  try {
    await row.filter({ hasText: text }).waitFor({ timeout: WAIT_MS });
  } catch {
    throw new Error(`row "${name}" never matched ${text}; it says: ${await rowDescription(row)}`);
  }
}

const overall = setTimeout(() => {
  say(`FAIL e2e: overall timeout of ${OVERALL_MS} ms`);
  say(`e2e: code-server log tail:\n${tail(path.join(repoRoot(), 'test-results', 'e2e', 'code-server.log'))}`);
  quiet = true;
  void failureShot('timeout-FAILED.png').finally(() => finish(1, Math.max(planned - passed, 1)));
}, OVERALL_MS);

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => void finish(130, Math.max(planned - passed, 1)));
}

main().then(
  (failed) => {
    clearTimeout(overall);
    return finish(failed ? 1 : 0, failed);
  },
  async (err) => {
    // Setup failed (server, browser, workbench): no step could run.
    clearTimeout(overall);
    say(`FAIL e2e setup: ${(err as Error).stack ?? err}`);
    await failureShot('setup-FAILED.png');
    say(`e2e: code-server log tail:\n${tail(path.join(repoRoot(), 'test-results', 'e2e', 'code-server.log'))}`);
    return finish(1, Math.max(planned - passed, 1));
  },
);
