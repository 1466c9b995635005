import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, gone, setTasks, snapshot, waitFor, waitForOutput, waitForState, workspaceSettingsUri } from './helpers';

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
    // The suites after this one expect settings without problems.
    await setTasks(api, stack);
    await waitFor(() => api.problems().length === 0, 'the problem to clear');
  });
});

/** A service that prints the variables named, then runs until stopped. */
const printsEnv = (name: string, vars: string[], extra: object = {}) => ({
  name,
  command: 'node',
  args: ['-e', `console.log('env ' + JSON.stringify(Object.fromEntries(${JSON.stringify(vars)}.map((v) => [v, process.env[v] ?? null])))); setInterval(() => {}, 1 << 30);`],
  ...extra,
});

describe('profiles in a real extension host', function () {
  let api: DevProcessesApi;
  const config = () => vscode.workspace.getConfiguration('devProcesses');
  const envOf = async (id: string) => JSON.parse((await waitForOutput(api, id, /^env /)).slice(4)) as Record<string, string | null>;
  const latest = (name: string) => api.get(name);

  before(async () => {
    api = await getApi();
    await setTasks(api, [
      printsEnv('prof-web', ['STAGE', 'OWN', 'ROOT'], { env: { OWN: 'own', STAGE: 'own' }, dependsOn: ['prof-db'], group: 'prof-front' }),
      printsEnv('prof-db', ['STAGE']),
      printsEnv('prof-tools', ['STAGE']),
    ]);
    await config().update('profiles', {
      dev: { start: ['prof-front'], env: { STAGE: 'dev', ROOT: '${workspaceFolder}' } },
      tools: { start: ['prof-tools', 'prof-db'], env: { STAGE: 'tools' } },
    }, vscode.ConfigurationTarget.Workspace);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  after(async () => {
    await config().update('activeProfile', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('profiles', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.problems().length === 0, 'the profile problems to clear');
  });

  it("switchProfile with a name starts the profile's members after their dependencies, with its env over theirs", async () => {
    const ids = await vscode.commands.executeCommand<string[]>('devProcesses.switchProfile', 'dev', { restart: true });
    assert.equal(config().get('activeProfile'), 'dev');
    assert.deepEqual(ids.map((id) => snapshot(api, id).name), ['prof-web']);
    const db = await waitFor(() => latest('prof-db'), 'the dependency to start');
    assert.deepEqual(await envOf(db.id), { STAGE: 'dev' }, 'the dependency it started gets the env too');
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    assert.deepEqual(await envOf(ids[0]), { STAGE: 'dev', OWN: 'own', ROOT: root });
  });

  it('a member started by hand gets the env of the active profile; others do not', async () => {
    const [web] = await vscode.commands.executeCommand<string[]>('devProcesses.switchProfile', 'dev', { restart: false });
    await vscode.commands.executeCommand('devProcesses.kill', web);
    const again = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'prof-web');
    assert.equal((await envOf(again)).STAGE, 'dev');
    const tools = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'prof-tools');
    assert.deepEqual(await envOf(tools), { STAGE: null });
  });

  it('switching with restart: stops what the new profile does not start, restarts what changes env, starts the rest', async () => {
    const [web] = await vscode.commands.executeCommand<string[]>('devProcesses.switchProfile', 'dev', { restart: true });
    await waitForState(api, web, 'running');
    const db = latest('prof-db')!.id;
    await waitForState(api, db, 'running');
    const ids = await vscode.commands.executeCommand<string[]>('devProcesses.switchProfile', 'tools', { restart: true });
    assert.equal(snapshot(api, web).state, 'terminated', 'a definition the new profile does not start kept running');
    assert.equal(snapshot(api, db).state, 'terminated', 'the dependency whose env changed was not restarted');
    assert.deepEqual(ids.map((id) => snapshot(api, id).name).sort(), ['prof-db', 'prof-tools']);
    for (const id of ids) assert.deepEqual(await envOf(id), { STAGE: 'tools' });
  });

  it('switching without restart only starts the new profile\'s; "No profile" with null', async () => {
    const [tools] = await vscode.commands.executeCommand<string[]>('devProcesses.switchProfile', 'tools', { restart: true });
    await waitForState(api, tools, 'running');
    const ids = await vscode.commands.executeCommand<string[]>('devProcesses.switchProfile', 'dev', { restart: false });
    assert.equal(snapshot(api, tools).state, 'running');
    assert.equal(api.definitions().length, 3);
    assert.deepEqual(ids.map((id) => snapshot(api, id).name), ['prof-web']);
    assert.deepEqual(await vscode.commands.executeCommand('devProcesses.switchProfile', null, { restart: false }), []);
    assert.equal(config().get('activeProfile') || undefined, undefined);
  });

  it('an unknown profile is a clear error; a bad profile is a located problem and the rest works', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('devProcesses.switchProfile', 'nope', { restart: false })),
      (err: Error) => /There is no profile named "nope" \(profiles: "dev", "tools"\)/.test(err.message),
    );
    await config().update('profiles', { dev: { start: ['prof-wbe', 'prof-web'] } }, vscode.ConfigurationTarget.Workspace);
    const problem = await waitFor(() => api.problems().find((p) => p.field === 'dev.start[0]'), 'the profile problem');
    assert.match(problem.message, /"prof-wbe", which is neither a definition nor a group \(did you mean "prof-web"\?\)/);
    const diagnostic = await waitFor(() => vscode.languages.getDiagnostics(workspaceSettingsUri()).find((d) => d.code === 'dev.start[0]'), 'the diagnostic in settings.json');
    // Read from disk: a document opened here would stay open for the suites after this one.
    const lines = new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceSettingsUri())).split(/\r?\n/);
    const { start, end } = diagnostic.range;
    assert.equal(start.line, end.line);
    assert.equal(lines[start.line].slice(start.character, end.character), '"prof-wbe"');
    const ids = await vscode.commands.executeCommand<string[]>('devProcesses.switchProfile', 'dev', { restart: false });
    assert.deepEqual(ids.map((id) => snapshot(api, id).name), ['prof-web']);
  });
});
