import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, setTasks, snapshot, waitFor, waitForOutput, waitForState } from './helpers';

const LISTENING = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//;

/** The inspector ports the run's output announced, in order. */
function ports(api: DevProcessesApi, id: string): number[] {
  return api.output(id).flatMap((l) => (l.stream === 'stderr' && LISTENING.exec(l.text) ? [Number(LISTENING.exec(l.text)![1])] : []));
}

describe('debugging a Node service in a real extension host', function () {
  let api: DevProcessesApi;
  const sessions: vscode.DebugSession[] = [];
  const listener = vscode.debug.onDidStartDebugSession((s) => sessions.push(s));
  /** The top session attached to `port` (js-debug adds a child session per target). */
  const sessionOn = (port: number) => sessions.find((s) => !s.parentSession && s.configuration.port === port);

  before(async () => {
    api = await getApi();
    const crashCounter = path.join(os.tmpdir(), `devproc-debug-crash-${process.pid}-${Date.now()}`);
    await setTasks(api, [
      { name: 'debugged', command: 'node', args: [fixture('hang.js')], kind: 'service', debug: { type: 'node' } },
      { name: 'debugged-stops', command: 'node', args: [fixture('hang.js')], kind: 'service', debug: { type: 'node', stopWithSession: true } },
      {
        name: 'debugged-crash',
        command: 'node',
        args: [fixture('crash-once.js'), crashCounter, '3000'],
        kind: 'service',
        restart: { policy: 'on-failure', initialDelayMs: 100 },
        debug: { type: 'node' },
      },
    ]);
  });

  afterEach(async () => {
    await vscode.debug.stopDebugging();
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  after(() => listener.dispose());

  it('Debug restarts the service with --inspect and attaches js-debug to the port it reports', async () => {
    const first = await vscode.commands.executeCommand<string>('devProcesses.start', 'debugged');
    await waitForState(api, first, 'running');
    const id = await vscode.commands.executeCommand<string>('devProcesses.debug', 'debugged');
    assert.notEqual(id, first, 'a new run');
    await waitForOutput(api, id, LISTENING);
    const [port] = ports(api, id);
    const session = await waitFor(() => sessionOn(port), `a debug session on port ${port}`);
    assert.match(session.type, /^(pwa-)?node$/);
    assert.equal(session.name, 'Dev Processes: debugged');
    assert.ok(vscode.debug.activeDebugSession, 'a session is active');
    assert.equal(snapshot(api, id).state, 'running');
    assert.equal(snapshot(api, first).state, 'terminated');
  });

  it('attaches again after a crash restart, to the new port, in the same run', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.debug', 'debugged-crash');
    await waitForOutput(api, id, LISTENING);
    const [before] = ports(api, id);
    await waitFor(() => sessionOn(before), 'the first session');
    await waitFor(() => ports(api, id).length === 2 && snapshot(api, id).restarts === 1, 'the crash restart', 20_000);
    const after = ports(api, id)[1];
    assert.notEqual(after, before);
    await waitFor(() => sessionOn(after), `a new session on port ${after}`);
    assert.equal(snapshot(api, id).state, 'running');
  });

  it('ending the session leaves the service running', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.debug', 'debugged');
    await waitForOutput(api, id, LISTENING);
    const session = await waitFor(() => sessionOn(ports(api, id)[0]), 'the session');
    await vscode.debug.stopDebugging(session);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(snapshot(api, id).state, 'running');
    assert.equal(snapshot(api, id).attempts, 1);
  });

  it('with stopWithSession, ending the session stops the service', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.debug', 'debugged-stops');
    await waitForOutput(api, id, LISTENING);
    const session = await waitFor(() => sessionOn(ports(api, id)[0]), 'the session');
    await vscode.debug.stopDebugging(session);
    await waitForState(api, id, 'terminated');
  });

  it('a definition without "debug" is refused with the field named, and nothing is restarted', async () => {
    await setTasks(api, [{ name: 'plain', command: 'node', args: [fixture('hang.js')], kind: 'service' }]);
    const id = await vscode.commands.executeCommand<string>('devProcesses.start', 'plain');
    await waitForState(api, id, 'running');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('devProcesses.debug', 'plain')), /"plain" has no "debug" field/);
    assert.equal(snapshot(api, id).state, 'running');
    assert.equal(api.list().filter((r) => r.name === 'plain').length, 1);
  });
});
