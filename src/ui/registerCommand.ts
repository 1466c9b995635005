import * as vscode from 'vscode';
import type { CommandId } from './commandIds';

/** Invoked from the palette (no argument) or the tree (an item), rather than by code. */
function isInteractive(args: unknown[]): boolean {
  return args.length === 0 || args[0] === undefined || args[0] instanceof vscode.TreeItem;
}

/**
 * Registers a command that resolves when its effect is done. A failure is shown to a person who
 * ran it (palette, tree) as one notification; a calling extension or test gets the rejection.
 */
export function registerCommand(id: CommandId, handler: (...args: never[]) => Promise<unknown>): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: never[]) => {
    try {
      return await handler(...args);
    } catch (err) {
      if (!isInteractive(args)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      void vscode.window.showErrorMessage(`Dev Processes: ${message}`);
      return undefined;
    }
  });
}
