// End-to-end look at the view by group and the profile in the status bar: "Group by Group" from
// the palette shows a row per group with its "N/M running" summary and the members under it (a
// definition in two groups under both). Run alone (build first: node esbuild.js && node esbuild.js --tests):
//   node out/test/e2e/groups.js   -> test-results/e2e-groups/groups-{dark,light}.png
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/codeServer';
import { paletteCommand } from './metrics';
import { copyWorkspace, inEachTheme, openDevProcessesView, resultsDir, rowDescription, runWhenEntry, treeRow } from './workbench';

const WAIT_MS = 60_000;
const GROUPS: Record<string, string | string[]> = { ticker: ['backend', 'all'], echo: 'backend', web: ['frontend', 'all'] };

/** The sample workspace with groups on three definitions and a profile "dev" that starts "backend". */
function groupsWorkspace(): string {
  const workspace = copyWorkspace();
  const file = path.join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as { 'devProcesses.tasks': { name: string; group?: unknown }[] } & Record<string, unknown>;
  for (const task of settings['devProcesses.tasks']) if (GROUPS[task.name]) task.group = GROUPS[task.name];
  settings['devProcesses.profiles'] = { dev: { start: ['backend'], env: { STAGE: 'dev' } } };
  settings['devProcesses.activeProfile'] = 'dev';
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  return workspace;
}

async function screenshots(): Promise<void> {
  const out = resultsDir('e2e-groups');
  await inEachTheme(out, groupsWorkspace, async (page, slug, theme) => {
    const view = await openDevProcessesView(page);
    // The profile started its members when the window opened.
    await treeRow(view, 'echo').filter({ hasText: /running/ }).waitFor({ timeout: WAIT_MS });
    const status = page.locator('.statusbar-item', { hasText: 'dev' }).first();
    await status.waitFor({ timeout: WAIT_MS });
    await paletteCommand(page, 'Dev Processes: Group by Group', /Group by Group/);
    const backend = treeRow(view, 'backend');
    await backend.filter({ hasText: /2\/2 running/ }).waitFor({ timeout: WAIT_MS });
    const all = treeRow(view, 'all');
    await all.filter({ hasText: /1\/2 running/ }).waitFor({ timeout: WAIT_MS });
    const tickers = await treeRow(view, 'ticker').count();
    if (tickers !== 2) throw new Error(`"ticker" is in two groups but shows ${tickers} time(s)`);
    await page.mouse.move(0, 0);
    const file = path.join(out, `groups-${slug}.png`);
    await page.screenshot({ path: file });
    console.log(`groups (${theme}): backend "${await rowDescription(backend)}", all "${await rowDescription(all)}"; ${path.relative(repoRoot(), file)}`);
  });
}

// Bundled into run.js too: run the screenshots only when this very file is the entry point.
runWhenEntry('groups.js', 'groups screenshots', screenshots);
