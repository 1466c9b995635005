import * as vscode from 'vscode';
import { CommandIds } from './commandIds';
import { GROUPED_CONTEXT_KEY } from './contextValues';
import type { ProcessTree } from './processTree';
import { registerCommand } from './registerCommand';

/** Where the choice is kept, per workspace. */
const GROUPED_KEY = 'devProcesses.treeGrouped';

/** The view toggle between one list of definitions and a row per group; the choice outlasts the window. */
export function registerTreeGrouping(tree: ProcessTree, memory: vscode.Memento): vscode.Disposable {
  const set = async (grouped: boolean): Promise<void> => {
    tree.setGrouped(grouped);
    await Promise.all([memory.update(GROUPED_KEY, grouped), vscode.commands.executeCommand('setContext', GROUPED_CONTEXT_KEY, grouped)]);
  };
  void set(memory.get<boolean>(GROUPED_KEY) === true);
  return vscode.Disposable.from(
    registerCommand(CommandIds.groupByGroup, () => set(true)),
    registerCommand(CommandIds.ungroupTree, () => set(false)),
  );
}
