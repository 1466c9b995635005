// @reload: runs on its own (DEVPROC_TEST_GREP=@reload), since it reloads the window: the suite
// runs once before the reload and again after it, told apart by a file in the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixture, getApi, setTasks, snapshot, waitFor, waitForOutput } from './helpers';

interface BeforeReload {
  service: { id: string; pid: number };
  job: { id: string; pid: number };
}

function stateFile(): string {
  return path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reload-test-state.json');
}

function logsDir(): string {
  return path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reload-test-logs');
}

/** The numbers of the ticker's lines (`tick N`) in these texts, in order. */
function tickNumbers(texts: string[]): number[] {
  return texts.flatMap((text) => /(?:^| )tick (\d+)$/.exec(text)?.map(Number).slice(1) ?? []);
}

describe('a window reload @reload', function () {
  this.timeout(120_000);

  it('keeps a service (same id and pid, its earlier output replayed) and a job that ends meanwhile reports its real exit code', async () => {
    const api = await getApi();
    const file = stateFile();
    if (!fs.existsSync(file)) {
      await vscode.workspace.getConfiguration('devProcesses').update('logs.directory', logsDir(), vscode.ConfigurationTarget.Workspace);
      await setTasks(api, [
        { name: 'ticker', command: 'node', args: [fixture('ticks.js'), 'tick', '1000000', '50'], healthCheck: { readiness: { type: 'log', pattern: '^tick 2$' } } },
        { name: 'late-job', command: 'node', args: [fixture('exit.js'), '3', '4000'], kind: 'job' },
      ]);
      const service = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'ticker');
      const job = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'late-job');
      await waitForOutput(api, service, /^tick 3$/);
      await waitFor(() => snapshot(api, service).health?.readiness === 'passing', 'the service to be ready');
      await waitForOutput(api, job, /^exiting with 3$/);
      const state: BeforeReload = { service: { id: service, pid: snapshot(api, service).pid! }, job: { id: job, pid: snapshot(api, job).pid! } };
      fs.writeFileSync(file, JSON.stringify(state));
      // A reload on a busy machine may take longer than the default grace.
      await vscode.workspace.getConfiguration('devProcesses').update('reconnectGraceMs', 90_000, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
      // This extension host ends with the reload; the suite runs again in the next one.
      await new Promise(() => undefined);
    }
    const before = JSON.parse(fs.readFileSync(file, 'utf8')) as BeforeReload;
    fs.rmSync(file);
    const service = await waitFor(() => api.get(before.service.id)?.state === 'running' && api.get(before.service.id), 'the service to be back', 20_000);
    assert.equal(service.pid, before.service.pid, 'the same process');
    assert.equal(service.health?.readiness, 'passing', 'ready as before the reload, with no wait for its probe');
    const said = api.output(before.service.id).filter((l) => l.stream === 'system').map((l) => l.text);
    assert.ok(said.includes('Ready: it was ready before the window reloaded.'), said.join('\n'));
    assert.ok(!said.some((text) => text.startsWith('Started:')), 'not said to be started again');
    await waitForOutput(api, before.service.id, /^tick 2$/);
    // Its output before the reload, replayed, shows once, and its log file holds each line once.
    const shown = tickNumbers(api.output(before.service.id).map((l) => l.text));
    assert.equal(new Set(shown).size, shown.length, `ticks shown twice: ${shown.join(' ')}`);
    const live = Math.max(...shown);
    const logged = await waitFor(() => {
      // The line that says it became ready quotes the tick that made it so.
      const ticks = tickNumbers(fs.readFileSync(path.join(logsDir(), 'ticker.log'), 'utf8').split('\n').filter((line) => !line.includes('Ready: a line matched')));
      return ticks.includes(live) && ticks;
    }, `tick ${live} in the log file`);
    // Its stdout and stderr are read apart: two lines close together may be logged in either order.
    const upTo = logged.filter((n) => n <= live).sort((a, b) => a - b);
    assert.deepEqual(upTo, [...Array(live + 1).keys()], 'each tick once in the log file');
    const job = await waitFor(() => api.get(before.job.id)?.endedAt != null && api.get(before.job.id), 'the job to have ended', 20_000);
    assert.equal(job.pid, before.job.pid);
    assert.equal(job.exitCode, 3, 'its real exit code');
    assert.ok(api.output(before.job.id).some((l) => l.text === 'exiting with 3'), 'its output from before the reload');
    await vscode.commands.executeCommand('devProcesses.kill', before.service.id);
    await vscode.workspace.getConfiguration('devProcesses').update('logs.directory', undefined, vscode.ConfigurationTarget.Workspace);
  });
});
