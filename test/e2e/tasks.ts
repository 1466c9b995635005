// End-to-end: F5 on the sample workspace's launch configuration, whose preLaunchTask is
// "devProcesses: web" (a service with a readiness probe that passes a moment after it starts).
// The debug session must start only once the task's terminal says the service is ready.
// Run alone (build first: node esbuild.js && node esbuild.js --tests):
//   node out/test/e2e/tasks.js   -> test-results/e2e-tasks/{1-task-terminal,2-debugging}.png
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, payloadUrl, repoRoot, startCodeServer } from '../harness/codeServer';
import { poll } from './metrics';
import { terminalText } from './terminal';
import { copyWorkspace, openDevProcessesView, openWorkbench, resultsDir, runWhenEntry, treeRow, UI_SETTINGS } from './workbench';

const WAIT_MS = 30_000;
const WAITING = 'devProcesses: waiting for "web" to be ready';
const READY = 'devProcesses: "web" is ready';

async function debugging(page: Page): Promise<boolean> {
  return page.locator('.debug-toolbar').isVisible().catch(() => false);
}

/** Presses F5 and checks the order: the task's terminal waits, says ready, then the session starts. */
export async function checkPreLaunchTask(page: Page, shot: (name: string) => Promise<unknown>): Promise<void> {
  const sidebar = await openDevProcessesView(page);
  await treeRow(sidebar, 'web').waitFor({ timeout: WAIT_MS });
  await page.locator('.part.editor').click({ position: { x: 200, y: 200 } }).catch(() => undefined);
  await page.keyboard.press('F5');
  const waiting = await poll(() => terminalText(page), (t) => t.includes(WAITING) || t.includes(READY)).catch(async () => {
    throw new Error(`F5 showed no task terminal for "web"; the terminal shows ${JSON.stringify((await terminalText(page)).slice(-400))}`);
  });
  if (!waiting.includes(READY)) {
    if (await debugging(page)) throw new Error('the debug session started before "web" was ready');
    await shot('1-task-terminal');
  }
  await poll(() => debugging(page), (d) => d).catch(() => {
    throw new Error('no debug session after the preLaunchTask');
  });
  // The session may switch the panel to the Debug Console: show the task's terminal again.
  await page.getByRole('tab', { name: /^Terminal/ }).click({ timeout: WAIT_MS });
  const text = await poll(() => terminalText(page), (t) => t.includes(READY)).catch(async () => {
    throw new Error(`the task terminal never said ready; it shows ${JSON.stringify((await terminalText(page)).slice(-400))}`);
  });
  if (!/listening on \d+/.test(text)) throw new Error(`the task terminal does not show the service's output: ${JSON.stringify(text.slice(-400))}`);
  await shot('2-debugging');
}

runWhenEntry('tasks.js', 'e2e tasks', async () => {
  const out = resultsDir('e2e-tasks');
  const workspace = copyWorkspace();
  const server = await startCodeServer({ workspace, extensionDevelopmentPath: repoRoot(), logDir: out, settings: UI_SETTINGS });
  const browser = await launchBrowser();
  try {
    const page = await openWorkbench(browser, payloadUrl(server), path.join(out, 'browser-console.log'));
    await checkPreLaunchTask(page, (name) => page.screenshot({ path: path.join(out, `${name}.png`) })).catch(async (err) => {
      await page.screenshot({ path: path.join(out, 'failure.png') }).catch(() => undefined);
      throw err;
    });
    console.log(`e2e tasks: passed; screenshots in ${out}`);
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});
