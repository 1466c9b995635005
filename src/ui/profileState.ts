import * as vscode from 'vscode';
import { applyProfile, profileMembers, type ProfileSettings } from '../config/profiles';
import { Disposable } from '../core/dispose';
import type { ProcessSpec } from '../core/types';
import { readProfileSettings } from './settings';

/** The profiles as last read with the definitions, and the definitions before the active profile's env. */
export class ProfileState extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  settings: ProfileSettings = { profiles: [], active: undefined, problems: [] };
  /** The definitions as the settings give them, without any profile's env. */
  base: readonly ProcessSpec[] = [];

  /** Reads the profiles against these definitions; returns them with the active profile's env laid over its members'. */
  apply(specs: readonly ProcessSpec[]): ProcessSpec[] {
    this.base = specs;
    this.settings = readProfileSettings(specs);
    this.changed.fire();
    return applyProfile(specs, this.settings.active);
  }

  /** What starts when the workspace opens: the active profile's members, else the definitions with `autoStart`. */
  startOnOpen(specs: readonly ProcessSpec[]): string[] {
    const { active } = this.settings;
    return active ? profileMembers(active, specs) : specs.filter((s) => s.autoStart).map((s) => s.name);
  }
}
