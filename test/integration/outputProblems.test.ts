import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, setTasks, waitFor, waitForState } from './helpers';

describe('problems from output in the Problems panel', function () {
  let api: DevProcessesApi;
  let dir: string;
  let input: string;
  let shown: vscode.Uri;

  before(async () => {
    api = await getApi();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-output-problems-'));
    input = path.join(dir, 'input.txt');
    // The matched path is relative: it must be taken from the run's cwd.
    shown = vscode.Uri.file(path.join(dir, 'src', 'a.ts'));
    fs.writeFileSync(input, 'ok\nok\nan error here\n');
    await setTasks(api, [
      { name: 'tscw', command: 'node', args: [fixture('tsc-watch.js'), input], cwd: dir, problemMatcher: '$tsc-watch' },
      { name: 'tscjob', kind: 'job', command: 'node', args: [fixture('tsc-watch.js'), input, 'src/a.ts', '--once'], cwd: dir, problemMatcher: '$tsc' },
    ]);
  });

  after(async () => {
    await vscode.commands.executeCommand('devProcesses.killAll');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const fromSource = (source: string) => vscode.languages.getDiagnostics(shown).filter((d) => d.source === source);

  it('a $tsc-style error becomes a diagnostic at its file and line, cleared when the next round begins', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'tscw');
    const [diagnostic] = await waitFor(() => fromSource('devProcesses: tscw').length === 1 && fromSource('devProcesses: tscw'), 'the diagnostic of the first round');
    assert.equal(diagnostic.range.start.line, 2);
    assert.equal(diagnostic.range.start.character, 4);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.code, 'TS2322');
    assert.equal(diagnostic.message, "Type 'string' is not assignable to type 'number'.");
    assert.equal(api.get(id)?.state, 'running');
    fs.writeFileSync(input, 'ok\n');
    await waitFor(() => api.output(id).some((l) => /File change detected/.test(l.text)), 'the next round');
    await waitFor(() => fromSource('devProcesses: tscw').length === 0, 'the diagnostics cleared by the new round');
    await vscode.commands.executeCommand('devProcesses.kill', id);
  });

  it('a new run of the definition starts with no problems', async () => {
    fs.writeFileSync(input, 'error\nerror\n');
    const first = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'tscjob');
    await waitForState(api, first, 'failed');
    const lines = await waitFor(() => fromSource('devProcesses: tscjob').length === 2 && fromSource('devProcesses: tscjob').map((d) => d.range.start.line), 'two diagnostics of the job');
    assert.deepEqual(lines, [0, 1]);
    // An ended run keeps its problems until the next run.
    assert.equal(fromSource('devProcesses: tscjob').length, 2);
    fs.writeFileSync(input, 'ok\n');
    const second = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'tscjob');
    await waitForState(api, second, 'completed');
    await waitFor(() => fromSource('devProcesses: tscjob').length === 0, 'the diagnostics cleared by the new run');
  });
});
