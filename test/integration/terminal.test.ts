import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, setTasks, snapshot, waitFor, waitForOutput, waitForState } from './helpers';

const TITLE = 'Dev Processes: colors';

function terminalsNamed(name: string): vscode.Terminal[] {
  return vscode.window.terminals.filter((t) => t.name === name);
}

describe('the terminal view in a real extension host', function () {
  let api: DevProcessesApi;

  before(async () => {
    api = await getApi();
    await setTasks(api, [
      { name: 'colors', command: 'node', args: [fixture('colors.js')], restart: { policy: 'never' } },
      { name: 'rawtty', command: 'node', args: [fixture('tty.js'), '--raw'], tty: true, restart: { policy: 'never' } },
    ]);
  });

  afterEach(async () => {
    for (const t of vscode.window.terminals) if (t.name.startsWith('Dev Processes')) t.dispose();
    await vscode.workspace.getConfiguration('devProcesses').update('output.view', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  it('showTerminal opens one terminal per definition; keys reach stdin, Ctrl+C is SIGINT, closing it stops nothing', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'colors');
    await waitForOutput(api, id, /progress 100%/);
    await vscode.commands.executeCommand('devProcesses.showTerminal', 'colors');
    await vscode.commands.executeCommand('devProcesses.showTerminal', id);
    assert.equal(terminalsNamed(TITLE).length, 1, 'a second call shows the same terminal');
    const terminal = terminalsNamed(TITLE)[0];
    terminal.sendText('hi', true);
    await waitForOutput(api, id, /got 68690a$/);
    terminal.dispose();
    await waitFor(() => terminalsNamed(TITLE).length === 0, 'the terminal to close');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(snapshot(api, id).state, 'running', 'closing the terminal is not a stop');
    await vscode.commands.executeCommand('devProcesses.showTerminal', id);
    terminalsNamed(TITLE)[0].sendText('\u0003', false);
    await waitForOutput(api, id, /interrupted$/);
    await waitForState(api, id, 'failed');
    assert.equal(snapshot(api, id).exitCode, 130);
  });

  it('showOutput opens the terminal by default, and the channel with output.view "channel"', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'colors');
    await waitForOutput(api, id, /progress 100%/);
    await vscode.commands.executeCommand('devProcesses.showOutput', id);
    await waitFor(() => terminalsNamed(TITLE).length === 1, 'the terminal');
    terminalsNamed(TITLE)[0].dispose();
    await waitFor(() => terminalsNamed(TITLE).length === 0, 'the terminal to close');
    await vscode.workspace.getConfiguration('devProcesses').update('output.view', 'channel', vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('devProcesses.showOutput', id);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(terminalsNamed(TITLE).length, 0, 'no terminal with output.view "channel"');
  });

  it('a tty: true run follows the terminal view: its size, and keys as typed without Enter', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'rawtty');
    await waitForOutput(api, id, /^ready$/);
    await vscode.commands.executeCommand('devProcesses.showTerminal', 'rawtty');
    const terminal = await waitFor(() => terminalsNamed('Dev Processes: rawtty')[0], 'the terminal');
    // It starts at 120x30; only the view's size can change that (SIGWINCH).
    const size = await waitForOutput(api, id, /^size \d+x\d+$/);
    assert.notEqual(size, 'size 120x30');
    terminal.sendText('x', false);
    await waitForOutput(api, id, /^bytes 78$/);
  });

  it('output() gives plain text, or the text as written with ansi, and only lines since a time', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'colors');
    await waitForOutput(api, id, /progress 100%/);
    const plain = api.output(id).find((l) => l.text.includes('red plain'));
    assert.equal(plain?.text, 'red plain');
    const ansi = api.output(id, { ansi: true }).find((l) => l.text.includes('plain'));
    assert.equal(ansi?.text, '\u001b[31mred\u001b[0m plain');
    const last = api.output(id).at(-1)!;
    assert.ok(api.output(id, { since: last.at }).length >= 1);
    assert.equal(api.output(id, { since: last.at + 1 }).length, 0);
    assert.throws(() => api.output(id, { since: Number.NaN }), /since/);
  });
});
