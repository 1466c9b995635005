import * as vscode from 'vscode';
import type { ProcessEngine, RunTarget } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { describeRun } from './format';
import { DefinitionItem, RunItem, workspaceFolders } from './processTree';
import { isReplicated, relativePaths, shortCommandLabel } from './treeFormat';

/** What a command may be given: a run id or definition name, or a row of the tree. */
export type CommandTarget = string | DefinitionItem | RunItem | { id: string } | undefined;

export function toTarget(target: CommandTarget): RunTarget | undefined {
  if (target instanceof DefinitionItem) return target.name;
  if (target instanceof RunItem) return target.run.id;
  return target;
}

/** What a picker or prompt calls a run: "web #1", "build", a short form of a typed command line. */
export function runTitle(engine: ProcessEngine, run: ProcessSnapshot): string {
  if (run.adhoc) return shortCommandLabel(run.name);
  return isReplicated(run, engine.definition(run.name)) ? `${run.name} #${run.instance}` : run.name;
}

/** The run a command acts on when it was given none, newest first; undefined when dismissed. */
export async function pickRun(engine: ProcessEngine, placeHolder: string, filter: (r: ProcessSnapshot) => boolean): Promise<string | undefined> {
  const now = Date.now();
  const runs = engine.list().filter(filter).reverse();
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('Dev Processes: there is no process to choose from.');
    return undefined;
  }
  const folders = workspaceFolders();
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: runTitle(engine, r), description: describeRun(r, now), detail: relativePaths(r.commandLine, folders), id: r.id })),
    { placeHolder },
  );
  return picked?.id;
}
