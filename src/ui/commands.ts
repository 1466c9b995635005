import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ProcessEngine, RunTarget, SpawnOptions } from '../engine/engine';
import { ProcessError } from '../core/errors';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import type { DefinitionError, Priority, ProcessSpec } from '../core/types';
import { describeRun, isLive } from './format';
import type { OutputChannels } from './outputChannels';
import { ADHOC_CHANNEL } from './outputFeed';
import { AdhocGroupItem, DefinitionItem, RunItem, workspaceFolders } from './processTree';
import { isReplicated, relativePaths, shortCommandLabel } from './treeFormat';

/** What a command may be given: a run id or definition name, or a row of the tree. */
type CommandTarget = string | DefinitionItem | RunItem | { id: string } | undefined;

const RUN_COMMAND_LINE = 'Run a command line...';
const PRIORITIES: readonly Priority[] = ['critical', 'high', 'normal', 'low'];

/** Invoked from the palette (no argument) or the tree (an item), rather than by code. */
function isInteractive(args: unknown[]): boolean {
  return args.length === 0 || args[0] === undefined || args[0] instanceof vscode.TreeItem;
}

function toTarget(target: CommandTarget): RunTarget | undefined {
  if (target instanceof DefinitionItem) return target.name;
  if (target instanceof RunItem) return target.run.id;
  return target;
}

/** What a picker or prompt calls a run: "web #1", "build", a short form of a typed command line. */
export function runTitle(engine: ProcessEngine, run: ProcessSnapshot): string {
  if (run.adhoc) return shortCommandLabel(run.name);
  return isReplicated(run, engine.definition(run.name)) ? `${run.name} #${run.instance}` : run.name;
}

