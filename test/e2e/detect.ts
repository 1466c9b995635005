// End-to-end look at discovery: a workspace with package.json scripts and a Procfile shows them
// under "Detected" grouped by source; "Start" on "npm: dev" runs it, and "Add to Settings" from
// the context menu of "Procfile: web" writes it into settings.json, after which its row sits
// among the settings' definitions. Run alone (build first: node esbuild.js && node esbuild.js --tests):
//   node out/test/e2e/detect.js   -> test-results/e2e-detect/detect-{dark,light}.png
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { repoRoot } from '../harness/codeServer';
import { poll } from './metrics';
import { copyWorkspace, inEachTheme, openDevProcessesView, resultsDir, rowDescription, runWhenEntry, treeRow } from './workbench';

const WAIT_MS = 60_000;

/** The sample workspace with a package.json and a Procfile of its own. */
function detectWorkspace(): string {
  const workspace = copyWorkspace();
  const ticks = path.join(repoRoot(), 'test', 'fixtures', 'ticks.js');
  const scripts = { dev: `node ${JSON.stringify(ticks)} dev 100000 200`, build: 'node -e "console.log(42)"', test: 'node -e "process.exit(0)"' };
  fs.writeFileSync(path.join(workspace, 'package.json'), JSON.stringify({ name: 'shop', private: true, scripts }, null, 2));
  fs.writeFileSync(path.join(workspace, 'Procfile'), `web: node ${JSON.stringify(ticks)} web 100000 200\nworker: node ${JSON.stringify(ticks)} worker 100000 500\n`);
  return workspace;
}

/** Whether the row sits under the "Detected" row: its indentation is deeper than a top-level row's. */
async function depth(row: Locator): Promise<number> {
  return Number((await row.getAttribute('aria-level', { timeout: 5_000 })) ?? '0');
}

async function screenshots(): Promise<void> {
  const out = resultsDir('e2e-detect');
  await inEachTheme(out, detectWorkspace, async (page, slug, theme) => {
    const view = await openDevProcessesView(page);
    await treeRow(view, 'Detected').waitFor({ timeout: WAIT_MS });
    for (const label of ['npm scripts', 'Procfile', 'npm: dev', 'npm: build', 'Procfile: web']) await treeRow(view, label).waitFor({ timeout: WAIT_MS });
    if ((await depth(treeRow(view, 'npm: dev'))) !== 3) throw new Error('"npm: dev" is not under Detected > npm scripts');

    const dev = treeRow(view, 'npm: dev');
    await page.locator('.part.editor').hover();
    await dev.hover();
    await dev.locator('.actions .action-label[aria-label^="Start"]').click({ timeout: WAIT_MS });
    await poll(() => rowDescription(treeRow(view, 'npm: dev')), (d) => /running/.test(d)).catch(async () => {
      await page.screenshot({ path: path.join(out, `failed-start-${slug}.png`) });
      throw new Error(`"npm: dev" did not run: its row says "${await rowDescription(treeRow(view, 'npm: dev'))}"`);
    });

    await treeRow(view, 'Procfile: web').click({ button: 'right' });
    // Hovered, then Enter: a click that comes just as the menu opens was seen to be dropped by it.
    const item = page.locator('.monaco-menu .action-item', { hasText: 'Add to Settings' });
    await item.hover({ timeout: WAIT_MS });
    await poll(() => item.getAttribute('class'), (c) => /\bfocused\b/.test(c ?? ''));
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'settings.json' }).waitFor({ timeout: WAIT_MS }).catch(async (err) => {
      await page.screenshot({ path: path.join(out, `failed-${slug}.png`) });
      throw err;
    });
    await poll(() => depth(treeRow(view, 'Procfile: web')), (level) => level === 1).catch(async () => {
      await page.screenshot({ path: path.join(out, `failed-move-${slug}.png`) });
      throw new Error('"Procfile: web" did not move to the settings\' definitions after "Add to Settings"');
    });
    await page.mouse.move(0, 0);
    const file = path.join(out, `detect-${slug}.png`);
    await page.screenshot({ path: file });
    console.log(`detect (${theme}): "npm: dev" ${await rowDescription(treeRow(view, 'npm: dev'))}; ${path.relative(repoRoot(), file)}`);
  });
}

// Bundled into run.js too: run the screenshots only when this very file is the entry point.
runWhenEntry('detect.js', 'detect screenshots', screenshots);
