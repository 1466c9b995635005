import * as vscode from 'vscode';
import { applyProfile, profileMembers, withDependencies, type Profile } from '../config/profiles';
import { Disposable } from '../core/dispose';
import { ProcessError } from '../core/errors';
import type { ProcessEngine } from '../engine/engine';
import { startMany, stopMany } from '../engine/groupActions';
import { CommandIds } from './commandIds';
import type { ProfileState } from './profileState';
import { registerCommand } from './registerCommand';
import { SECTION } from './settings';

const NO_PROFILE = 'No profile';
const APPLY = 'Restart and Stop';
const NAMES_SHOWN = 3;

/**
 * The second argument of `devProcesses.switchProfile`: with it, nothing is asked. `restart: true`
 * restarts the running definitions whose environment changes, stops the running ones the new
 * profile does not start, and starts what it starts; `restart: false` only starts what it starts.
 */
export interface SwitchOptions {
  restart?: boolean;
}

/** What a switch does to what runs. */
interface SwitchPlan {
  /** The definitions the new profile starts; none for "No profile". */
  start: string[];
  /** Definitions with runs that the new profile does not start. */
  stop: string[];
  /** Runs whose environment the switch changes (and that are not stopped). */
  restart: string[];
}

const FINAL = new Set(['completed', 'failed', 'terminated']);

/** "web", "api" and 2 more. */
function nameList(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).map((n) => `"${n}"`).join(', ');
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}

/**
 * The active profile in the status bar (while any profile is defined); clicking it runs
 * `devProcesses.switchProfile`, which writes `devProcesses.activeProfile` to the workspace
 * settings and asks, in a notification, before restarting or stopping what runs.
 */
export class ProfileStatus extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('devProcesses.profile', vscode.StatusBarAlignment.Right, 101));

  constructor(
    private readonly engine: ProcessEngine,
    private readonly state: ProfileState,
    /** Reads the settings again, so the engine has the new profile's env before anything restarts. */
    private readonly reload: () => void,
  ) {
    super();
    this.item.name = 'Dev Processes Profile';
    this.item.command = CommandIds.switchProfile;
    this._register(state.onDidChange(() => this.update()));
    this._register(registerCommand(CommandIds.switchProfile, this.switchProfile));
    this.update();
  }

  private update(): void {
    const { profiles, active } = this.state.settings;
    if (profiles.length === 0) return this.item.hide();
    this.item.text = `$(layers) ${active?.name ?? NO_PROFILE}`;
    this.item.tooltip = active
      ? `Dev Processes profile "${active.name}": starts ${active.start.length > 0 ? nameList(active.start) : 'nothing'} when the workspace opens. Click to switch.`
      : `No Dev Processes profile: each definition's "autoStart" decides what starts when the workspace opens. Click to choose a profile.`;
    this.item.show();
  }

  /**
   * Switches to the named profile (null or "" for none; a quick pick without an argument) and
   * resolves to the ids of the runs of what it starts. See SwitchOptions for the second argument.
   */
  readonly switchProfile = async (target?: string | null, options?: SwitchOptions): Promise<string[] | undefined> => {
    const chosen = target === undefined ? await this.pick() : { profile: this.find(target) };
    if (!chosen) return undefined;
    const { profile } = chosen;
    const plan = this.plan(profile);
    const asks = plan.stop.length + plan.restart.length > 0;
    const restart = asks ? options?.restart ?? (await this.ask(profile, plan)) : false;
    if (restart === undefined) return undefined;
    await this.write(profile);
    if (restart) {
      await stopMany(this.engine, plan.stop);
      await Promise.all(plan.restart.map((id) => this.engine.restart(id)));
    }
    return startMany(this.engine, plan.start);
  };

  private find(name: unknown): Profile | undefined {
    if (name === null || name === '') return undefined;
    if (typeof name !== 'string') throw new ProcessError('invalid-argument', `Switch profile: give a profile name, or null for none; got ${typeof name}.`);
    // Settings a caller has just written may not have been read yet.
    if (!this.state.settings.profiles.some((p) => p.name === name)) this.reload();
    const { profiles } = this.state.settings;
    const found = profiles.find((p) => p.name === name);
    if (found) return found;
    throw new ProcessError('not-found', `There is no profile named "${name}" (profiles: ${profiles.map((p) => `"${p.name}"`).join(', ') || 'none'}).`);
  }

  private async pick(): Promise<{ profile: Profile | undefined } | undefined> {
    const { profiles, active } = this.state.settings;
    const items = [
      ...profiles.map((p) => ({ label: p.name, description: p === active ? 'active' : undefined, detail: `Starts ${p.start.length > 0 ? p.start.join(', ') : 'nothing'}${Object.keys(p.env).length > 0 ? `; sets ${Object.keys(p.env).join(', ')}` : ''}`, profile: p })),
      { label: NO_PROFILE, description: active ? undefined : 'active', detail: 'Each definition\'s "autoStart" decides what starts', profile: undefined },
    ];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Switch to which Dev Processes profile?' });
    return picked && { profile: picked.profile };
  }

  private plan(profile: Profile | undefined): SwitchPlan {
    const base = this.state.base;
    const env = new Map(applyProfile(base, profile).map((s) => [s.name, JSON.stringify(s.env)]));
    const live = this.engine.list().filter((r) => !r.adhoc && !FINAL.has(r.state));
    const start = profile ? profileMembers(profile, base) : [];
    const kept = profile ? withDependencies(start, base) : undefined;
    const stop = [...new Set(live.filter((r) => kept && !kept.has(r.name)).map((r) => r.name))];
    const changed = (name: string) => env.has(name) && env.get(name) !== JSON.stringify(this.engine.definition(name)?.env);
    const restart = live.filter((r) => !stop.includes(r.name) && changed(r.name)).map((r) => r.id);
    return { start, stop, restart };
  }

  /** True: restart and stop; false: only start the new profile's; undefined: cancelled. */
  private async ask(profile: Profile | undefined, plan: SwitchPlan): Promise<boolean | undefined> {
    const label = profile ? `profile "${profile.name}"` : 'no profile';
    const restartNames = [...new Set(plan.restart.map((id) => this.engine.get(id)?.name ?? id))];
    const parts = [
      restartNames.length > 0 && `restart ${nameList(restartNames)} (the environment changes)`,
      plan.stop.length > 0 && `stop ${nameList(plan.stop)} (not in ${label})`,
    ].filter(Boolean);
    const only = profile ? `Only Start "${profile.name}"'s` : 'Leave Them Running';
    const choice = await vscode.window.showInformationMessage(`Switch to ${label}: ${parts.join(' and ')}?`, APPLY, only);
    return choice === undefined ? undefined : choice === APPLY;
  }

  private async write(profile: Profile | undefined): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    await config.update('activeProfile', profile?.name, vscode.ConfigurationTarget.Workspace);
    // The user's own settings may name a profile too: "none" must then be written down.
    if (!profile && vscode.workspace.getConfiguration(SECTION).get('activeProfile')) {
      await config.update('activeProfile', '', vscode.ConfigurationTarget.Workspace);
    }
    this.reload();
  }
}
