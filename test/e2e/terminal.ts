// The terminal view as a person sees it: a process's colours in the panel's terminal.
import type { Page } from 'playwright-core';
import { poll } from './metrics';

/** The rows of the active terminal, as text (DOM renderer). */
export async function terminalText(page: Page): Promise<string> {
  return (await page.locator('.part.panel .terminal-wrapper.active .xterm-rows').innerText().catch(() => '')).replace(/\u00a0/g, ' ');
}

/**
 * Waits until the active terminal shows `expected` and at least `colours` distinct foreground
 * colours (xterm's DOM renderer gives each coloured run of text a class `xterm-fg-N`).
 */
export async function checkColouredTerminal(page: Page, title: string, expected: RegExp, colours: number): Promise<void> {
  await page.locator('.part.panel .terminal-tabs-entry, .part.panel .single-terminal-tab', { hasText: title }).first().waitFor({ timeout: 30_000 }).catch(() => undefined);
  await poll(() => terminalText(page), (t) => expected.test(t)).catch(async () => {
    throw new Error(`the terminal never showed ${expected}; it shows ${JSON.stringify((await terminalText(page)).slice(-400))}`);
  });
  const classes = await page.locator('.part.panel .terminal-wrapper.active .xterm-rows span[class*="xterm-fg-"]').evaluateAll((spans) => [...new Set(spans.map((s) => (s.className.match(/xterm-fg-\d+/) ?? [''])[0]))]);
  if (classes.length < colours) throw new Error(`the terminal shows ${classes.length} colours (${classes.join(', ')}), expected at least ${colours}`);
}
