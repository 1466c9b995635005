import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, setTasks, waitFor, waitForOutput, waitForState } from './helpers';

const service = (name: string, script: string, args: string[], extra: object = {}) => ({ name, command: 'node', args: [fixture(script), ...args], ...extra });

describe('monitor and alerts in a real extension host', function () {
  let api: DevProcessesApi;

  before(async () => {
    api = await getApi();
    await vscode.workspace.getConfiguration('devProcesses').update('monitor.intervalMs', 200, vscode.ConfigurationTarget.Workspace);
    await setTasks(api, [
      service('hog', 'alloc.js', ['20', '--grow', '40', '--every', '200', '--max', '200'], { limits: { maxMemoryMB: 100 } }),
      service('leaky', 'alloc.js', ['20', '--grow', '40', '--every', '200', '--max', '200'], {
        limits: { maxMemoryMB: 100, onExceed: 'restart' },
        restart: { initialDelayMs: 100, maxRestarts: 5 },
      }),
    ]);
  });

  after(async () => {
    await vscode.commands.executeCommand('devProcesses.killAll');
    await vscode.workspace.getConfiguration('devProcesses').update('monitor.intervalMs', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('a process that grows past maxMemoryMB raises a memory alert, which resolves once it is killed', async () => {
    const raised: string[] = [];
    const sub = api.onDidAlert((a) => raised.push(`${a.type}:${a.resolved}`));
    try {
      const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'hog');
      const alert = await waitFor(() => api.alerts().find((a) => a.runId === id && a.type === 'memory' && !a.resolved), 'a memory alert', 20_000);
      assert.equal(alert.name, 'hog');
      assert.ok(['warning', 'critical'].includes(alert.severity));
      assert.match(alert.message, /over its limit of 100 MiB/);
      await vscode.commands.executeCommand('devProcesses.kill', id);
      await waitFor(() => api.alerts().find((a) => a.id === alert.id)?.resolved, 'the alert to resolve');
      assert.ok(raised.includes('memory:false') && raised.includes('memory:true'), raised.join(', '));
    } finally {
      sub.dispose();
    }
  });

  it('with onExceed "restart", a memory hog over its limit is restarted', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'leaky');
    await waitFor(() => (api.get(id)?.restarts ?? 0) >= 1, 'a memory-limit restart', 30_000);
    const snap = api.get(id)!;
    assert.equal(snap.error?.code, 'resource-exhausted');
    assert.match(snap.error!.message, /over its limit of 100 MiB/);
    await waitForOutput(api, id, /over its limit of 100 MiB.*; restart 1 in [\d.]+ s\./);
    await waitForState(api, id, 'running');
  });
});
