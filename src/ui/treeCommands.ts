import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ProcessEngine, SpawnOptions } from '../engine/engine';
import { ProcessError } from '../core/errors';
import type { DefinitionError, Priority, ProcessSpec } from '../core/types';
import { CommandIds } from './commandIds';
import { isLive } from './format';
import type { OutputChannels } from './outputChannels';
import { ADHOC_CHANNEL } from './outputFeed';
import { pickRun, runTitle, toTarget, type CommandTarget } from './pickers';
import { AdhocGroupItem, workspaceFolders } from './processTree';
import { registerCommand } from './registerCommand';
import { relativePaths } from './treeFormat';

const RUN_COMMAND_LINE = 'Run a command line...';
const PRIORITIES: readonly Priority[] = ['critical', 'high', 'normal', 'low'];

const defaultCwd = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();

/** The commands on the tree's rows and title bar, also in the palette: start, stop, restart, ... */
class TreeCommands {
  constructor(
    private readonly engine: ProcessEngine,
    private readonly channels: OutputChannels,
    private readonly problems: () => DefinitionError[],
  ) {}

  /** Spawns a definition; a broken entry says what is wrong with it rather than "unknown name". */
  private async spawnByName(name: string, options: SpawnOptions = {}): Promise<string> {
    const problem = this.problems().find((p) => p.name === name);
    if (problem && !this.engine.definitions().some((s) => s.name === name)) {
      throw new ProcessError('invalid-argument', `"${name}" cannot start until its settings are fixed: ${problem.message}`);
    }
    return this.engine.spawn(name, options);
  }

  readonly spawn = async (target?: CommandTarget): Promise<string | undefined> => {
    const name = toTarget(target);
    if (name !== undefined) return this.spawnByName(typeof name === 'string' ? name : name.id);
    const folders = workspaceFolders();
    const items: (vscode.QuickPickItem & { name?: string })[] = this.engine.definitions().map((s) => ({
      label: s.name,
      description: s.source ? `${s.kind} · detected` : s.kind,
      detail: relativePaths([s.command, ...s.args].join(' '), folders),
      name: s.name,
    }));
    items.push({ label: RUN_COMMAND_LINE, description: 'through /bin/sh', alwaysShow: true });
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Start a service or job' });
    if (!picked) return undefined;
    if (picked.name !== undefined) return this.spawnByName(picked.name);
    const line = await vscode.window.showInputBox({
      prompt: `Command line to run with /bin/sh -c in ${defaultCwd()}`,
      placeHolder: 'e.g. npm test -- --watch=false',
      validateInput: (text) => (text.trim() === '' ? 'Type a command line.' : undefined),
    });
    if (!line) return undefined;
    const id = await this.engine.runCommandLine(line, defaultCwd());
    this.channels.show(ADHOC_CHANNEL);
    return id;
  };

  readonly kill = async (target?: CommandTarget): Promise<void> => {
    const resolved = toTarget(target) ?? (await pickRun(this.engine, 'Stop which process?', isLive));
    if (resolved !== undefined) await this.engine.kill(resolved);
  };

  readonly restart = async (target?: CommandTarget): Promise<string | undefined> => {
    const resolved = toTarget(target) ?? (await pickRun(this.engine, 'Restart which process?', () => true));
    return resolved === undefined ? undefined : this.engine.restart(resolved);
  };

  readonly sendInput = async (target?: CommandTarget, text?: string): Promise<void> => {
    const resolved = toTarget(target) ?? (await pickRun(this.engine, 'Send input to which process?', (r) => r.state === 'running'));
    if (resolved === undefined) return;
    const run = this.engine.get(resolved);
    const name = run ? runTitle(this.engine, run) : String(resolved);
    const line = text ?? (await vscode.window.showInputBox({ prompt: `A line to send to the stdin of "${name}"` }));
    if (line === undefined) return;
    this.engine.sendInput(resolved, line);
  };

  readonly retry = async (target?: CommandTarget): Promise<string | undefined> => {
    const resolved = toTarget(target) ?? (await pickRun(this.engine, 'Retry which run?', (r) => r.state === 'failed' || r.state === 'terminated'));
    return resolved === undefined ? undefined : this.engine.retry(resolved);
  };

