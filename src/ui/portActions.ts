import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import { ProcessError } from '../core/errors';
import type { ProcessEngine } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { CommandIds } from './commandIds';
import { pickRun, runTitle, toTarget, type CommandTarget } from './pickers';
import { registerCommand } from './registerCommand';

/** Where a port opens: the user's browser, or the editor's Simple Browser. */
export type BrowserKind = 'external' | 'simple';

/**
 * Opens http://localhost:PORT of a run, through `asExternalUri` so it is forwarded in a remote
 * window or a codespace. Resolves to the URI opened.
 */
export async function openPort(port: number, where: BrowserKind): Promise<string> {
  const uri = await vscode.env.asExternalUri(vscode.Uri.parse(`http://localhost:${port}/`));
  // Not awaited: the browser may take its time (or ask the user), the command is done once it asked.
  if (where === 'external') void vscode.env.openExternal(uri);
  else void vscode.commands.executeCommand('simpleBrowser.show', uri.toString(true));
  return uri.toString(true);
}

/** The port to open of a run: the one given, its only one, or one the user picks. */
async function choosePort(run: ProcessSnapshot, title: string, port: number | undefined): Promise<number | undefined> {
  if (port !== undefined) {
    if (!run.ports.includes(port)) throw new ProcessError('invalid-argument', `"${title}" does not listen on port ${port} (it listens on ${run.ports.join(', ') || 'none'}).`);
    return port;
  }
  if (run.ports.length <= 1) return run.ports[0];
  const picked = await vscode.window.showQuickPick(run.ports.map((p) => ({ label: `:${p}`, description: `http://localhost:${p}/`, port: p })), { placeHolder: `Which port of "${title}"?` });
  return picked?.port;
}

/**
 * The tree's "Open in Browser" and "Open in Simple Browser" on a run that listens, and the
 * definition field `openOnReady`: the run's first port opens once the run is ready, once per
 * run (an automatic restart keeps the run and does not open it again; a Restart asked for does).
 */
export class PortActions extends Disposable {
  private readonly opened = new Set<string>();

  constructor(private readonly engine: ProcessEngine) {
    super();
    this._register(registerCommand(CommandIds.openInBrowser, (target?: CommandTarget, port?: number) => this.open(target, port, 'external')));
    this._register(registerCommand(CommandIds.openInSimpleBrowser, (target?: CommandTarget, port?: number) => this.open(target, port, 'simple')));
    this._register(engine.onDidChange((snap) => snap && this.openWhenReady(snap)));
  }

  private async open(target: CommandTarget, port: number | undefined, where: BrowserKind): Promise<string | undefined> {
    const chosen = toTarget(target) ?? (await pickRun(this.engine, 'Open which process in the browser?', (r) => r.ports.length > 0));
    if (chosen === undefined) return undefined;
    const run = this.engine.get(chosen);
    if (!run) throw new ProcessError('not-found', `There is no process ${JSON.stringify(typeof chosen === 'string' ? chosen : chosen.id)}.`);
    const title = runTitle(this.engine, run);
    if (run.ports.length === 0) throw new ProcessError('invalid-state', `"${title}" listens on no TCP port${run.state === 'running' ? ' yet' : `: it is ${run.state}`}.`);
    const picked = await choosePort(run, title, port);
    return picked === undefined ? undefined : openPort(picked, where);
  }

  private openWhenReady(run: ProcessSnapshot): void {
    if (run.adhoc || !run.ready || run.ports.length === 0 || this.opened.has(run.id)) return;
    const how = this.engine.definition(run.name)?.openOnReady;
    if (how === undefined) return;
    this.opened.add(run.id);
    openPort(run.ports[0], how === 'simple' ? 'simple' : 'external').catch((err) => void vscode.window.showWarningMessage(`Dev Processes: "${run.name}" could not open port ${run.ports[0]} (openOnReady): ${err instanceof Error ? err.message : String(err)}`));
  }
}
