import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DevProcessesApi, ProcessSnapshot } from '../../src/api/api';
import { fixture, getApi, gone, setTasks, waitFor, waitForOutput, waitForState } from './helpers';

function runningOf(api: DevProcessesApi, name: string, not: string): ProcessSnapshot | undefined {
  return api.list().find((r) => r.name === name && r.state === 'running' && r.id !== not);
}

/**
 * Writes the file until `done` holds: the editor's watcher starts listening a moment after it is
 * asked, and a change made before that is not seen; on a loaded machine that moment was seen to
 * grow long.
 */
async function changeUntil(file: string, done: () => boolean, what: string): Promise<void> {
  let n = 0;
  const deadline = Date.now() + 45_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    fs.writeFileSync(file, `change ${++n}\n`);
    const next = Date.now() + 1500;
    while (!done() && Date.now() < next) await new Promise((r) => setTimeout(r, 25));
  }
}

describe('watch: restart on change in a real extension host @watch', function () {
  this.timeout(90_000);
  let api: DevProcessesApi;
  let dir: string;

  before(async () => {
    api = await getApi();
    dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'watched');
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  after(async () => {
    await setTasks(api, []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a change of a watched file restarts the service: a new pid, and the output names the file', async () => {
    await setTasks(api, [{ name: 'watched-web', command: 'node', args: [fixture('hang.js')], cwd: dir, watch: { paths: ['src/**/*.txt'], debounceMs: 100 } }]);
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'watched-web');
    const first = await waitForState(api, id, 'running');
    await changeUntil(path.join(dir, 'src', 'app.txt'), () => runningOf(api, 'watched-web', id) !== undefined, 'a restart');
    await waitForOutput(api, id, /^restarting: src\/app\.txt changed$/);
    const next = runningOf(api, 'watched-web', id)!;
    assert.notEqual(next.pid, first.pid);
    await waitFor(() => gone(first.pid!), 'the old process to be gone');
    assert.equal(api.get(next.id)!.watch!.lastChange!.file, 'src/app.txt');
  });

  it('with a build gate: a failing build keeps the old pid serving and says stale; a good build restarts', async () => {
    const flag = path.join(dir, 'build.flag');
    fs.writeFileSync(flag, 'broken');
    await setTasks(api, [
      { name: 'gated-build', kind: 'job', command: 'node', args: [fixture('build-if.js'), flag], cwd: dir },
      { name: 'gated-web', command: 'node', args: [fixture('hang.js')], cwd: dir, watch: { paths: ['src'], debounceMs: 100, build: 'gated-build' } },
    ]);
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'gated-web');
    const first = await waitForState(api, id, 'running');
    await changeUntil(path.join(dir, 'src', 'lib.txt'), () => api.get(id)?.watch?.status === 'stale', 'stale');
    await waitForOutput(api, id, /^stale: build failed \("gated-build" failed: exited with code 1\); the previous process keeps serving\.$/);
    assert.equal(api.get(id)!.watch!.message, 'stale: build failed');
    assert.equal(api.get(id)!.state, 'running');
    assert.ok(!gone(first.pid!), 'the old process keeps serving');

    fs.writeFileSync(flag, 'ok');
    await changeUntil(path.join(dir, 'src', 'lib.txt'), () => runningOf(api, 'gated-web', id) !== undefined, 'a restart after a good build');
    const next = runningOf(api, 'gated-web', id)!;
    assert.notEqual(next.pid, first.pid);
    await waitFor(() => api.get(next.id)?.watch?.status === 'watching' && api.get(next.id)?.watch?.message === null, 'the stale mark to clear');
  });

  it('a service that writes into its own watched folder is paused, not restarted in a loop', async () => {
    await setTasks(api, [{ name: 'self-writer', command: 'node', args: [fixture('writes-own-file.js'), 'state.json'], cwd: dir, watch: { paths: ['*.json'], debounceMs: 100 } }]);
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'self-writer');
    await waitForState(api, id, 'running');
    const paused = () => api.list().find((r) => r.name === 'self-writer' && r.state === 'running' && r.watch?.status === 'paused');
    await changeUntil(path.join(dir, 'nudge.json'), () => api.list().some((r) => r.name === 'self-writer' && r.id !== id), 'a first restart');
    const run = await waitFor(paused, 'the watch to pause', 30_000);
    const line = await waitForOutput(api, run.id, /^watch paused:/);
    assert.match(line, /changed state\.json right after each of its last \d+ restarts/);
    assert.match(line, /"watch\.exclude"/);
    const count = api.list().filter((r) => r.name === 'self-writer').length;
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(api.list().filter((r) => r.name === 'self-writer').length, count, 'no restart after the pause');
    assert.equal(api.get(run.id)!.state, 'running');
  });
});