  readonly cancel = async (target?: CommandTarget): Promise<void> => {
    const resolved = toTarget(target) ?? (await pickRun(this.engine, 'Cancel which queued run?', (r) => r.state === 'queued' || r.state === 'backoff'));
    if (resolved !== undefined) await this.engine.cancel(resolved);
  };

  private async pickDefinition(placeHolder: string, filter: (s: ProcessSpec) => boolean = () => true): Promise<string | undefined> {
    const specs = this.engine.definitions().filter(filter);
    if (specs.length === 0) {
      void vscode.window.showInformationMessage('Dev Processes: there is no definition to choose from.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      specs.map((s) => ({ label: s.name, description: `${s.kind} · ${s.priority}` })),
      { placeHolder },
    );
    return picked?.label;
  }

  readonly runWithPriority = async (target?: CommandTarget, priority?: Priority): Promise<string | undefined> => {
    const named = toTarget(target);
    // Priority orders the job queue; services never wait in it for a slot.
    const name = typeof named === 'string' ? named : named?.id ?? (await this.pickDefinition('Run which job?', (s) => s.kind === 'job'));
    if (name === undefined) return undefined;
    if (this.engine.definition(name)?.kind === 'service') {
      throw new ProcessError('invalid-argument', `"${name}" is a service; priority orders jobs only (use Start).`);
    }
    const chosen =
      priority ??
      ((await vscode.window.showQuickPick(['critical', 'high', 'normal', 'low'], { placeHolder: `Priority for "${name}"` })) as Priority | undefined);
    if (chosen === undefined) return undefined;
    if (!PRIORITIES.includes(chosen)) throw new ProcessError('invalid-argument', `Unknown priority "${chosen}"; use one of ${PRIORITIES.join(', ')}.`);
    return this.spawnByName(name, { priority: chosen });
  };

  readonly scale = (up: boolean) => async (target?: CommandTarget): Promise<string | undefined> => {
    const named = toTarget(target);
    const run = named !== undefined ? this.engine.get(named) : undefined;
    const name = run?.name ?? (typeof named === 'string' ? named : undefined) ?? (await this.pickDefinition(`Scale which service ${up ? 'up' : 'down'}?`, (s) => s.kind === 'service'));
    if (name === undefined) return undefined;
    if (up) return this.engine.scaleUp(name);
    await this.engine.scaleDown(name);
    return undefined;
  };

  readonly killAll = async (): Promise<void> => {
    await this.engine.killAll();
  };

  /** Forgets finished runs of a definition (or of the command lines); resolves to how many. */
  readonly clearFinished = async (target?: CommandTarget | AdhocGroupItem): Promise<number> => {
    if (target instanceof AdhocGroupItem) return this.engine.clearFinished({ adhoc: true });
    const named = toTarget(target);
    const name = named === undefined ? await this.pickDefinition('Clear the finished runs of which definition?') : this.engine.get(named)?.name ?? (typeof named === 'string' ? named : named.id);
    return name === undefined ? 0 : this.engine.clearFinished(name);
  };

  readonly clearAllFinished = async (): Promise<number> => this.engine.clearFinished();
}

/**
 * Registers the tree's commands, also run from the palette and by other extensions. Each resolves
 * when its effect is done; see registerCommand for how a failure is reported.
 */
export function registerTreeCommands(engine: ProcessEngine, channels: OutputChannels, problems: () => DefinitionError[]): vscode.Disposable {
  const c = new TreeCommands(engine, channels, problems);
  return vscode.Disposable.from(
    registerCommand(CommandIds.spawn, c.spawn),
    registerCommand(CommandIds.start, c.spawn),
    registerCommand(CommandIds.kill, c.kill),
    registerCommand(CommandIds.restart, c.restart),
    registerCommand(CommandIds.sendInput, c.sendInput),
    registerCommand(CommandIds.killAll, c.killAll),
    registerCommand(CommandIds.retry, c.retry),
    registerCommand(CommandIds.cancel, c.cancel),
    registerCommand(CommandIds.runWithPriority, c.runWithPriority),
    registerCommand(CommandIds.scaleUp, c.scale(true)),
    registerCommand(CommandIds.scaleDown, c.scale(false)),
    registerCommand(CommandIds.clearFinished, c.clearFinished),
    registerCommand(CommandIds.clearAllFinished, c.clearAllFinished),
  );
}
