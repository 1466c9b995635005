/**
 * Reading VS Code's own measurements out of a real workbench (code-server + Chromium, see
 * test/harness/codeServer.ts): the activation times it shows in "Developer: Show Running
 * Extensions" and "Developer: Startup Performance", and the extension host's log.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { paletteCommand, poll } from '../../test/e2e/metrics';

/** What VS Code measured while activating one extension (ExtensionActivationTimes), in ms. */
export interface ActivationStats {
  /** Activated while the workbench was starting (`*` and the like), not by a later event. */
  eager: boolean;
  /** From starting to load the main module (including its localized strings) until require() returned. */
  loadCodeMs: number;
  /** The synchronous part of activate(). */
  callActivateMs: number;
  /** From activate() returning until the promise it returned settled. */
  finishActivateMs: number;
  /** The activation event, e.g. `onStartupFinished`. */
  event: string;
}

/** One row of the Running Extensions view. */
export interface RunningExtension {
  /** The display name, or the id for an extension under development. */
  name: string;
  /** What the view shows: load code + call activate, in ms; undefined while "Activating...". */
  activationMs?: number;
}

/** A code-server user-data dir's extension host log, read for the times of two of its lines. */
export interface ExtHostLog {
  /** "Extension host with pid N started", epoch ms (the log's local time). */
  startedAt: number;
  /** Per extension id: when the host began to activate it ("ExtensionService#_doActivateExtension"). */
  activationStartedAt: Map<string, number>;
}

/** An extension folder's identity, from its package.json. */
export interface ExtensionInfo {
  /** `publisher.name`, as VS Code's tables list it. */
  id: string;
  version: string;
  displayName?: string;
}

/** The tables are read from what is rendered: tall enough to show them without scrolling. */
const VIEWPORT = { width: 1280, height: 1600 };
const WAIT_MS = 30_000;

export function extensionInfo(dir: string): ExtensionInfo {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string; displayName?: string };
  return { id: `${pkg.publisher}.${pkg.name}`, version: pkg.version, displayName: pkg.displayName };
}

/** Copies an unpacked extension into an extensions dir the way an install lays it out; the server registers it on start. */
export function installUnpacked(source: string, extensionsDir: string): void {
  const { id, version } = extensionInfo(source);
  fs.cpSync(source, path.join(extensionsDir, `${id}-${version}`.toLowerCase()), { recursive: true });
}

/** A new browser context on url, once the workbench shows. Close it with page.context().close(). */
export async function openWorkbenchPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return page;
  } catch (err) {
    await context.close().catch(() => undefined);
    throw err;
  }
}

/** Runs a palette command by its title; closes a modal editor first, which would keep the palette from opening. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await paletteCommand(page, title, new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
}

/** poll() until ok(); its error says what was awaited, and the last value read. */
export function waitUntil<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = WAIT_MS): Promise<T> {
  return poll(read, ok, timeoutMs).catch((err: Error) => {
    throw new Error(`${what}: ${err.message}`);
  });
}

/** The rendered rows of "Developer: Show Running Extensions" (run that command first). */
export async function readRunningExtensions(page: Page): Promise<RunningExtension[]> {
  // The page's DOM types are not in this project's lib: describe what is used.
  type Row = { querySelector(selector: string): { textContent: string | null } | null };
  const cells = await page.locator('.runtime-extensions-editor .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => ['.name', '.activation-time'].map((s) => (r as unknown as Row).querySelector(s)?.textContent?.trim() ?? '')),
  );
  return cells
    .filter(([name]) => name)
    .map(([name, time]) => {
      const ms = /Activation: (\d+)ms/.exec(time);
      return { name, activationMs: ms ? Number(ms[1]) : undefined };
    });
}

/** The view names an extension by its display name (cut at 50 characters), or by its id when it is under development. */
export function findRunning(rows: readonly RunningExtension[], ext: ExtensionInfo): RunningExtension | undefined {
  return rows.find((r) => r.name === ext.id) ?? rows.find((r) => ext.displayName !== undefined && r.name === ext.displayName.slice(0, 50));
}

/**
 * The "Extension Activation Stats" table of "Developer: Startup Performance" (run that command
 * first), by extension id. The document is markdown in an editor: only the lines in view are in
 * the DOM, and the table lists an extension only once its activation has finished.
 */
export async function readActivationStats(page: Page): Promise<Record<string, ActivationStats>> {
  const lines = (await page.locator('.editor-instance .view-line').allInnerTexts()).map((l) => l.replace(/\u00a0/g, ' '));
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
  const header = lines.map(cells).find((c) => c[0] === 'Extension' && c.includes('Load Code'));
  const stats: Record<string, ActivationStats> = {};
  if (!header) return stats;
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`Startup Performance: no "${name}" column in ${JSON.stringify(header)}`);
    return i;
  };
  const [eager, load, call, finish, event] = ['Eager', 'Load Code', 'Call Activate', 'Finish Activate', 'Event'].map(col);
  for (const line of lines) {
    const c = cells(line);
    if (c.length !== header.length || !/^\d+$/.test(c[load] ?? '')) continue;
    stats[c[0]] = {
      eager: c[eager] === 'true',
      loadCodeMs: Number(c[load]),
      callActivateMs: Number(c[call]),
      finishActivateMs: Number(c[finish]),
      event: c[event],
    };
  }
  return stats;
}

const LOG_LINE = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) \[\w+\] (.*)$/;

/** The extension host's log under a code-server user-data dir, or undefined before it has both lines. */
export function readExtHostLog(userDataDir: string): ExtHostLog | undefined {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return undefined;
  const files = fs
    .readdirSync(logs, { recursive: true, encoding: 'utf8' })
    .filter((f) => path.basename(f) === 'remoteexthost.log')
    .map((f) => path.join(logs, f));
  for (const file of files) {
    let startedAt: number | undefined;
    const activationStartedAt = new Map<string, number>();
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = LOG_LINE.exec(line);
      if (!m) continue;
      const at = new Date(`${m[1]}T${m[2]}`).getTime();
      if (/^Extension host (with pid \d+ )?started/.test(m[3])) startedAt ??= at;
      const activating = /^ExtensionService#_doActivateExtension (\S+?),/.exec(m[3]);
      if (activating && !activationStartedAt.has(activating[1])) activationStartedAt.set(activating[1], at);
    }
    if (startedAt !== undefined && activationStartedAt.size > 0) return { startedAt, activationStartedAt };
  }
  return undefined;
}
