import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SERVICE_RESTART, specDefaults } from '../../src/core/defaults';
import { ProcessEngine, type EngineOptions } from '../../src/engine/engine';
import { isGone } from '../../src/platform/procfs';
import { processTable, usesPosixBackend } from '../../src/platform/processes';
import type { ProcessSpec } from '../../src/core/types';

/** The skip reason of a test of the /proc readers themselves, on the portable backend's pass. */
export const procfsOnly = usesPosixBackend && 'it reads /proc itself (the Linux backend); the procfs pass runs it';

/** The repository root, found from wherever the bundled test runs. */
export const repoRoot = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

export function fixture(name: string): string {
  return path.join(repoRoot, 'test', 'fixtures', name);
}

/**
 * A definition that runs a fixture script with this Node. Services do not restart here unless a
 * test asks (`restart`), so a test about an exit sees that exit.
 */
export function nodeSpec(name: string, script: string, args: string[] = [], extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return {
    ...specDefaults(),
    name,
    kind: 'service',
    command: process.execPath,
    args: [fixture(script), ...args],
    cwd: repoRoot,
    env: {},
    shell: false,
    autoStart: false,
    restart: { ...DEFAULT_SERVICE_RESTART, policy: 'never' },
    ...extra,
  };
}

/** An engine that is always shut down after the test, so no test leaves a process behind. */
export function makeEngine(t: { after(fn: () => unknown): void }, specs: ProcessSpec[], options: EngineOptions = {}): ProcessEngine {
  const engine = new ProcessEngine({ stopTimeoutMs: 2000, ...options });
  engine.setDefinitions(specs);
  t.after(() => engine.shutdown(200));
  return engine;
}

/** Resolves once `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits for a line of the run's output that matches, and returns it. */
export async function waitForLine(engine: ProcessEngine, id: string, pattern: RegExp, timeoutMs?: number): Promise<string> {
  let found: string | undefined;
  await waitFor(() => {
    found = engine.output(id).find((l) => pattern.test(l.text))?.text;
    return found !== undefined;
  }, `output matching ${pattern}`, timeoutMs);
  return found!;
}

/** The pids a fork-tree.js fixture printed. */
export async function treePids(engine: ProcessEngine, id: string): Promise<number[]> {
  const line = await waitForLine(engine, id, /^tree /);
  return JSON.parse(line.slice(5)).pids;
}

export function alive(pids: number[]): number[] {
  return pids.filter((pid) => !isGone(processTable, pid));
}

/** Kills pids a failed test may have left, so one failure does not leak into the next test. */
export function reap(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const scratchDirs: string[] = [];

/**
 * A fresh directory in the temp directory, removed when this test file's process exits: a test's
 * own `after` would run before the engines it disposes later write their records there again.
 */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (scratchDirs.push(dir) === 1) process.once('exit', () => scratchDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return dir;
}

/** Runs daemon-exit.js as a group leader of its own with `marker` (NAME=value); resolves once it exited, with its daemon's pid. */
export async function leaderThatLeftADaemon(t: { after(fn: () => unknown): void }, marker: string): Promise<{ leader: number; daemon: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'daemon.pid');
  const [name, value] = marker.split('=');
  const child = spawn(process.execPath, [fixture('daemon-exit.js')], { detached: true, stdio: 'ignore', env: { ...process.env, DAEMON_FILE: file, [name]: value } });
  await new Promise((resolve) => child.once('exit', resolve));
  const daemon = Number(fs.readFileSync(file, 'utf8'));
  t.after(() => reap([daemon]));
  return { leader: child.pid!, daemon };
}
