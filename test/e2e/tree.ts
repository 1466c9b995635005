// End-to-end checks of the tree's rows, actions and the status bar item, used by run.ts.
// Run alone, it takes its own workbench and screenshots to test-results/e2e-tree/:
//   node out/test/e2e/tree.js
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, payloadUrl, repoRoot, startCodeServer } from '../harness/codeServer';
import { paletteCommand, poll } from './metrics';
import { copyWorkspace, openDevProcessesView, openWorkbench, resultsDir, rowDescription, treeRow, UI_SETTINGS } from './workbench';

const WAIT_MS = 30_000;

/** The shape of run.ts's steps: `needs` are indexes of earlier steps (0: the view is shown). */
export interface TreeStep {
  name: string;
  needs: number[];
  run: () => Promise<void>;
}

/** The inline actions of a row, shown on hover: their titles, left to right, and where each sits. */
async function rowActions(row: Locator): Promise<{ title: string; x: number; enabled: boolean }[]> {
  const page = row.page();
  await page.locator('.part.editor').hover();
  await row.hover({ timeout: WAIT_MS });
  const actions = row.locator('.actions .action-item');
  await actions.first().waitFor({ timeout: WAIT_MS });
  const out: { title: string; x: number; enabled: boolean }[] = [];
  for (const item of await actions.all()) {
    const label = item.locator('.action-label');
    const box = await label.boundingBox();
    const classes = (await item.getAttribute('class')) ?? '';
    out.push({ title: ((await label.getAttribute('aria-label')) ?? '').trim(), x: Math.round(box?.x ?? -1), enabled: !/\bdisabled\b/.test(classes) });
  }
  return out;
}

async function clickAction(row: Locator, title: string): Promise<void> {
  await rowActions(row);
  await row.locator(`.actions .action-label[aria-label^="${title}"]`).click({ timeout: WAIT_MS });
}

async function channel(page: Page): Promise<string> {
  const picker = page.locator('.part.panel select.monaco-select-box').first();
  return (await picker.evaluate((el: { selectedOptions?: ArrayLike<{ text: string }> }) => el.selectedOptions?.[0]?.text ?? '', undefined, { timeout: 2_000 }).catch(() => '')).trim();
}

