// End-to-end look at problems read from output: a `tsc --watch`-like service with
// `problemMatcher: "$tsc-watch"` prints an error; the tree says "1 error" on its row and the
// Problems panel lists it under the file. Run alone (build first: node esbuild.js && node esbuild.js --tests):
//   node out/test/e2e/problems.js   -> test-results/e2e-problems/problems-{dark,light}.png
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/codeServer';
import { paletteCommand } from './metrics';
import { copyWorkspace, inEachTheme, openDevProcessesView, resultsDir, rowDescription, runWhenEntry, treeRow } from './workbench';

const WAIT_MS = 60_000;

/** The sample workspace with "tscw" starting by itself over a file with one error. */
function problemsWorkspace(): string {
  const workspace = copyWorkspace();
  fs.copyFileSync(path.join(repoRoot(), 'test', 'fixtures', 'tsc-watch.js'), path.join(workspace, 'scripts', 'tsc-watch.js'));
  fs.mkdirSync(path.join(workspace, 'src'));
  fs.writeFileSync(path.join(workspace, 'src', 'a.ts'), 'let count = 1;\nlet label = "x";\nlet total: number = label;\n');
  fs.writeFileSync(path.join(workspace, 'input.txt'), 'ok\nok\nerror\n');
  const file = path.join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as { 'devProcesses.tasks': Record<string, unknown>[] } & Record<string, unknown>;
  settings['devProcesses.tasks'].push({
    name: 'tscw',
    command: 'node',
    args: ['${workspaceFolder}/scripts/tsc-watch.js', 'input.txt'],
    problemMatcher: '$tsc-watch',
    healthCheck: { readiness: { type: 'problems' } },
    autoStart: true,
  });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  return workspace;
}

async function screenshots(): Promise<void> {
  const out = resultsDir('e2e-problems');
  await inEachTheme(out, problemsWorkspace, async (page, slug, theme) => {
    const view = await openDevProcessesView(page);
    const row = treeRow(view, 'tscw');
    await row.filter({ hasText: /1 error/ }).waitFor({ timeout: WAIT_MS });
    const description = await rowDescription(row);
    if (!description.startsWith('1 error · ')) throw new Error(`the row says "${description}", not "1 error" first`);
    await paletteCommand(page, 'View: Focus Problems', /Focus Problems/);
    const marker = page.locator('.markers-panel .monaco-list-row', { hasText: /not assignable/ });
    await marker.first().waitFor({ timeout: WAIT_MS });
    const text = (await page.locator('.markers-panel').textContent()) ?? '';
    for (const expected of ['a.ts', 'devProcesses: tscw', 'TS2322', '[Ln 3, Col 5]']) {
      if (!text.includes(expected)) throw new Error(`the Problems panel does not show ${JSON.stringify(expected)}: ${text.slice(0, 500)}`);
    }
    await page.mouse.move(0, 0);
    const file = path.join(out, `problems-${slug}.png`);
    await page.screenshot({ path: file });
    console.log(`problems (${theme}): row "${description}"; ${path.relative(repoRoot(), file)}`);
  });
}

// Bundled into run.js too: run the screenshots only when this very file is the entry point.
runWhenEntry('problems.js', 'problems screenshots', screenshots);
