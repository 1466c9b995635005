import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, setTasks, waitFor, waitForState } from './helpers';

const FLOOD_MB = 100;
const MAX_SIZE_MB = 8;
const MAX_FILES = 20;

/** The log file set of a definition, oldest first: NAME.19.log ... NAME.1.log, NAME.log. */
function logSet(dir: string, name: string): string[] {
  const files = fs.readdirSync(dir).filter((f) => f === `${name}.log` || new RegExp(`^${name}\\.\\d+\\.log$`).test(f));
  const index = (f: string) => Number(/\.(\d+)\.log$/.exec(f)?.[1] ?? 0);
  return files.sort((a, b) => index(b) - index(a)).map((f) => path.join(dir, f));
}

describe('log files in a real extension host', function () {
  let api: DevProcessesApi;
  let dir: string;
  const config = () => vscode.workspace.getConfiguration('devProcesses');

  before(async () => {
    api = await getApi();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-logfiles-'));
    await config().update('logs.directory', dir, vscode.ConfigurationTarget.Workspace);
    await config().update('logs.maxSizeMB', MAX_SIZE_MB, vscode.ConfigurationTarget.Workspace);
    await config().update('logs.maxFiles', MAX_FILES, vscode.ConfigurationTarget.Workspace);
    await setTasks(api, [
      // No maxOutputMBps: the output channel cuts the flood, the file must not.
      { name: 'flood', kind: 'job', command: 'node', args: [fixture('flood-numbered.js'), String(FLOOD_MB)] },
      { name: 'web/api: v1.2', kind: 'job', command: 'node', args: [fixture('exit.js'), '0'] },
    ]);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const key of ['logs.directory', 'logs.maxSizeMB', 'logs.maxFiles']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps every line of a ${FLOOD_MB} MB flood in order across rotated files, each within its bounds`, async function () {
    this.timeout(240_000);
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'flood');
    await waitFor(() => api.get(id)?.state === 'completed', 'the flood to complete', 180_000);
    // Lines reach the file in order: once the last one is there, every earlier one is.
    const current = path.join(dir, 'flood.log');
    await waitFor(() => fs.existsSync(current) && /sys "flood" exited with code 0[^\n]*\n$/.test(fs.readFileSync(current, 'utf8').slice(-400)), 'the exit line in flood.log', 60_000);

    const files = logSet(dir, 'flood');
    assert.ok(files.length > 1, 'the flood was rotated');
    assert.ok(files.length <= MAX_FILES, `${files.length} files, at most ${MAX_FILES}`);
    let next = 0;
    let wrote: number | undefined;
    for (const file of files) {
      const size = fs.statSync(file).size;
      assert.ok(size <= MAX_SIZE_MB * 1024 * 1024, `${path.basename(file)} holds ${size} bytes`);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      for (const row of fs.readFileSync(file, 'utf8').split('\n')) {
        const line = / out line (\d{12}) /.exec(row);
        if (line) {
          assert.equal(Number(line[1]), next, `line ${next} comes next in ${path.basename(file)}`);
          next++;
        }
        const total = / err flood-numbered: wrote (\d+) lines$/.exec(row);
        if (total) wrote = Number(total[1]);
      }
    }
    assert.ok(wrote !== undefined && wrote > 1_000_000, `the fixture said how many lines it wrote (${wrote})`);
    assert.equal(next, wrote, 'every line is in the files');
  });

  it('Open Log File opens the current file of a definition whose name is not a safe file name', async () => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'web/api: v1.2');
    await waitForState(api, id, 'completed');
    await vscode.commands.executeCommand('devProcesses.openLogFile', id);
    const editor = await waitFor(() => vscode.window.activeTextEditor, 'an editor');
    assert.equal(editor.document.uri.fsPath, path.join(dir, 'web_api_ v1_2.log'));
    assert.match(editor.document.getText(), /^\S+Z sys Started: /);
    assert.match(editor.document.getText(), /sys "web\/api: v1\.2" exited with code 0/);
  });
});