/** The steps; `shot(name)` saves a screenshot. */
export function treeSteps(page: Page, view: () => Locator, shot: (name: string) => Promise<unknown>): TreeStep[] {
  return [
    {
      name: 'the view title is short ("Dev Processes") and the activity bar shows our own icon',
      needs: [0],
      run: async () => {
        const title = ((await view().locator('.title-label h2').first().innerText()) ?? '').trim();
        if (/:/.test(title)) throw new Error(`the view title still repeats itself: "${title}"`);
        const icon = page.locator('.activitybar a.action-label[aria-label^="Dev Processes"]');
        type Styled = { ownerDocument: { defaultView: { getComputedStyle(e: unknown): { maskImage: string; webkitMaskImage: string } } } };
        const mask = await icon.evaluate((a) => {
          const style = (a as unknown as Styled).ownerDocument.defaultView.getComputedStyle(a);
          return `${style.maskImage} ${style.webkitMaskImage}`;
        });
        if (!/processes\.svg/.test(mask)) throw new Error(`the activity bar icon is not media/processes.svg: ${mask}`);
        await shot('tree-view');
      },
    },
    {
      name: 'Start and Stop share the first inline slot: the actions keep their places after Start',
      needs: [0],
      run: async () => {
        const row = treeRow(view(), 'echo');
        if (/^running/.test(await rowDescription(row))) await clickAction(row, 'Stop');
        await row.filter({ hasText: /terminated|not started|completed|failed/ }).waitFor({ timeout: WAIT_MS });
        const before = await rowActions(row);
        await shot('tree-idle-actions');
        await clickAction(row, 'Start');
        await row.filter({ hasText: /running/ }).waitFor({ timeout: WAIT_MS });
        const after = await rowActions(row);
        await shot('tree-running-actions');
        const titles = (a: typeof before) => a.map((x) => `${x.title}${x.enabled ? '' : ' (disabled)'}`).join(', ');
        if (before.length !== 4 || after.length !== 4) throw new Error(`expected 4 inline actions before and after Start: ${titles(before)} / ${titles(after)}`);
        if (!/^Start/.test(before[0].title) || !/^Stop/.test(after[0].title)) throw new Error(`slot 1 is not Start then Stop: ${titles(before)} / ${titles(after)}`);
        if (before.some((b, i) => Math.abs(b.x - after[i].x) > 1)) throw new Error(`the actions moved: ${JSON.stringify(before)} / ${JSON.stringify(after)}`);
        if (before[1].enabled) throw new Error(`Restart on an idle row should be disabled: ${titles(before)}`);
        await clickAction(row, 'Stop');
        await row.filter({ hasText: /terminated/ }).waitFor({ timeout: WAIT_MS });
      },
    },
    {
      name: 'a typed command line gets a short label without escapes, and writes to the one "Command lines" channel',
      needs: [0],
      run: async () => {
        await paletteCommand(page, 'Dev Processes: Start', /Dev Processes: Start\.\.\./);
        const pick = page.locator('.quick-input-widget');
        // The list draws only the rows in view, and "Run a command line..." comes last: filter to it.
        await pick.locator('input').fill('command line');
        await pick.locator('.quick-input-list .monaco-list-row', { hasText: 'Run a command line' }).click({ timeout: WAIT_MS });
        const input = page.locator('.quick-input-widget input');
        await input.fill("printf '\\033[31mred\\033[0m\\n'");
        await page.keyboard.press('Enter');
        await treeRow(view(), 'Command lines').waitFor({ timeout: WAIT_MS });
        const label = view().locator('.monaco-list-row .label-name', { hasText: /printf/ }).first();
        await label.waitFor({ timeout: WAIT_MS });
        const text = (await label.innerText()).trim();
        if (/\\033|\u001b/.test(text)) throw new Error(`the label keeps the escapes: ${JSON.stringify(text)}`);
        await poll(() => channel(page), (c) => c === 'Dev Processes: Command lines').catch(async () => {
          throw new Error(`the output panel shows "${await channel(page)}", not "Dev Processes: Command lines"`);
        });
        await shot('tree-command-line');
      },
    },
    {
      name: 'the status bar says "failed" in words; Clear takes the failure off it',
      needs: [0],
      run: async () => {
        const row = treeRow(view(), 'fails');
        await clickAction(row, 'Start');
        await row.filter({ hasText: /failed/ }).waitFor({ timeout: WAIT_MS });
        const item = page.locator('.part.statusbar .statusbar-item').filter({ has: page.locator('[aria-label^="Dev Processes:"]') }).first();
        await poll(async () => (await item.innerText()).replace(/\s+/g, ' '), (t) => /\d+ running .*1 failed/.test(t)).catch(async () => {
          throw new Error(`the status bar item says "${await item.innerText()}"`);
        });
        await shot('status-failed');
        await item.click();
        await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Clear' }).first().click({ timeout: WAIT_MS });
        await poll(async () => (await item.getAttribute('class')) ?? '', (c) => !/\berror-kind\b/.test(c)).catch(() => {
          throw new Error('the status bar item stays red after Clear');
        });
        const text = (await item.innerText()).replace(/\s+/g, ' ');
        if (/failed/.test(text)) throw new Error(`the status bar still counts the failure after Clear: "${text}"`);
        await shot('status-cleared');
      },
    },
    {
      name: 'Clear All Finished Runs removes the finished rows and the command lines',
      needs: [0],
      run: async () => {
        await paletteCommand(page, 'Dev Processes: Clear All Finished Runs', /Clear All Finished Runs/);
        await treeRow(view(), 'Command lines').waitFor({ state: 'detached', timeout: WAIT_MS });
        await poll(() => rowDescription(treeRow(view(), 'fails')), (d) => /not started/.test(d)).catch(async () => {
          throw new Error(`"fails" still shows a finished run: ${await rowDescription(treeRow(view(), 'fails'))}`);
        });
        await shot('tree-cleared');
      },
    },
  ];
}

/** Alone: a workbench of its own, every step, screenshots in test-results/e2e-tree. */
async function standalone(): Promise<number> {
  const out = resultsDir('e2e-tree');
  const workspace = copyWorkspace();
  const server = await startCodeServer({ workspace, extensionDevelopmentPath: repoRoot(), logDir: out, settings: UI_SETTINGS });
  const browser = await launchBrowser();
  let failed = 0;
  try {
    const page = await openWorkbench(browser, payloadUrl(server), path.join(out, 'browser-console.log'));
    const sidebar = await openDevProcessesView(page);
    await treeRow(sidebar, 'ticker').waitFor({ timeout: 60_000 });
    for (const step of treeSteps(page, () => sidebar, (name) => page.screenshot({ path: path.join(out, `${name}.png`) }))) {
      try {
        await step.run();
        console.log(`ok   ${step.name}`);
      } catch (err) {
        failed++;
        console.log(`FAIL ${step.name}: ${(err as Error).message.split('\n').slice(0, 6).join('\n    ')}`);
        await page.screenshot({ path: path.join(out, `FAILED-${failed}.png`) }).catch(() => undefined);
        await page.keyboard.press('Escape').catch(() => undefined);
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  return failed;
}

// Bundled into run.js too: run alone only when this very file is the entry point.
if (path.basename(process.argv[1] ?? '') === 'tree.js') {
  standalone().then(
    (failed) => process.exit(failed ? 1 : 0),
    (err) => {
      console.error(`tree e2e FAILED: ${(err as Error).stack ?? err}`);
      process.exit(1);
    },
  );
}
