import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, setTasks, waitForState } from './helpers';

describe('tree commands in a real extension host', function () {
  let api: DevProcessesApi;

  before(async () => {
    api = await getApi();
    await setTasks(api, [
      { name: 'tidy', kind: 'job', command: 'node', args: [fixture('exit.js'), '0'] },
      { name: 'keep', kind: 'job', command: 'node', args: [fixture('exit.js'), '0'] },
      { name: 'svc', kind: 'service', command: 'node', args: [fixture('hang.js')] },
    ]);
  });

  after(async () => {
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  it('Clear Finished Runs forgets one definition\'s finished runs; Clear All Finished Runs the rest, live runs stay', async () => {
    const tidy = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'tidy');
    const keep = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'keep');
    await waitForState(api, tidy, 'completed');
    await waitForState(api, keep, 'completed');
    const cleared = await vscode.commands.executeCommand<number>('devProcesses.clearFinished', 'tidy');
    assert.equal(cleared, 1);
    assert.equal(api.get(tidy), undefined);
    assert.equal(api.get(keep)?.state, 'completed');
    const svc = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'svc');
    await waitForState(api, svc, 'running');
    await vscode.commands.executeCommand('devProcesses.clearAllFinished');
    assert.deepEqual(api.list().filter((r) => ['completed', 'failed', 'terminated'].includes(r.state)), [], 'no finished run stays');
    assert.equal(api.get(svc)?.state, 'running', 'a live run stays');
  });

  it('Run with Priority orders jobs only: a service is refused with a reason', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('devProcesses.runWithPriority', 'svc', 'high')),
      /"svc" is a service; priority orders jobs only/,
    );
  });
});
