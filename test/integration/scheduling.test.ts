import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, setTasks, snapshot, waitFor, waitForState } from './helpers';

const job = (name: string, script: string, args: string[] = [], extra: object = {}) => ({
  name,
  kind: 'job',
  command: 'node',
  args: [fixture(script), ...args],
  ...extra,
});

describe('scheduling in a real extension host', function () {
  let api: DevProcessesApi;
  let counter: string;

  before(async () => {
    api = await getApi();
    counter = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-int-')), 'counter');
    await vscode.workspace.getConfiguration('devProcesses').update('maxConcurrent', 1, vscode.ConfigurationTarget.Workspace);
    await setTasks(api, [
      job('blocker', 'exit.js', ['0', '500']),
      job('low', 'exit.js', ['0'], { priority: 'low' }),
      job('urgent', 'exit.js', ['0'], { priority: 'critical' }),
      job('flaky', 'flaky.js', [counter, '3'], { retry: { maxRetries: 3, initialDelayMs: 100, multiplier: 2, jitter: false } }),
    ]);
    await waitFor(() => api.metrics().maxConcurrent === 1, 'maxConcurrent 1 to apply');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('devProcesses').update('maxConcurrent', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  it('with maxConcurrent 1, a critical job queued after a low one runs first', async () => {
    const order: string[] = [];
    const seen = new Set<string>();
    const sub = api.onDidChange(() => {
      for (const s of api.list()) {
        if (s.startedAt !== null && !seen.has(s.id)) {
          seen.add(s.id);
          order.push(s.name);
        }
      }
    });
    try {
      const blocker = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'blocker');
      await waitForState(api, blocker, 'running');
      const low = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'low');
      const urgent = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'urgent');
      assert.equal(snapshot(api, low).state, 'queued');
      assert.equal(snapshot(api, urgent).queuePosition, 1);
      assert.equal(api.metrics().queued, 2);
      await waitForState(api, low, 'completed');
      assert.deepEqual(order.filter((n) => ['blocker', 'low', 'urgent'].includes(n)), ['blocker', 'urgent', 'low']);
    } finally {
      sub.dispose();
    }
  });

  it('a job that fails twice then succeeds ends completed with 3 attempts', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'flaky');
    await waitForState(api, id, 'backoff');
    const done = await waitForState(api, id, 'completed');
    assert.equal(done.attempts, 3);
    assert.equal(done.id, id);
    assert.ok(api.metrics().retried >= 2);
  });

  it('retry of a failed run and cancel of a queued one work through the commands', async () => {
    fs.writeFileSync(counter, '0');
    await setTasks(api, [job('blocker', 'exit.js', ['0', '400']), job('fails', 'exit.js', ['1']), job('waits', 'exit.js', ['0'])]);
    const failed = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'fails');
    await waitForState(api, failed, 'failed');
    const again = await vscode.commands.executeCommand<string>('devProcesses.retry', failed);
    assert.notEqual(again, failed);
    await waitForState(api, again, 'failed');
    const blocker = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'blocker');
    await waitForState(api, blocker, 'running');
    const waits = await vscode.commands.executeCommand<string>('devProcesses.runWithPriority', 'waits', 'high');
    assert.equal(snapshot(api, waits).priority, 'high');
    await vscode.commands.executeCommand('devProcesses.cancel', waits);
    assert.equal(snapshot(api, waits).state, 'terminated');
    assert.equal(snapshot(api, waits).error?.code, 'canceled');
  });
});
