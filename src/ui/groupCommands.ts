import * as vscode from 'vscode';
import { ProcessError } from '../core/errors';
import { groupMembers, groupNames } from '../core/groups';
import type { ProcessEngine } from '../engine/engine';
import { startMany, stopMany } from '../engine/groupActions';
import { CommandIds } from './commandIds';
import { isLive } from './format';
import { GroupItem } from './groupTree';
import { registerCommand } from './registerCommand';

/** What a group command may be given: a group's name or its row. */
export type GroupTarget = string | GroupItem | undefined;

/** Start, stop and restart a group (every definition with it in `group`), and start everything. */
class GroupCommands {
  constructor(private readonly engine: ProcessEngine) {}

  /** The members' names of the group a command was given, or picked; undefined when dismissed. */
  private async membersOf(target: GroupTarget, action: string): Promise<string[] | undefined> {
    const specs = this.engine.definitions();
    const group = target instanceof GroupItem ? target.group : target ?? (await this.pickGroup(action));
    if (group === undefined) return undefined;
    if (typeof group !== 'string') throw new ProcessError('invalid-argument', `${action}: give a group name; got ${typeof group}.`);
    const members = groupMembers(specs, group).map((s) => s.name);
    if (members.length === 0) {
      const known = groupNames(specs).map((g) => `"${g}"`).join(', ') || 'none';
      throw new ProcessError('not-found', `There is no group named "${group}" (groups: ${known}).`);
    }
    return members;
  }

  private async pickGroup(action: string): Promise<string | undefined> {
    const specs = this.engine.definitions();
    const groups = groupNames(specs);
    if (groups.length === 0) {
      void vscode.window.showInformationMessage('Dev Processes: no definition has a "group" yet.');
      return undefined;
    }
    const live = new Set(this.engine.list().filter(isLive).map((r) => r.name));
    const items = groups.map((group) => {
      const members = groupMembers(specs, group);
      return { label: group, description: `${members.filter((s) => live.has(s.name)).length}/${members.length} running`, detail: members.map((s) => s.name).join(', ') };
    });
    return (await vscode.window.showQuickPick(items, { placeHolder: `${action} which group?` }))?.label;
  }

  readonly start = async (target?: GroupTarget): Promise<string[] | undefined> => {
    const members = await this.membersOf(target, 'Start');
    return members && startMany(this.engine, members);
  };

  readonly stop = async (target?: GroupTarget): Promise<void> => {
    const members = await this.membersOf(target, 'Stop');
    if (members) await stopMany(this.engine, members);
  };

  /** Stops the group, then starts it again in dependency order; resolves to the new runs' ids. */
  readonly restart = async (target?: GroupTarget): Promise<string[] | undefined> => {
    const members = await this.membersOf(target, 'Restart');
    if (!members) return undefined;
    await stopMany(this.engine, members);
    return startMany(this.engine, members);
  };

  /** Every definition of the settings; the detected entries (a project's every script) are started one by one. */
  readonly startAll = async (): Promise<string[]> => startMany(this.engine, this.engine.definitions().filter((s) => s.source === undefined).map((s) => s.name));
}

/** Registers the group commands; each resolves when its effect is done (see registerCommand). */
export function registerGroupCommands(engine: ProcessEngine): vscode.Disposable {
  const c = new GroupCommands(engine);
  return vscode.Disposable.from(
    registerCommand(CommandIds.startGroup, c.start),
    registerCommand(CommandIds.stopGroup, c.stop),
    registerCommand(CommandIds.restartGroup, c.restart),
    registerCommand(CommandIds.startAll, c.startAll),
  );
}
