import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { fixture, getApi, setTasks, waitFor } from './helpers';

interface Shown {
  message: string;
  actions: string[];
}

type Show = (message: string, ...actions: string[]) => Thenable<string | undefined>;
const KINDS = ['showInformationMessage', 'showWarningMessage', 'showErrorMessage'] as const;

/** Records the notifications raised while the suite runs, instead of showing them. */
function recordNotifications(): { shown: Shown[]; restore(): void } {
  const shown: Shown[] = [];
  const window = vscode.window as unknown as Record<(typeof KINDS)[number], Show>;
  const originals = KINDS.map((kind) => window[kind]);
  for (const kind of KINDS) {
    window[kind] = (message: string, ...actions: string[]) => {
      shown.push({ message, actions: actions.filter((a) => typeof a === 'string') });
      return Promise.resolve(undefined);
    };
  }
  return { shown, restore: () => KINDS.forEach((kind, i) => (window[kind] = originals[i])) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('devProcesses.notify', function () {
  // Two notifications are at least ten seconds apart (a crash storm is grouped).
  this.timeout(90_000);
  let api: DevProcessesApi;
  let recorder: ReturnType<typeof recordNotifications>;
  const config = () => vscode.workspace.getConfiguration('devProcesses');

  let settingsUri: vscode.Uri;
  let original: Uint8Array;

  before(async () => {
    api = await getApi();
    settingsUri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, '.vscode', 'settings.json');
    original = await vscode.workspace.fs.readFile(settingsUri);
    recorder = recordNotifications();
    await setTasks(api, [
      { name: 'notify-fails', kind: 'job', command: 'node', args: [fixture('exit.js'), '3'] },
      { name: 'notify-missing', kind: 'job', command: 'no-such-command-dpm' },
      { name: 'notify-ok', kind: 'job', command: 'node', args: [fixture('exit.js'), '0'] },
    ]);
  });

  after(async () => {
    recorder.restore();
    // Other suites expect the fixture's settings as they were, comments and all.
    await vscode.workspace.fs.writeFile(settingsUri, original);
    await waitFor(() => !api.definitions().some((d) => d.name.startsWith('notify-')), 'the fixture settings to be read again');
  });

  const about = (name: string) => recorder.shown.filter((s) => s.message.includes(`"${name}"`));
  const run = async (name: string) => {
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', name);
    await waitFor(() => ['failed', 'completed'].includes(api.get(id)?.state ?? '') || undefined, `"${name}" to end`);
  };

  it('by default ("failures") a failed job notifies once, and a completed one does not', async () => {
    await run('notify-ok');
    await run('notify-fails');
    const [shown] = await waitFor(() => about('notify-fails').length > 0 && about('notify-fails'), 'a notification for the failed job');
    assert.match(shown.message, /"notify-fails" .*exit(ed)? .*3/);
    assert.deepEqual(shown.actions, ['Show Output', 'Restart']);
    await sleep(1500);
    assert.equal(about('notify-fails').length, 1, 'one notification per run');
    assert.deepEqual(about('notify-ok'), []);
  });

  it('a command that does not exist offers Open Settings, not Restart', async () => {
    await run('notify-missing');
    const [shown] = await waitFor(() => about('notify-missing').length > 0 && about('notify-missing'), 'a notification for the missing command', 30_000);
    assert.deepEqual(shown.actions, ['Open Settings', 'Show Output']);
    assert.doesNotMatch(shown.message, /^Dev Processes: Down/);
  });

  it('"none" raises nothing; "all" also tells of a completed job', async () => {
    await config().update('notify', 'none', vscode.ConfigurationTarget.Workspace);
    const before = recorder.shown.length;
    await run('notify-fails');
    await sleep(1500);
    assert.deepEqual(recorder.shown.slice(before), []);

    await config().update('notify', 'all', vscode.ConfigurationTarget.Workspace);
    await run('notify-ok');
    const done = await waitFor(() => about('notify-ok')[0], 'a notification for the completed job', 30_000);
    assert.match(done.message, /"notify-ok" completed after /);
  });
});
