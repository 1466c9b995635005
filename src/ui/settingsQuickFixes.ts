import * as vscode from 'vscode';
import type { LocatedFix, SettingsDiagnostics } from './settingsDiagnostics';

/**
 * Quick fixes in settings files for the problems whose fix the validator knows: a did-you-mean
 * (the key or value it meant) and a number or boolean that belongs in quotes. Offered on our
 * diagnostic and on the schema's at the same place, since that one may be the row shown.
 */
export function registerSettingsQuickFixes(diagnostics: SettingsDiagnostics): vscode.Disposable {
  // settings.json and .code-workspace files are `jsonc`, in any scheme (the user's settings are
  // `vscode-userdata`); the provider only answers where a fix is known.
  const selector: vscode.DocumentSelector = [{ language: 'jsonc' }, { language: 'json' }];
  const provider: vscode.CodeActionProvider = {
    provideCodeActions(document, range, context) {
      return diagnostics
        .fixesFor(document.uri)
        .filter((fix) => fix.range.intersection(range) !== undefined && document.getText(fix.range) === fix.written)
        .map((fix) => toAction(document, fix, context.diagnostics));
    },
  };
  return vscode.languages.registerCodeActionsProvider(selector, provider, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] });
}

function toAction(document: vscode.TextDocument, { fix, range, written }: LocatedFix, shown: readonly vscode.Diagnostic[]): vscode.CodeAction {
  const title = fix.kind === 'replace' ? `Change to ${fix.text}` : 'Put the value in quotes';
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  action.edit = new vscode.WorkspaceEdit();
  action.edit.replace(document.uri, range, fix.kind === 'replace' ? fix.text : JSON.stringify(written));
  action.diagnostics = shown.filter((d) => d.range.start.isEqual(range.start));
  action.isPreferred = true;
  return action;
}
