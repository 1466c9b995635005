import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import { getApi, waitFor, workspaceSettingsUri } from './helpers';

const OURS = 'Dev Processes';

/** The range of the only occurrence of `needle` in the document. */
function rangeOf(document: vscode.TextDocument, needle: string): vscode.Range {
  const text = document.getText();
  const start = text.indexOf(needle);
  assert.ok(start >= 0 && text.indexOf(needle, start + 1) < 0, `${JSON.stringify(needle)} is not in the settings exactly once`);
  return new vscode.Range(document.positionAt(start), document.positionAt(start + needle.length));
}

function schemaDiagnosticAt(uri: vscode.Uri, range: vscode.Range): vscode.Diagnostic | undefined {
  return vscode.languages.getDiagnostics(uri).find((d) => d.source !== OURS && d.range.start.isEqual(range.start));
}

/** Places where more than one diagnostic starts, across every source. */
function repeated(uri: vscode.Uri): string[] {
  const starts = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line}:${d.range.start.character}`);
  return starts.filter((start, i) => starts.indexOf(start) !== i);
}

async function quickFix(uri: vscode.Uri, range: vscode.Range, title: string): Promise<vscode.CodeAction> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range);
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `no quick fix ${JSON.stringify(title)} among ${JSON.stringify(actions.map((a) => a.title))}`);
  assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
  return action;
}

describe('quick fixes and one row per problem in an open settings.json', () => {
  const settingsUri = workspaceSettingsUri();
  let api: DevProcessesApi;
  let original: Uint8Array;
  /** The fixture's own problems, which the settings it is given back must bring back. */
  let problemsBefore: string;

  before(async () => {
    api = await getApi();
    original = await vscode.workspace.fs.readFile(settingsUri);
    problemsBefore = JSON.stringify(api.problems());
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.writeFile(settingsUri, original);
    await waitFor(() => JSON.stringify(api.problems()) === problemsBefore, `the fixture settings to be read again (problems: ${JSON.stringify(api.problems())})`);
  });

  it('fixes "nmae" and a number where a string belongs, and shows each problem once', async () => {
    const text = `{
  "devProcesses.tasks": [
    { "nmae": "qf-typo", "command": "node" },
    { "name": "qf-port", "command": "node", "env": { "PORT": 3000 } },
    { "name": "qf-dependent", "command": "node", "dependsOn": ["qf-nowhere"] }
  ]
}
`;
    await vscode.workspace.fs.writeFile(settingsUri, new TextEncoder().encode(text));
    await waitFor(() => api.problems().some((p) => p.field === 'nmae') && api.problems().some((p) => p.field === 'env.PORT'), 'the problems to be read');
    const document = await vscode.workspace.openTextDocument(settingsUri);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'jsonc');
    const typo = rangeOf(document, '"nmae"');
    const port = rangeOf(document, '3000');
    const entry = rangeOf(document, '{ "nmae"');
    const dependency = rangeOf(document, '"qf-nowhere"');

    // The schema's rows arrive when the JSON language server has checked the open document.
    await waitFor(() => schemaDiagnosticAt(settingsUri, typo) && schemaDiagnosticAt(settingsUri, port), 'the schema diagnostics');
    await waitFor(() => repeated(settingsUri).length === 0 && vscode.languages.getDiagnostics(settingsUri), 'one diagnostic per place', 5_000).catch(() => {
      assert.fail(`repeated: ${JSON.stringify(vscode.languages.getDiagnostics(settingsUri).map((d) => [d.source, d.message]))}`);
    });
    const all = vscode.languages.getDiagnostics(settingsUri);
    for (const place of [typo, port, entry, dependency]) {
      const rows = all.filter((d) => d.range.start.isEqual(place.start));
      assert.equal(rows.length, 1, `one row at ${document.getText(place)}: ${JSON.stringify(all.map((d) => [d.source, d.message, d.range]))}`);
    }
    // The schema cannot tell an unknown dependency: that row is ours.
    assert.equal(all.find((d) => d.range.start.isEqual(dependency.start))?.source, OURS);

    const rename = await quickFix(settingsUri, typo, 'Change to "name"');
    assert.ok(await vscode.workspace.applyEdit(rename.edit!));
    const quote = await quickFix(settingsUri, port, 'Put the value in quotes');
    assert.ok(await vscode.workspace.applyEdit(quote.edit!));
    assert.equal(
      document.getText(),
      text.replace('"nmae"', '"name"').replace('"PORT": 3000', '"PORT": "3000"'),
    );

    await document.save();
    await waitFor(() => api.problems().length === 1 && api.problems()[0].field === 'dependsOn[0]', `only the dependency problem to remain (${JSON.stringify(api.problems())})`);
  });
});
