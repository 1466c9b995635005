import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { getApi, setTasks, waitFor } from './helpers';

/** The diagnostics the extension shows for a file. */
function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Dev Processes');
}

/** The range of the only occurrence of `needle` in `text`, computed without the extension's code. */
function rangeOf(text: string, needle: string): vscode.Range {
  const start = text.indexOf(needle);
  assert.ok(start >= 0 && text.indexOf(needle, start + 1) < 0, `${JSON.stringify(needle)} is not in the settings exactly once`);
  const position = (offset: number) => {
    const lines = text.slice(0, offset).split(/\r\n|\r|\n/);
    return new vscode.Position(lines.length - 1, lines[lines.length - 1].length);
  };
  return new vscode.Range(position(start), position(start + needle.length));
}

async function readSettings(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

describe('problems in settings.json', () => {
  let api: DevProcessesApi;
  let settingsUri: vscode.Uri;
  let original: string;
  let originalNames: string[];

  before(async () => {
    api = await getApi();
    settingsUri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, '.vscode', 'settings.json');
    original = await readSettings(settingsUri);
    originalNames = api.definitions().map((d) => d.name);
  });

  after(async () => {
    // Other suites expect the fixture's definitions, comments and all.
    await vscode.workspace.fs.writeFile(settingsUri, new TextEncoder().encode(original));
    await waitFor(
      () => api.problems().length === 0 && originalNames.every((n) => api.definitions().some((d) => d.name === n)),
      'the fixture settings to be read again',
    );
    await waitFor(() => ours(settingsUri).length === 0, 'the diagnostics to clear');
  });

  it('shows a bad field at its value in the Problems panel and clears it once fixed', async () => {
    await setTasks(api, [
      { name: 'diag-ok', command: 'node' },
      { name: 'diag-bad', command: 'node', args: ['--flag', 424242] },
    ]);
    const text = await readSettings(settingsUri);
    const [diagnostic] = await waitFor(() => ours(settingsUri).length > 0 && ours(settingsUri), 'a diagnostic on settings.json');
    assert.equal(ours(settingsUri).length, 1);
    const problem = api.problems().find((p) => p.name === 'diag-bad');
    assert.ok(problem, 'the API reports the problem too');
    assert.equal(diagnostic.message, problem.message);
    assert.match(diagnostic.message, /"args" must be an array of strings; item 1 is a number/);
    assert.deepEqual(diagnostic.range, rangeOf(text, '424242'));
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning, 'a warning, as the schema check says it');
    assert.equal(diagnostic.code, 'args[1]');

    await setTasks(api, [
      { name: 'diag-ok', command: 'node' },
      { name: 'diag-bad', command: 'node', args: ['--flag', '424242'] },
    ]);
    await waitFor(() => ours(settingsUri).length === 0, 'the diagnostic to clear');
  });

  it('points at an unknown key in a settings.json written by hand, with comments and trailing commas', async () => {
    const text = `// written by hand
{
  "devProcesses.tasks": [
    /* fine */
    { "name": "diag-fine", "command": "node", },
    {
      "name": "diag-typo",
      "comand": "node", // the typo
      "command": "node",
    },
  ],
}
`;
    await vscode.workspace.fs.writeFile(settingsUri, new TextEncoder().encode(text));
    const [diagnostic] = await waitFor(() => ours(settingsUri).length > 0 && ours(settingsUri), 'a diagnostic on settings.json');
    assert.match(diagnostic.message, /^Task "diag-typo": unknown field "comand" \(did you mean "command"\?\)/);
    assert.deepEqual(diagnostic.range, rangeOf(text, '"comand"'));
    assert.equal(diagnostic.code, 'comand');

    await vscode.workspace.fs.writeFile(settingsUri, new TextEncoder().encode(text.replace('"comand": "node", // the typo\n', '')));
    await waitFor(() => ours(settingsUri).length === 0, 'the diagnostic to clear');
    await waitFor(() => api.definitions().some((d) => d.name === 'diag-typo'), 'the fixed entry to be read');
  });

  it('locates a problem in the text on disk while settings.json is open in an editor that has not caught up', async () => {
    await vscode.window.showTextDocument(settingsUri, { preview: false });
    // Written around the editor, as a git checkout or a formatter run outside it does: each time
    // the problem moves, so a place computed from the document's older text would be off.
    for (const padding of [8, 1, 15]) {
      const name = `disk-moved-${padding}`;
      // A name no task has: a problem the editor's schema check cannot show (it would hide ours at the same place).
      const text = `${'// moved\n'.repeat(padding)}{\n  "devProcesses.tasks": [\n    { "name": "${name}", "command": "node", "dependsOn": ["no-such-task"] }\n  ]\n}\n`;
      fs.writeFileSync(settingsUri.fsPath, text);
      // The first place shown must be right: a wrong one, corrected later, is what a user clicks.
      const diagnostic = await waitFor(() => ours(settingsUri).find((d) => d.message.startsWith(`Task "${name}"`)), `a diagnostic for "${name}"`);
      const expected = rangeOf(text, '"no-such-task"');
      assert.equal(`${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}`, `${expected.start.line + 1}:${expected.start.character + 1}`);
      assert.deepEqual(diagnostic.range, expected);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('keeps the last good definitions while settings.json does not parse, and says where it breaks', async () => {
    const good = `{
  "devProcesses.tasks": [
    { "name": "syntax-one", "command": "node", "args": ["-e", "setInterval(() => {}, 1000)"] },
    { "name": "syntax-two", "command": "node" }
  ]
}
`;
    await vscode.workspace.fs.writeFile(settingsUri, new TextEncoder().encode(good));
    await waitFor(() => ['syntax-one', 'syntax-two'].every((n) => api.definitions().some((d) => d.name === n)), 'the good settings to be read');
    const id = await vscode.commands.executeCommand<string>('devProcesses.start', 'syntax-one');
    await waitFor(() => api.get(id)?.state === 'running', '"syntax-one" to run');
    // Half-typed, as autosave writes it: a new entry with its name open.
    const broken = good.replace('{ "name": "syntax-two", "command": "node" }', '{ "name": "syntax-two", "command": "node" },\n    { "na');
    await vscode.workspace.fs.writeFile(settingsUri, new TextEncoder().encode(broken));
    const problem = await waitFor(() => api.problems().find((p) => /settings\.json has a syntax error \(line \d+\)/.test(p.message)), 'the syntax error to be reported');
    const line = Number(/line (\d+)/.exec(problem.message)![1]);
    assert.equal(line, 5, problem.message);
    const [diagnostic] = await waitFor(() => ours(settingsUri).length > 0 && ours(settingsUri), 'a diagnostic for the syntax error');
    assert.equal(ours(settingsUri).length, 1);
    assert.equal(diagnostic.message, problem.message);
    assert.equal(diagnostic.range.start.line, line - 1);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    // Kept: both definitions, and the running service as it was (not "removed").
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(['syntax-one', 'syntax-two'].filter((n) => api.definitions().some((d) => d.name === n)), ['syntax-one', 'syntax-two']);
    assert.equal(api.get(id)?.state, 'running');
    assert.notEqual(api.get(id)?.definitionStatus, 'removed');

    await vscode.workspace.fs.writeFile(settingsUri, new TextEncoder().encode(good));
    await waitFor(() => !api.problems().some((p) => /syntax error/.test(p.message)), 'the syntax error to clear');
    await waitFor(() => ours(settingsUri).length === 0, 'the diagnostic to clear');
    await vscode.commands.executeCommand('devProcesses.kill', id);
  });
});
