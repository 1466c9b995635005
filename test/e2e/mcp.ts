// Screenshot: the editor's own MCP client lists the "Dev Processes" server our provider offers,
// starts it, and finds its tools. Run alone: node out/test/e2e/mcp.js
import * as path from 'node:path';
import { launchBrowser, payloadUrl, repoRoot, startCodeServer } from '../harness/codeServer';
import { poll } from './metrics';
import { copyWorkspace, openWorkbench, resultsDir, runWhenEntry, UI_SETTINGS } from './workbench';

const WAIT_MS = 60_000;

async function screenshot(): Promise<void> {
  const out = resultsDir('e2e-mcp');
  const workspace = copyWorkspace();
  const server = await startCodeServer({
    workspace,
    extensionDevelopmentPath: repoRoot(),
    logDir: out,
    settings: { ...UI_SETTINGS, 'chat.disableAIFeatures': false, 'chat.mcp.enabled': true },
  });
  const browser = await launchBrowser();
  try {
    const page = await openWorkbench(browser, payloadUrl(server), path.join(out, 'browser-console.log'));
    await page.locator('.activitybar a.action-label[aria-label^="Dev Processes"]').waitFor({ timeout: WAIT_MS });
    await page.keyboard.press('F1');
    await page.keyboard.type('MCP: List Servers');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'List Servers' }).first().click({ timeout: WAIT_MS });
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dev Processes' });
    await row.waitFor({ timeout: WAIT_MS }).catch(async (err) => {
      await page.screenshot({ path: path.join(out, 'failed-list.png') });
      throw err;
    });
    await page.screenshot({ path: path.join(out, 'mcp-list.png') });
    console.log(`mcp: listed: ${(await row.first().textContent())?.trim()}`);
    await row.first().click();
    await page.screenshot({ path: path.join(out, 'mcp-server.png') });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: /Start Server/ }).first().click({ timeout: WAIT_MS });
    // The editor's log of the server says how many tools it found (the panel renders spaces as no-break spaces).
    const log = await poll(async () => (await page.locator('.part.panel').textContent()) ?? '', (t) => /Discovered\s\d+\stools/.test(t)).catch(async (err) => {
      await page.screenshot({ path: path.join(out, 'failed-start.png') });
      throw err;
    });
    await page.screenshot({ path: path.join(out, 'mcp-started.png') });
    console.log(`mcp: ${/Discovered\s\d+\stools/.exec(log)![0]}`);
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

runWhenEntry('mcp.js', 'mcp screenshot', screenshot);
