import * as vscode from 'vscode';
import { GROUP_CONTEXT } from './contextValues';

/** A group's row when the view shows definitions by group; commands given it act on every member. */
export class GroupItem extends vscode.TreeItem {
  constructor(
    readonly group: string,
    /** Its members' names, in settings order. */
    readonly members: readonly string[],
    running: number,
  ) {
    super(group, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `group:${group}`;
    this.contextValue = GROUP_CONTEXT;
    this.description = `${running}/${members.length} running`;
    this.iconPath = new vscode.ThemeIcon(running === 0 ? 'layers' : running === members.length ? 'layers-active' : 'layers-dot');
  }
}
