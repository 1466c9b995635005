// End-to-end checks of the metrics panel (Dev Processes: Show Metrics), used by run.ts.
// Run alone, it screenshots the panel in a dark and a light theme:
//   node out/test/e2e/metrics.js   -> test-results/e2e-metrics/metrics-{dark,light}.png
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { repoRoot } from '../harness/codeServer';
import { copyWorkspace, inEachTheme, openDevProcessesView, resultsDir, runWhenEntry, treeRow } from './workbench';

const WAIT_MS = 30_000;

/** The document inside the webview (an iframe inside an iframe); the panel is the only webview these tests open. */
export function metricsFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').frameLocator('#active-frame');
}

/** F1, type the command, run the entry whose text matches `entry`. */
export async function paletteCommand(page: Page, text: string, entry: RegExp): Promise<void> {
  await page.locator('.monaco-workbench').focus().catch(() => undefined);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: WAIT_MS });
  await input.fill(`>${text}`);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: entry }).first().click({ timeout: WAIT_MS });
}

/** The editor tabs titled "Dev Processes: Metrics". */
export function metricsTabs(page: Page): Locator {
  return page.locator('.tabs-container .tab', { hasText: 'Dev Processes: Metrics' });
}

/** What a chart's canvas holds, read inside the webview. */
export interface CanvasReport {
  width: number;
  height: number;
  /** Differs from an empty canvas of the same size (toDataURL). */
  drawn: boolean;
  /** Pixels that are not transparent. */
  inked: number;
  /** Pixels in the plotting area close to one of the series colours. */
  seriesPixels: number;
}

/** Reads a chart's canvas pixels inside the webview; `chart` is "cpu" or "memory". */
export async function readChart(frame: FrameLocator, chart: 'cpu' | 'memory'): Promise<CanvasReport> {
  const box = frame.locator(`[data-chart="${chart}"]`);
  const plot = (await box.getAttribute('data-plot')) ?? '0,0,0,0';
  const colors = (await box.getAttribute('data-colors')) ?? '[]';
  // The page's DOM types are not in this project's lib: describe what is used.
  type Ctx = { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
  type Canvas = { width: number; height: number; toDataURL(): string; getContext(kind: '2d'): Ctx | null; ownerDocument: { createElement(tag: 'canvas'): Canvas } };
  return box.locator('canvas').first().evaluate(
    (el, args) => {
      const c = el as unknown as Canvas;
      const blank = c.ownerDocument.createElement('canvas');
      blank.width = c.width;
      blank.height = c.height;
      const ctx = c.getContext('2d');
      const all = ctx ? ctx.getImageData(0, 0, c.width, c.height).data : [];
      let inked = 0;
      for (let i = 3; i < all.length; i += 4) if (all[i] > 0) inked++;
      const [left, top, width, height] = args.plot.split(',').map(Number);
      const rgb = (JSON.parse(args.colors) as string[])
        .map((hex) => /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [1, 2, 3].map((i) => parseInt(m[i], 16)));
      let seriesPixels = 0;
      if (ctx && width > 0 && height > 0 && rgb.length) {
        const d = ctx.getImageData(left, top, width, height).data;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] < 128) continue;
          if (rgb.some(([r, g, b]) => Math.abs(d[i] - r) < 40 && Math.abs(d[i + 1] - g) < 40 && Math.abs(d[i + 2] - b) < 40)) seriesPixels++;
        }
      }
      return { width: c.width, height: c.height, drawn: c.toDataURL() !== blank.toDataURL(), inked, seriesPixels };
    },
    { plot, colors },
  );
}

/** Polls read() until ok(value). */
export async function poll<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeout = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface MetricsResult {
  /** The monitor is wired: the panel got samples and the chart has a line. */
  monitoring: boolean;
  cpu: CanvasReport;
  memory: CanvasReport;
}

/**
 * Opens the panel from the palette while `runName` runs and checks it draws: axes in any case
 * and, when the extension has a monitor, a line of the run's series in both charts.
 */
