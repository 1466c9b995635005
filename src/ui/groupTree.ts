import * as vscode from 'vscode';
import { groupMembers, groupNames } from '../core/groups';
import type { ProcessSpec } from '../core/types';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { GROUP_CONTEXT } from './contextValues';
import { isLive } from './format';

/** A group's row when the view shows definitions by group; commands given it act on every member. */
export class GroupItem extends vscode.TreeItem {
  constructor(
    readonly group: string,
    /** Its members' names, in settings order. */
    readonly members: readonly string[],
    /** The members' runs, newest first. */
    readonly runs: readonly ProcessSnapshot[],
  ) {
    super(group, vscode.TreeItemCollapsibleState.Expanded);
    const running = members.filter((name) => runs.some((r) => r.name === name && isLive(r))).length;
    this.id = `group:${JSON.stringify(group)}`;
    this.contextValue = GROUP_CONTEXT;
    this.description = `${running}/${members.length} running`;
    this.tooltip = `Group "${group}": ${members.join(', ')}`;
    this.iconPath = new vscode.ThemeIcon(running === 0 ? 'layers' : running === members.length ? 'layers-active' : 'layers-dot');
  }
}

/** The rows of the view by group: one per group, then the definitions that have none. */
export function groupRows(specs: readonly ProcessSpec[], runs: readonly ProcessSnapshot[]): { groups: GroupItem[]; ungrouped: ProcessSpec[] } {
  const groups = groupNames(specs).map((group) => {
    const members = groupMembers(specs, group).map((s) => s.name);
    return new GroupItem(group, members, runs.filter((r) => !r.adhoc && members.includes(r.name)));
  });
  return { groups, ungrouped: specs.filter((s) => !s.groups?.length) };
}

/** A row shown under a group: a definition in two groups has a row in each, so its id (and its runs') carries the group's. */
export function rowIdInGroup(group: string, id: string): string {
  return `group:${JSON.stringify(group)}/${id}`;
}
