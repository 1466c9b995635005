import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DevProcessesApi, ProcessSnapshot } from '../../src/api/api';

export const EXTENSION_ID = 'devprocs.dev-process-manager';

export async function getApi(): Promise<DevProcessesApi> {
  const ext = vscode.extensions.getExtension<DevProcessesApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/** A fixture script shipped with the repository (the extension's own folder). */
export function fixture(name: string): string {
  return path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test', 'fixtures', name);
}

export async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function snapshot(api: DevProcessesApi, id: string): ProcessSnapshot {
  const snap = api.get(id);
  if (!snap) throw new Error(`no run ${id}`);
  return snap;
}

export async function waitForState(api: DevProcessesApi, id: string, state: ProcessSnapshot['state']): Promise<ProcessSnapshot> {
  return waitFor(() => api.get(id)?.state === state && api.get(id), `run ${id} to be ${state} (is ${api.get(id)?.state})`);
}

export async function waitForOutput(api: DevProcessesApi, id: string, pattern: RegExp): Promise<string> {
  return waitFor(() => api.output(id).find((l) => pattern.test(l.text))?.text, `output of ${id} matching ${pattern}`);
}

/** Gone means no /proc entry or a zombie. */
export function gone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return /\) [ZX] /.test(stat);
  } catch {
    return true;
  }
}

/** Replaces `devProcesses.tasks` in the workspace settings and waits until the engine has it. */
export async function setTasks(api: DevProcessesApi, tasks: unknown[]): Promise<void> {
  await vscode.workspace.getConfiguration('devProcesses').update('tasks', tasks, vscode.ConfigurationTarget.Workspace);
  const names = tasks.map((t) => (t as { name?: unknown }).name).filter((n): n is string => typeof n === 'string');
  await waitFor(
    () => {
      const known = new Set([...api.definitions().map((d) => d.name), ...api.problems().map((p) => p.name)]);
      return names.every((n) => known.has(n));
    },
    'the engine to read the new settings',
  );
}

/** The settings.json of the (only) workspace folder. */
export function workspaceSettingsUri(): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, '.vscode', 'settings.json');
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}
