import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, gone, setTasks, snapshot, waitFor, waitForOutput, waitForState, workspaceSettingsUri } from './helpers';

const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
const sourceOf = (api: DevProcessesApi, name: string) => api.definitions().find((d) => d.name === name)?.source;

/** Files this suite writes into the workspace, removed after it so that no other suite sees them. */
const written = new Set<string>();

function write(relative: string, text: string): string {
  const file = path.join(root(), relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  written.add(file);
  return file;
}

const packageJson = (scripts: Record<string, string>) => JSON.stringify({ name: 'sample', private: true, scripts }, null, 2);

describe('detected definitions in a real extension host', function () {
  let api: DevProcessesApi;
  let settingsBefore: string | undefined;

  before(async () => {
    api = await getApi();
    settingsBefore = fs.readFileSync(workspaceSettingsUri().fsPath, 'utf8');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  after(async () => {
    for (const file of written) fs.rmSync(file, { force: true });
    await vscode.workspace.getConfiguration('devProcesses').update('detect', undefined, vscode.ConfigurationTarget.Workspace);
    if (settingsBefore !== undefined) fs.writeFileSync(workspaceSettingsUri().fsPath, settingsBefore);
    await waitFor(() => !api.definitions().some((d) => d.source !== 'settings'), 'the detected entries to go');
  });

  it('package.json scripts appear live as "npm: SCRIPT" with their source, and run with the same engine', async () => {
    write('package.json', packageJson({ serve: `node ${JSON.stringify(fixture('ticks.js'))} tick 100000 50`, check: 'node -e "process.exit(3)"' }));
    await waitFor(() => sourceOf(api, 'npm: serve') === 'npm' && sourceOf(api, 'npm: check') === 'npm', 'the scripts to be detected');
    const settingsNames = api.definitions().filter((d) => d.source === 'settings').map((d) => d.name);
    assert.ok(settingsNames.length > 0 && !settingsNames.some((n) => n.startsWith('npm: ')));

    const id = await vscode.commands.executeCommand<string>('devProcesses.start', 'npm: serve');
    await waitForState(api, id, 'running');
    await waitForOutput(api, id, /tick/);
    const pid = snapshot(api, id).pid!;
    await vscode.commands.executeCommand('devProcesses.kill', 'npm: serve');
    assert.ok(gone(pid), 'the whole tree of the script is gone');

    const job = await vscode.commands.executeCommand<string>('devProcesses.start', 'npm: check');
    const ended = await waitForState(api, job, 'failed');
    assert.equal(ended.exitCode, 3);
  });

  it('a script removed from package.json leaves the detected list', async () => {
    write('package.json', packageJson({ serve: 'node x.js' }));
    await waitFor(() => sourceOf(api, 'npm: check') === undefined && sourceOf(api, 'npm: serve') === 'npm', 'the removed script to go');
  });

  it('a Procfile appears as "Procfile: NAME"; a malformed package.json is one problem at its place, and the other sources keep working', async () => {
    write('Procfile', `web: node ${JSON.stringify(fixture('ticks.js'))} tick 100000 50\n`);
    await waitFor(() => sourceOf(api, 'Procfile: web') === 'Procfile', 'the Procfile entry');
    const file = write('package.json', '{\n  "name": "sample",\n  "scripts": {\n    "serve": "node x.js",,\n  }\n}\n');
    const uri = vscode.Uri.file(file);
    const diagnostics = await waitFor(() => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Dev Processes');
      return found.length > 0 && found;
    }, 'a problem in package.json');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].range.start.line, 3);
    assert.equal(sourceOf(api, 'Procfile: web'), 'Procfile');
    assert.deepEqual(api.problems(), [], 'the settings have no problem of their own');

    write('package.json', packageJson({ serve: 'node x.js' }));
    await waitFor(() => vscode.languages.getDiagnostics(uri).every((d) => d.source !== 'Dev Processes'), 'the problem to go once fixed');
  });

  it('a compose file appears as "compose: SERVICE": its YAML parser, loaded on first use, is found next to the bundle', async () => {
    write('compose.yaml', 'services:\n  cache:\n    image: redis\n');
    await waitFor(() => sourceOf(api, 'compose: cache') === 'compose', 'the compose service to be detected');
    fs.rmSync(path.join(root(), 'compose.yaml'));
    await waitFor(() => sourceOf(api, 'compose: cache') === undefined, 'the compose service to go with its file');
  });

  it('devProcesses.detect turns a source off', async () => {
    await waitFor(() => sourceOf(api, 'npm: serve') === 'npm', 'the script');
    await vscode.workspace.getConfiguration('devProcesses').update('detect', { npm: false }, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => sourceOf(api, 'npm: serve') === undefined, 'npm detection to be off');
    assert.equal(sourceOf(api, 'Procfile: web'), 'Procfile');
    await vscode.workspace.getConfiguration('devProcesses').update('detect', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => sourceOf(api, 'npm: serve') === 'npm', 'npm detection to be on again');
  });

  it('"Add to Settings" writes a full definition into settings.json; it is ours from then on, and the detected row is gone', async () => {
    const before = api.definitions().filter((d) => d.source === 'settings').length;
    const uri = await vscode.commands.executeCommand<vscode.Uri>('devProcesses.addToSettings', 'Procfile: web');
    assert.equal(uri.fsPath, workspaceSettingsUri().fsPath);
    await waitFor(() => sourceOf(api, 'Procfile: web') === 'settings', 'the entry to be read from the settings');
    assert.equal(api.definitions().filter((d) => d.name === 'Procfile: web').length, 1);
    assert.equal(api.definitions().filter((d) => d.source === 'settings').length, before + 1);
    const written = vscode.workspace.getConfiguration('devProcesses').get<{ name: string; command: string }[]>('tasks')!;
    const entry = written.find((e) => e.name === 'Procfile: web');
    assert.ok(entry && /ticks\.js/.test(JSON.stringify(entry)), JSON.stringify(entry));
    const id = await vscode.commands.executeCommand<string>('devProcesses.start', 'Procfile: web');
    await waitForOutput(api, id, /tick/);

    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('devProcesses.addToSettings', 'no such entry')),
      /not a detected entry/,
    );
    // Restores the suite's settings for the ones after it.
    await setTasks(api, written.filter((e) => e.name !== 'Procfile: web'));
  });
});