async function pickRun(engine: ProcessEngine, placeHolder: string, filter: (r: ProcessSnapshot) => boolean): Promise<string | undefined> {
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

/**
 * Registers the command-palette and tree commands. Each resolves when its effect is done; a
 * failure is shown to the user and also rejects, so a calling extension or test sees it.
 */
export function registerCommands(
  engine: ProcessEngine,
  channels: OutputChannels,
  problems: () => DefinitionError[],
): vscode.Disposable[] {
  const defaultCwd = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();

  /** Spawns a definition; a broken entry says what is wrong with it rather than "unknown name". */
  const spawnByName = async (name: string, options: SpawnOptions = {}): Promise<string> => {
    const problem = problems().find((p) => p.name === name);
    if (problem && !engine.definitions().some((s) => s.name === name)) {
      throw new ProcessError('invalid-argument', `"${name}" cannot start until its settings are fixed: ${problem.message}`);
    }
    return engine.spawn(name, options);
  };

  const spawn = async (target?: CommandTarget): Promise<string | undefined> => {
    const name = toTarget(target);
    if (name !== undefined) return spawnByName(typeof name === 'string' ? name : name.id);
    const folders = workspaceFolders();
    const items: (vscode.QuickPickItem & { name?: string })[] = engine.definitions().map((s) => ({
      label: s.name,
      description: s.kind,
      detail: relativePaths([s.command, ...s.args].join(' '), folders),
      name: s.name,
    }));
    items.push({ label: RUN_COMMAND_LINE, description: 'through /bin/sh', alwaysShow: true });
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Start a service or job' });
    if (!picked) return undefined;
    if (picked.name !== undefined) return spawnByName(picked.name);
    const line = await vscode.window.showInputBox({
      prompt: `Command line to run with /bin/sh -c in ${defaultCwd()}`,
      placeHolder: 'e.g. npm test -- --watch=false',
      validateInput: (text) => (text.trim() === '' ? 'Type a command line.' : undefined),
    });
    if (!line) return undefined;
    const id = await engine.runCommandLine(line, defaultCwd());
    channels.show(ADHOC_CHANNEL);
    return id;
  };

  const kill = async (target?: CommandTarget): Promise<void> => {
    const resolved = toTarget(target) ?? (await pickRun(engine, 'Stop which process?', isLive));
    if (resolved !== undefined) await engine.kill(resolved);
  };

  const restart = async (target?: CommandTarget): Promise<string | undefined> => {
    const resolved = toTarget(target) ?? (await pickRun(engine, 'Restart which process?', () => true));
    return resolved === undefined ? undefined : engine.restart(resolved);
  };

  const showOutput = async (target?: CommandTarget): Promise<void> => {
    const resolved = toTarget(target) ?? (await pickRun(engine, 'Show the output of which process?', () => true));
    if (resolved === undefined) return;
    const snapshot = engine.get(resolved);
    if (!snapshot && typeof resolved === 'string' && engine.definitions().some((s) => s.name === resolved)) {
      channels.show(resolved, false);
      return;
    }
    if (!snapshot) throw new ProcessError('not-found', `There is no process or definition "${typeof resolved === 'string' ? resolved : resolved.id}".`);
    channels.show(snapshot.adhoc ? ADHOC_CHANNEL : snapshot.name, false);
  };

  const sendInput = async (target?: CommandTarget, text?: string): Promise<void> => {
    const resolved = toTarget(target) ?? (await pickRun(engine, 'Send input to which process?', (r) => r.state === 'running'));
    if (resolved === undefined) return;
    const run = engine.get(resolved);
    const name = run ? runTitle(engine, run) : String(resolved);
    const line = text ?? (await vscode.window.showInputBox({ prompt: `A line to send to the stdin of "${name}"` }));
    if (line === undefined) return;
    engine.sendInput(resolved, line);
  };

  const retry = async (target?: CommandTarget): Promise<string | undefined> => {
    const resolved = toTarget(target) ?? (await pickRun(engine, 'Retry which run?', (r) => r.state === 'failed' || r.state === 'terminated'));
    return resolved === undefined ? undefined : engine.retry(resolved);
  };

  const cancel = async (target?: CommandTarget): Promise<void> => {
    const resolved = toTarget(target) ?? (await pickRun(engine, 'Cancel which queued run?', (r) => r.state === 'queued' || r.state === 'backoff'));
    if (resolved !== undefined) await engine.cancel(resolved);
  };

  const pickDefinition = async (placeHolder: string, filter: (s: ProcessSpec) => boolean = () => true): Promise<string | undefined> => {
    const specs = engine.definitions().filter(filter);
    if (specs.length === 0) {
      void vscode.window.showInformationMessage('Dev Processes: there is no definition to choose from.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      specs.map((s) => ({ label: s.name, description: `${s.kind} · ${s.priority}` })),
      { placeHolder },
    );
    return picked?.label;
  };

  const runWithPriority = async (target?: CommandTarget, priority?: Priority): Promise<string | undefined> => {
    const named = toTarget(target);
    // Priority orders the job queue; services never wait in it for a slot.
    const name = typeof named === 'string' ? named : named?.id ?? (await pickDefinition('Run which job?', (s) => s.kind === 'job'));
    if (name === undefined) return undefined;
    if (engine.definition(name)?.kind === 'service') {
      throw new ProcessError('invalid-argument', `"${name}" is a service; priority orders jobs only (use Start).`);
    }
    const chosen =
      priority ??
      ((await vscode.window.showQuickPick(['critical', 'high', 'normal', 'low'], { placeHolder: `Priority for "${name}"` })) as Priority | undefined);
    if (chosen === undefined) return undefined;
    if (!PRIORITIES.includes(chosen)) throw new ProcessError('invalid-argument', `Unknown priority "${chosen}"; use one of ${PRIORITIES.join(', ')}.`);
    return spawnByName(name, { priority: chosen });
  };

  const scale = (up: boolean) => async (target?: CommandTarget): Promise<string | undefined> => {
    const named = toTarget(target);
    const run = named !== undefined ? engine.get(named) : undefined;
    const name = run?.name ?? (typeof named === 'string' ? named : undefined) ?? (await pickDefinition(`Scale which service ${up ? 'up' : 'down'}?`, (s) => s.kind === 'service'));
    if (name === undefined) return undefined;
    if (up) return engine.scaleUp(name);
    await engine.scaleDown(name);
    return undefined;
  };

  const killAll = async (): Promise<void> => {
    await engine.killAll();
  };

  /** Forgets finished runs of a definition (or of the command lines); resolves to how many. */
  const clearFinished = async (target?: CommandTarget | AdhocGroupItem): Promise<number> => {
    if (target instanceof AdhocGroupItem) return engine.clearFinished({ adhoc: true });
    const named = toTarget(target);
    const name = named === undefined ? await pickDefinition('Clear the finished runs of which definition?') : engine.get(named)?.name ?? (typeof named === 'string' ? named : named.id);
    return name === undefined ? 0 : engine.clearFinished(name);
  };

  const clearAllFinished = async (): Promise<number> => engine.clearFinished();

  const openSettings = async (): Promise<void> => {
    await vscode.commands.executeCommand(
      vscode.workspace.workspaceFolders ? 'workbench.action.openWorkspaceSettingsFile' : 'workbench.action.openSettingsJson',
    );
  };

  const table: Record<string, (...args: never[]) => Promise<unknown>> = {
    'devProcesses.spawn': spawn,
    'devProcesses.kill': kill,
    'devProcesses.restart': restart,
    'devProcesses.showOutput': showOutput,
    'devProcesses.sendInput': sendInput,
    'devProcesses.killAll': killAll,
    'devProcesses.retry': retry,
    'devProcesses.cancel': cancel,
    'devProcesses.runWithPriority': runWithPriority,
    'devProcesses.scaleUp': scale(true),
    'devProcesses.scaleDown': scale(false),
    'devProcesses.openSettings': openSettings,
    'devProcesses.clearFinished': clearFinished,
    'devProcesses.clearAllFinished': clearAllFinished,
  };
  table['devProcesses.start'] = spawn;
  return Object.entries(table).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await handler(...args);
      } catch (err) {
        // A person (palette, tree) gets one notification; a calling extension or test gets the rejection.
        if (!isInteractive(args)) throw err;
        const message = err instanceof Error ? err.message : String(err);
        void vscode.window.showErrorMessage(`Dev Processes: ${message}`);
        return undefined;
      }
    }),
  );
}
