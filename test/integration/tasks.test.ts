import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi, ProcessSnapshot } from '../../src/api/api';
import { isFinal } from '../../src/engine/run/stateMachine';
import { fixture, freePort, getApi, gone, setTasks, snapshot, waitFor, waitForState } from './helpers';

/** Our task for a definition, or the tasks.json entry with that label (read a moment after it was written). */
async function taskNamed(name: string, label?: string): Promise<vscode.Task> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const tasks = await vscode.tasks.fetchTasks({ type: 'devProcesses' });
    const task = tasks.find((t) => (label === undefined ? t.name === name && t.source === 'devProcesses' : t.name === label && t.definition.name === name));
    if (task) return task;
    if (Date.now() > deadline) throw new Error(`no task ${label ?? name} among ${tasks.map((t) => `${t.source}: ${t.name}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Executes a task and resolves to the exit code its process ended with. */
async function runToEnd(task: vscode.Task): Promise<number | undefined> {
  const ended = new Promise<number | undefined>((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.definition.name !== task.definition.name) return;
      sub.dispose();
      resolve(e.exitCode);
    });
  });
  await vscode.tasks.executeTask(task);
  return ended;
}

function runsOf(api: DevProcessesApi, name: string): string[] {
  return api.list().filter((r) => r.name === name).map((r) => r.id);
}

/** The run of `name` that has not ended: an earlier suite may leave a finished run of the same name. */
function liveRun(api: DevProcessesApi, name: string): ProcessSnapshot | undefined {
  return api.list().find((r) => r.name === name && !isFinal(r.state));
}

describe('devProcesses tasks in a real extension host', function () {
  let api: DevProcessesApi;
  let port: number;

  before(async () => {
    api = await getApi();
    // Runs of the same names left by earlier suites would count as this suite's.
    await vscode.commands.executeCommand('devProcesses.clearAllFinished');
    port = await freePort();
    await setTasks(api, [
      {
        name: 'web',
        command: 'node',
        args: [fixture('http-server.js'), '--delay', '1500'],
        env: { PORT: String(port) },
        restart: { policy: 'never' },
        healthCheck: { readiness: { type: 'http', url: `http://127.0.0.1:${port}/`, intervalMs: 100, timeoutMs: 500, initialDelayMs: 0 } },
      },
      { name: 'build-ok', kind: 'job', command: 'node', args: [fixture('exit.js'), '0'] },
      { name: 'fails3', kind: 'job', command: 'node', args: [fixture('exit.js'), '3', '200'] },
    ]);
  });

  afterEach(async () => {
    for (const execution of vscode.tasks.taskExecutions) execution.terminate();
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('launch').update('configurations', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('tasks').update('tasks', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('fetchTasks lists every definition of the settings as "devProcesses: NAME"; services are background tasks', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'devProcesses' });
    const ours = new Map(tasks.filter((t) => t.source === 'devProcesses').map((t) => [t.name, t]));
    // Detected entries are the editor's own npm and tasks.json tasks already.
    for (const name of api.definitions().filter((d) => d.source === 'settings').map((d) => d.name)) assert.ok(ours.has(name), `task ${name}`);
    assert.equal(ours.get('web')!.isBackground, true);
    assert.equal(ours.get('web')!.definition.name, 'web');
    assert.equal(ours.get('fails3')!.isBackground, false);
    assert.equal(ours.get('build-ok')!.group?.id, vscode.TaskGroup.Build.id);
  });

  it("a job's task ends with the job's exit code", async () => {
    assert.equal(await runToEnd(await taskNamed('fails3')), 3);
    assert.equal(await runToEnd(await taskNamed('build-ok')), 0);
  });

  it('a preLaunchTask on a service waits until its readiness probe passes', async () => {
    let readyAt: number | undefined;
    const watch = api.onDidChange(() => {
      if (readyAt === undefined && liveRun(api, 'web')?.ready) readyAt = Date.now();
    });
    const sessionStart = new Promise<{ at: number; ready: boolean }>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession(() => {
        sub.dispose();
        resolve({ at: Date.now(), ready: liveRun(api, 'web')?.ready === true });
      });
    });
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
      type: 'node',
      request: 'launch',
      name: 'after web',
      program: fixture('exit.js'),
      preLaunchTask: 'devProcesses: web',
    });
    assert.equal(started, true, 'the debug session started');
    const session = await sessionStart;
    watch.dispose();
    assert.equal(session.ready, true, 'the service was ready when the debug session started');
    assert.ok(readyAt !== undefined && readyAt <= session.at);
    assert.equal(runsOf(api, 'web').length, 1);
  });

  it('running the task of a service already running attaches and starts nothing new', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'web');
    await waitFor(() => snapshot(api, id).ready, 'web to be ready');
    const before = runsOf(api, 'web');
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
      type: 'node',
      request: 'launch',
      name: 'after running web',
      program: fixture('exit.js'),
      preLaunchTask: 'devProcesses: web',
    });
    assert.equal(started, true, 'the debug session started');
    assert.deepEqual(runsOf(api, 'web'), before);
    assert.equal(vscode.tasks.taskExecutions.filter((e) => e.task.definition.name === 'web').length, 1);
  });

  it('terminating the task stops the run', async () => {
    const execution = await vscode.tasks.executeTask(await taskNamed('web'));
    const id = await waitFor(() => api.list().find((r) => r.name === 'web' && r.state === 'running')?.id, 'web to run');
    const pid = snapshot(api, id).pid!;
    const ended = new Promise<void>((resolve) => vscode.tasks.onDidEndTask((e) => e.execution === execution && resolve()));
    execution.terminate();
    await ended;
    await waitForState(api, id, 'terminated');
    assert.ok(gone(pid));
  });

  it('a tasks.json entry with a label of its own runs; an unknown name fails with a non-zero code', async () => {
    await vscode.workspace.getConfiguration('tasks').update(
      'tasks',
      [
        { type: 'devProcesses', name: 'fails3', label: 'Three' },
        { type: 'devProcesses', name: 'missing', label: 'Nothing here' },
      ],
      vscode.ConfigurationTarget.Workspace,
    );
    assert.equal(await runToEnd(await taskNamed('fails3', 'Three')), 3);
    const missing = await taskNamed('missing', 'Nothing here');
    const code = await runToEnd(missing);
    assert.ok(code !== undefined && code !== 0, `exit code ${code}`);
  });
});
