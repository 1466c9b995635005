// End-to-end look at the "All Processes" log view (Dev Processes: Show All Processes Log): two
// services write, the view shows their lines merged with coloured prefixes, then a regex search
// filters them. Run alone (build first: node esbuild.js && node esbuild.js --tests):
//   node out/test/e2e/logs.js   -> test-results/e2e-logs/logs-{dark,light}{,-all}.png
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { metricsFrame as webviewFrame, paletteCommand, poll } from './metrics';
import { copyWorkspace, inEachTheme, openDevProcessesView, resultsDir, runWhenEntry, treeRow } from './workbench';

const WAIT_MS = 30_000;
const SEARCH = String.raw`tick [2-4]$|POST|WARN|<script>`;

/** The sample workspace with "ticker" and "api" starting by themselves, lines timed. */
function logsWorkspace(): string {
  const workspace = copyWorkspace();
  const file = path.join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as { 'devProcesses.tasks': Record<string, unknown>[] } & Record<string, unknown>;
  const tasks = settings['devProcesses.tasks'];
  const ticker = tasks.find((t) => t.name === 'ticker')!;
  Object.assign(ticker, { autoStart: true, env: { TICK_MS: '400' } });
  tasks.push({ name: 'api', kind: 'service', command: 'node', args: ['${workspaceFolder}/scripts/api.js'], autoStart: true });
  settings['devProcesses.output.timestamps'] = 'time';
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  return workspace;
}

/** The page's DOM types are not in this project's lib: what is used. */
type Styles = { getComputedStyle(e: unknown): { color: string } };

async function count(frame: FrameLocator, what: 'lines' | 'matches'): Promise<number> {
  return Number(await frame.locator('#app').getAttribute(`data-${what}`));
}

/** Opens the view, checks what it shows unfiltered and filtered, screenshots both. */
export async function checkLogView(page: Page, shot: (name: string) => Promise<unknown>): Promise<string> {
  await paletteCommand(page, 'Dev Processes: Show All Processes Log', /Show All Processes Log/);
  const frame = webviewFrame(page);
  await frame.locator('#app[data-state="ready"]').waitFor({ timeout: WAIT_MS });
  await poll(() => count(frame, 'lines'), (n) => n >= 24);
  for (const name of ['ticker', 'api']) await frame.locator('.row .name', { hasText: new RegExp(`^${name}$`) }).first().waitFor({ timeout: WAIT_MS });
  // Read from the name chips (same colour classes as the prefixes): rows are redrawn as lines arrive.
  const colorOf = (name: string) => frame.locator('.names .chip', { hasText: new RegExp(`^${name}$`) }).first().evaluate((e) => (globalThis as unknown as Styles).getComputedStyle(e).color).catch(() => '');
  const colors = await poll(() => Promise.all(['ticker', 'api'].map(colorOf)), (c) => c.every((x) => x !== ''));
  if (colors[0] === colors[1]) throw new Error(`"ticker" and "api" have the same prefix colour ${colors[0]}`);
  await shot('all');

  const search = frame.locator('input.search');
  await frame.locator('button.toggle[aria-label="Use regular expression"]').click();
  await search.fill('tick (');
  await frame.locator('.query-error:not([hidden])', { hasText: 'Invalid regular expression' }).waitFor({ timeout: WAIT_MS });
  await search.fill(SEARCH);
  await frame.locator('.query-error[hidden]').waitFor({ state: 'attached', timeout: WAIT_MS });
  const matches = await poll(() => count(frame, 'matches'), (n) => n >= 3);
  await frame.locator('.row mark').first().waitFor({ timeout: WAIT_MS });
  await frame.locator('.row.stderr mark', { hasText: 'WARN' }).first().waitFor({ timeout: WAIT_MS });
  await frame.locator('.row .name', { hasText: /^ticker$/ }).first().waitFor({ timeout: WAIT_MS });
  // The markup "api" printed first is text: no element was made from it.
  await frame.locator('.row .text', { hasText: '<script>alert("not run")</script></div>' }).first().waitFor({ timeout: WAIT_MS });
  if ((await frame.locator('.rows script, .rows div div').count()) > 0) throw new Error('a line became markup');
  const counts = (await frame.locator('.counts').textContent()) ?? '';
  if (!/^[\d,]+ lines, [\d,]+ match(es)?$/.test(counts)) throw new Error(`the counts read "${counts}"`);
  await page.mouse.move(0, 0);
  await shot('filtered');

  // "stderr only" leaves only marked rows; a name's chip hides that process.
  await search.fill('');
  const stderr = frame.locator('button.toggle', { hasText: 'stderr only' });
  await stderr.click();
  await poll(() => frame.locator('.row').evaluateAll((rows) => rows.length > 0 && rows.every((r) => r.classList.contains('stderr'))), Boolean);
  await stderr.click();
  await frame.locator('.names .chip', { hasText: /^ticker$/ }).click();
  await poll(() => frame.locator('.row .name', { hasText: /^ticker$/ }).count(), (n) => n === 0);
  await frame.locator('.names .chip.show-all').click();
  await frame.locator('.row .name', { hasText: /^ticker$/ }).first().waitFor({ timeout: WAIT_MS });
  // A click on a prefix shows that process's output (its terminal or channel, per output.view),
  // held long enough for new lines to draw the rows again under the pointer.
  await frame.locator('.row .name', { hasText: /^ticker$/ }).last().hover();
  await page.mouse.down();
  await page.waitForTimeout(700);
  await page.mouse.up();
  await page.locator('.part.panel', { hasText: 'ticker' }).waitFor({ timeout: WAIT_MS });
  await shot('jump');
  return `${counts}; ${matches} matching; prefix colours ${colors.join(' / ')}`;
}

/** Alone: the view in a dark and a light theme, for a person to look at. */
async function themeScreenshots(): Promise<void> {
  const out = resultsDir('e2e-logs');
  await inEachTheme(out, logsWorkspace, async (page, slug, theme) => {
    const view = await openDevProcessesView(page);
    await treeRow(view, 'api').filter({ hasText: /running/ }).waitFor({ timeout: 60_000 });
    // A few seconds of output from both.
    await page.waitForTimeout(4000);
    const summary = await checkLogView(page, (name) => page.screenshot({ path: path.join(out, name === 'filtered' ? `logs-${slug}.png` : `logs-${slug}-${name}.png`) })).catch(async (err: unknown) => {
      await page.screenshot({ path: path.join(out, `failure-${slug}.png`) }).catch(() => undefined);
      throw err;
    });
    console.log(`log view (${theme}): ${summary}`);
  });
}

// Bundled into run.js too: run the screenshots only when this very file is the entry point.
runWhenEntry('logs.js', 'log view screenshots', themeScreenshots);
