import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, gone, setTasks, snapshot, waitFor, waitForState } from './helpers';

const READY_AFTER_MS = 400;

const service = (name: string, script: string, args: string[], extra: object = {}) => ({ name, command: 'node', args: [fixture(script), ...args], ...extra });

const stack = [
  service('grp-web', 'hang.js', [], { group: ['grp-stack', 'grp-front'], dependsOn: ['grp-db'] }),
  service('grp-db', 'ready-later.js', [String(READY_AFTER_MS)], {
    group: 'grp-stack',
    healthCheck: { readiness: { type: 'log', pattern: '^ready$' } },
  }),
  service('grp-lone', 'hang.js', []),
];

describe('groups in a real extension host', function () {
  let api: DevProcessesApi;

  before(async () => {
    api = await getApi();
    await setTasks(api, stack);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  it('the API lists each definition with its groups', () => {
    const byName = new Map(api.definitions().map((d) => [d.name, d]));
    assert.deepEqual(byName.get('grp-web')?.group, ['grp-stack', 'grp-front']);
    assert.deepEqual(byName.get('grp-db')?.group, ['grp-stack']);
    assert.equal(byName.get('grp-lone')?.group, undefined);
  });

  it('startGroup starts a dependent only once its dependency is ready, and resolves to the runs', async () => {
    const ids = await vscode.commands.executeCommand<string[]>('devProcesses.startGroup', 'grp-stack');
    assert.deepEqual(ids.map((id) => snapshot(api, id).name), ['grp-db', 'grp-web']);
    const [db, web] = ids;
    assert.equal(snapshot(api, web).state, 'queued', 'the dependent waits for its dependency');
    await waitForState(api, web, 'running');
    assert.equal(snapshot(api, db).ready, true);
    assert.ok(snapshot(api, web).startedAt! >= snapshot(api, db).startedAt! + READY_AFTER_MS, 'web started before db was ready');
    assert.equal(api.get('grp-lone'), undefined, 'a definition outside the group started');
  });

  it('stopGroup resolves once every process of the group is gone; the others keep running', async () => {
    const ids = await vscode.commands.executeCommand<string[]>('devProcesses.startGroup', 'grp-stack');
    const lone = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'grp-lone');
    await waitForState(api, ids[1], 'running');
    const pids = ids.map((id) => snapshot(api, id).pid!);
    await vscode.commands.executeCommand('devProcesses.stopGroup', 'grp-stack');
    assert.deepEqual(pids.filter((pid) => !gone(pid)), []);
    assert.deepEqual(ids.map((id) => snapshot(api, id).state), ['terminated', 'terminated']);
    assert.equal(snapshot(api, lone).state, 'running');
  });

  it('restartGroup stops the group and starts it again in dependency order: new runs', async () => {
    const first = await vscode.commands.executeCommand<string[]>('devProcesses.startGroup', 'grp-front');
    await waitForState(api, first[0], 'running');
    const again = await vscode.commands.executeCommand<string[]>('devProcesses.restartGroup', 'grp-front');
    assert.equal(again.length, 1);
    assert.notEqual(again[0], first[0]);
    assert.equal(snapshot(api, first[0]).state, 'terminated');
    await waitForState(api, again[0], 'running');
  });

  it('startAll starts every definition, dependencies first', async () => {
    const ids = await vscode.commands.executeCommand<string[]>('devProcesses.startAll');
    assert.deepEqual(ids.map((id) => snapshot(api, id).name), ['grp-db', 'grp-lone', 'grp-web']);
    await waitFor(() => ids.every((id) => api.get(id)?.state === 'running'), 'every run to be running');
  });

  it('an unknown group is a clear error', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('devProcesses.startGroup', 'grp-nope')),
      (err: Error) => /There is no group named "grp-nope" \(groups: "grp-front", "grp-stack"\)/.test(err.message),
    );
  });

  it('a bad "group" is a problem at the field and the entry gives no definition', async () => {
    await setTasks(api, [...stack, service('grp-bad', 'hang.js', [], { group: 7 })]);
    await waitFor(() => api.problems().some((p) => p.name === 'grp-bad'), 'the problem');
    const problem = api.problems().find((p) => p.name === 'grp-bad')!;
    assert.equal(problem.field, 'group');
    assert.ok(!api.definitions().some((d) => d.name === 'grp-bad'));
  });
});