export async function openAndCheckMetrics(page: Page, runName: string): Promise<MetricsResult> {
  await paletteCommand(page, 'Dev Processes: Show Metrics', /Dev Processes: Show Metrics/);
  const frame = metricsFrame(page);
  const app = frame.locator('#app[data-state="ready"]');
  await app.waitFor({ timeout: WAIT_MS });
  await frame.locator('[data-chart="cpu"] canvas').waitFor({ timeout: WAIT_MS });
  await frame.locator('[data-chart="memory"] canvas').waitFor({ timeout: WAIT_MS });
  // The narrowest window shows a freshly started process best (and exercises the selector).
  await frame.locator('label[for="window-1"]').click({ timeout: WAIT_MS });
  const monitoring = (await app.getAttribute('data-monitoring')) === 'true';
  if (monitoring) {
    // The run is listed and ticked, and its points arrive in batches.
    await frame.locator('.runs li', { hasText: runName }).first().waitFor({ timeout: WAIT_MS });
    await poll(async () => Number(await app.getAttribute('data-points')), (n) => n >= 3).catch((err) => {
      throw new Error(`the CPU chart never got 3 points of "${runName}": ${(err as Error).message}`);
    });
    const cpu = await poll(() => readChart(frame, 'cpu'), (r) => r.seriesPixels > 20);
    const memory = await poll(() => readChart(frame, 'memory'), (r) => r.seriesPixels > 20);
    return { monitoring, cpu, memory };
  }
  // No monitor wired: the panel says so and still draws its axes.
  await frame.locator('.empty', { hasText: 'not available' }).waitFor({ timeout: WAIT_MS });
  const cpu = await readChart(frame, 'cpu');
  const memory = await readChart(frame, 'memory');
  for (const [name, r] of [['CPU', cpu], ['memory', memory]] as const) {
    if (!r.drawn || r.inked < 500) throw new Error(`the ${name} chart's canvas is blank: ${JSON.stringify(r)}`);
  }
  return { monitoring, cpu, memory };
}

/**
 * Hides the panel behind another editor, shows it again (its webview reloads and asks for a fresh
 * snapshot), and runs Show Metrics once more: still one panel, and its chart is drawn again.
 */
export async function hideAndShowMetrics(page: Page): Promise<CanvasReport> {
  // Not "File: Compare New Untitled Text Files", which the same words also find.
  await paletteCommand(page, 'File: New Untitled Text File', /File: New Untitled Text File(?!s)/);
  await page.locator('.tabs-container .tab.active', { hasText: /Untitled/ }).waitFor({ timeout: WAIT_MS });
  await metricsTabs(page).first().click();
  const frame = metricsFrame(page);
  await frame.locator('#app[data-state="ready"]').waitFor({ timeout: WAIT_MS });
  await paletteCommand(page, 'Dev Processes: Show Metrics', /Dev Processes: Show Metrics/);
  const tabs = await metricsTabs(page).count();
  if (tabs !== 1) throw new Error(`${tabs} metrics tabs after running Show Metrics again; expected one`);
  const monitoring = (await frame.locator('#app').getAttribute('data-monitoring')) === 'true';
  return poll(() => readChart(frame, 'cpu'), (r) => r.drawn && (monitoring ? r.seriesPixels > 20 : r.inked > 500));
}

/** Alone: the panel in a dark and a light theme, for a person to look at. */
async function themeScreenshots(): Promise<void> {
  const out = resultsDir('e2e-metrics');
  await inEachTheme(out, copyWorkspace, async (page, slug, theme) => {
    const view = await openDevProcessesView(page);
    await treeRow(view, 'ticker').waitFor({ timeout: 60_000 });
    await paletteCommand(page, 'Dev Processes: Start', /Dev Processes: Start\.\.\./);
    await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^\s*ticker\s*$/ }) }).click({ timeout: WAIT_MS });
    await treeRow(view, 'ticker').filter({ hasText: /running/ }).waitFor({ timeout: WAIT_MS });
    const result = await openAndCheckMetrics(page, 'ticker');
    // "hog" has a 60 MB memory limit: its threshold line shows on the memory chart.
    await paletteCommand(page, 'Dev Processes: Start', /Dev Processes: Start\.\.\./);
    await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^\s*hog\s*$/ }) }).click({ timeout: WAIT_MS });
    // A few more batches, so the line has some length.
    if (result.monitoring) await page.waitForTimeout(6000);
    // Values on hover: the cursor near the right end of the memory chart.
    const plot = metricsFrame(page).locator('[data-chart="memory"] .u-over');
    const box = await plot.boundingBox();
    if (box) await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    await metricsFrame(page).locator('[data-chart="memory"] .tooltip:not([hidden])').waitFor({ timeout: 5_000 }).catch(() => console.log('note: no tooltip on hover'));
    const file = path.join(out, `metrics-${slug}.png`);
    await page.screenshot({ path: file });
    console.log(`metrics (${theme}): monitoring ${result.monitoring}, cpu ${JSON.stringify(result.cpu)}; ${path.relative(repoRoot(), file)}`);
  });
}

// Bundled into run.js too: run the screenshots only when this very file is the entry point.
runWhenEntry('metrics.js', 'metrics screenshots', themeScreenshots);
