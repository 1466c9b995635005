import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, gone, getApi, setTasks, snapshot, waitFor, waitForOutput, waitForState } from './helpers';

const service = (name: string, script: string, args: string[] = [], extra: object = {}) => ({
  name,
  command: 'node',
  args: [fixture(script), ...args],
  ...extra,
});

describe('processes in a real extension host', function () {
  let api: DevProcessesApi;

  before(async () => {
    api = await getApi();
    await setTasks(api, [
      service('hang', 'hang.js'),
      service('echo', 'echo.js'),
      service('tree', 'fork-tree.js', ['2', '--setsid']),
      service('stubborn', 'ignore-term.js'),
      service('ok', 'exit.js', ['0'], { kind: 'job' }),
      service('bad', 'exit.js', ['4'], { kind: 'job' }),
      { name: 'missing', command: 'dpm-no-such-command' },
      { name: 'broken', comand: 'typo' },
    ]);
    await vscode.workspace.getConfiguration('devProcesses').update('stopTimeoutMs', 500, vscode.ConfigurationTarget.Workspace);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  it('registers every command of the contract', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['spawn', 'kill', 'restart', 'showOutput', 'sendInput', 'killAll']) {
      assert.ok(all.includes(`devProcesses.${id}`), `devProcesses.${id} is registered`);
    }
  });

  it('spawn resolves to the run id; kill resolves once the process is gone', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'hang');
    assert.equal(typeof id, 'string');
    await waitForOutput(api, id, /^ready$/);
    const running = snapshot(api, id);
    assert.equal(running.state, 'running');
    assert.equal(running.name, 'hang');
    assert.equal(running.kind, 'service');
    assert.ok(running.pid && running.pid > 0);
    assert.ok(running.startedAt && running.startedAt <= Date.now());
    await vscode.commands.executeCommand('devProcesses.kill', id);
    const stopped = snapshot(api, id);
    assert.equal(stopped.state, 'terminated');
    assert.ok(stopped.endedAt);
    assert.ok(gone(running.pid!), `pid ${running.pid} is gone`);
  });

  it('kill takes the whole tree down, including a child that called setsid', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'tree');
    const line = await waitForOutput(api, id, /^tree /);
    const pids: number[] = JSON.parse(line.slice(5)).pids;
    assert.equal(pids.length, 5);
    await vscode.commands.executeCommand('devProcesses.kill', 'tree');
    assert.deepEqual(pids.filter((p) => !gone(p)), []);
  });

  it('a process that ignores SIGTERM is killed after stopTimeoutMs', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'stubborn');
    await waitForOutput(api, id, /^ready$/);
    const pid = snapshot(api, id).pid!;
    await vscode.commands.executeCommand('devProcesses.kill', id);
    assert.equal(snapshot(api, id).signal, 'SIGKILL');
    assert.ok(gone(pid));
  });

  it('restart resolves to a new id and the old run ends', async () => {
    const first = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'hang');
    await waitForState(api, first, 'running');
    const second = await vscode.commands.executeCommand<string>('devProcesses.restart', first);
    assert.notEqual(second, first);
    assert.equal(snapshot(api, first).state, 'terminated');
    await waitForState(api, second, 'running');
  });

  it('sendInput sends a line to stdin', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'echo');
    await waitForOutput(api, id, /^ready$/);
    await vscode.commands.executeCommand('devProcesses.sendInput', id, 'hello from the test');
    assert.equal(await waitForOutput(api, id, /^echo: /), 'echo: hello from the test');
  });

  it('jobs end completed or failed with their exit code', async () => {
    const ok = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'ok');
    const bad = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'bad');
    assert.equal((await waitForState(api, ok, 'completed')).exitCode, 0);
    const failed = await waitForState(api, bad, 'failed');
    assert.equal(failed.exitCode, 4);
    assert.equal(failed.error?.code, 'exit-code');
    assert.equal(failed.attempts, 1);
  });

  it('a command that does not exist fails with a clear message', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'missing');
    const failed = await waitForState(api, id, 'failed');
    assert.equal(failed.error?.code, 'spawn-failed');
    assert.match(failed.error!.message, /command "dpm-no-such-command" was not found/);
  });

  it('a broken entry is reported by name and field while the others keep working', async () => {
    const messages = api.problems().filter((p) => p.name === 'broken').map((p) => p.message);
    assert.ok(messages.some((m) => /"command" is required/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /unknown field "comand" \(did you mean "command"\?\)/.test(m)), messages.join('\n'));
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('devProcesses.spawn', 'broken')),
      /"broken" cannot start until its settings are fixed/,
    );
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('devProcesses.spawn', 'nope')), /no definition named "nope"/);
    assert.ok(api.definitions().some((d) => d.name === 'hang'));
  });

  it('editing settings never stops a running process; it is marked changed', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'hang');
    await waitForState(api, id, 'running');
    const tasks = vscode.workspace.getConfiguration('devProcesses').get<object[]>('tasks')!;
    const edited = tasks.map((t) => ((t as { name: string }).name === 'hang' ? { ...t, env: { EDITED: '1' } } : t));
    let changes = 0;
    const sub = api.onDidChange(() => changes++);
    await vscode.workspace.getConfiguration('devProcesses').update('tasks', edited, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.get(id)?.definitionStatus === 'changed', 'the run to be marked changed');
    sub.dispose();
    assert.ok(changes > 0, 'onDidChange fired');
    assert.equal(snapshot(api, id).state, 'running');
    await vscode.workspace.getConfiguration('devProcesses').update('tasks', tasks, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.get(id)?.definitionStatus === 'current', 'the run to be current again');
  });

  it('killAll stops every run', async () => {
    const ids = [
      await vscode.commands.executeCommand<string>('devProcesses.spawn', 'hang'),
      await vscode.commands.executeCommand<string>('devProcesses.spawn', 'echo'),
    ];
    for (const id of ids) await waitForState(api, id, 'running');
    await vscode.commands.executeCommand('devProcesses.killAll');
    assert.deepEqual(ids.map((id) => snapshot(api, id).state), ['terminated', 'terminated']);
  });

  it('showOutput opens the definition output channel', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'ok');
    await waitForState(api, id, 'completed');
    await vscode.commands.executeCommand('devProcesses.showOutput', id);
  });
});
