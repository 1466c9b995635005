/**
 * Starting the launcher helper's process. Small on purpose: the extension's entry (src/start.ts)
 * uses it to start a helper before the extension's bundle loads, so the helper's own Node start
 * runs beside that load; the launcher then takes that process over (`HelperLauncher`'s `started`).
 * The helper waits for its setup (where the host's stdio server listens, its graces) over IPC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

/** The helper's bundle, built by esbuild.js from launcherHost.ts. */
export const HELPER_BUNDLE = 'launcherHost.js';

/** Starts the helper's process: its own process group, IPC to this host, stderr into the host's log. */
export function startHelper(script: string): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // In VS Code desktop process.execPath is Electron; this makes it a plain Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  // The host's NODE_OPTIONS (an --inspect port, a --require) are not for the helper.
  delete env.NODE_OPTIONS;
  // The helper makes no TLS connection, and some Node versions read and parse every certificate
  // of this file as the process starts, before any of our code runs. The children get the host's
  // environment with each launch, not the helper's, so theirs keeps it.
  delete env.NODE_EXTRA_CA_CERTS;
  const child = spawn(process.execPath, [script], {
    // stderr inherited: if the helper itself fails, its trace lands in the host's log.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env,
    // A group of its own: whatever takes the host's group down (a closing window) leaves it
    // to keep the children for the reconnect grace.
    detached: true,
    windowsHide: true,
  });
  // A spawn that fails reports it as an event; until a launcher takes the process over, nobody listens.
  child.on('error', () => undefined);
  return child;
}

/** The process can still be taken over: started, its channel open, not exited. */
export function helperUsable(child: ChildProcess): boolean {
  return child.connected && child.exitCode === null && child.signalCode === null;
}

/**
 * Whether the helper a previous window of the workspace left (its session file, see SessionFile)
 * still runs: the window reconnects to that one, and a helper started ahead would go unused.
 * A pid that was reused only costs the early start.
 */
export function recordedHelperAlive(sessionFile: string): boolean {
  let pid: unknown;
  try {
    pid = (JSON.parse(fs.readFileSync(sessionFile, 'utf8')) as { pid?: unknown } | null)?.pid;
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return false;
  try {
    process.kill(pid as number, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
