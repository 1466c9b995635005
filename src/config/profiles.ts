import type { DefinitionError, ProcessSpec } from '../core/types';
import { groupMembers, groupNames } from '../core/groups';
import type { Entry } from './entry';
import { didYouMean, didYouMeanFix, isObject, quote, typeName } from './text';
import type { DefinitionContext } from './types';
import { readEnv } from './valueFields';

export const PROFILES_SETTING = 'devProcesses.profiles';
export const ACTIVE_PROFILE_SETTING = 'devProcesses.activeProfile';
const PROFILE_FIELDS = ['start', 'env'];

/** One entry of `devProcesses.profiles`: what starts when the workspace opens, and the variables every one of them gets. */
export interface Profile {
  name: string;
  /** Definition and group names, as written: the ones that name nothing are left out. */
  start: string[];
  /** Over each started definition's own `env`, values expanded. */
  env: Record<string, string>;
}

/** The profiles, the active one, and what is wrong with the settings (warnings: the rest still works). */
export interface ProfileSettings {
  profiles: Profile[];
  active: Profile | undefined;
  problems: DefinitionError[];
}

/**
 * Reads `devProcesses.profiles` and `devProcesses.activeProfile` against the definitions. A
 * profile that is not an object is left out; a bad variable, or a name in `start` that is
 * neither a definition nor a group, is a problem and the rest of the profile still applies.
 * An active profile that does not exist is a problem, and then no profile is active. Never throws.
 */
export function readProfiles(raw: unknown, activeRaw: unknown, specs: readonly ProcessSpec[], ctx: DefinitionContext): ProfileSettings {
  const problems: DefinitionError[] = [];
  const profiles: Profile[] = [];
  if (isObject(raw)) {
    for (const [name, value] of Object.entries(raw)) {
      const profile = readProfile(name, value, specs, ctx, problems);
      if (profile) profiles.push(profile);
    }
  } else if (raw !== undefined && raw !== null) {
    problems.push(settingProblem(PROFILES_SETTING, undefined, `"${PROFILES_SETTING}" must be an object of profiles, e.g. { "dev": { "start": ["web"] } }; got ${typeName(raw)}.`));
  }
  const active = readActive(activeRaw, profiles, problems);
  return { profiles, active, problems };
}

function readActive(raw: unknown, profiles: Profile[], problems: DefinitionError[]): Profile | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const names = profiles.map((p) => p.name);
  if (typeof raw !== 'string') {
    problems.push(settingProblem(ACTIVE_PROFILE_SETTING, undefined, `"${ACTIVE_PROFILE_SETTING}" must be the name of a profile; got ${typeName(raw)}.`));
    return undefined;
  }
  const found = profiles.find((p) => p.name === raw);
  if (!found) {
    const known = names.length > 0 ? names.map(quote).join(', ') : 'none';
    const message = `"${ACTIVE_PROFILE_SETTING}" is ${quote(raw)}, but no profile has that name${didYouMean(raw, names)} (profiles: ${known}); no profile is active.`;
    problems.push(settingProblem(ACTIVE_PROFILE_SETTING, undefined, message, didYouMeanFix(raw, names)));
  }
  return found;
}

function readProfile(name: string, value: unknown, specs: readonly ProcessSpec[], ctx: DefinitionContext, problems: DefinitionError[]): Profile | undefined {
  const label = `Profile ${quote(name)}`;
  const problem = (field: string | undefined, message: string, fix?: DefinitionError['fix']) =>
    problems.push(settingProblem(PROFILES_SETTING, field === undefined ? name : `${name}.${field}`, `${label}: ${message}`, fix));
  if (!isObject(value)) {
    problem(undefined, `a profile must be an object such as { "start": ["web"], "env": { "PORT": "3000" } }; got ${typeName(value)}.`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    // No fix: the place found for it is the value, and a fix would write the key's name there.
    if (!PROFILE_FIELDS.includes(key)) problem(key, `unknown field ${quote(key)}${didYouMean(key, PROFILE_FIELDS)}.`);
  }
  const start = Object.hasOwn(value, 'start') ? readStart(value.start, specs, problem) : [];
  const env = Object.hasOwn(value, 'env') ? readProfileEnv(value.env, label, ctx, problem) : {};
  return { name, start, env };
}

type Report = (field: string | undefined, message: string, fix?: DefinitionError['fix']) => void;

function readStart(value: unknown, specs: readonly ProcessSpec[], problem: Report): string[] {
  if (!Array.isArray(value)) {
    problem('start', `"start" must be an array of definition or group names; got ${typeName(value)}.`);
    return [];
  }
  const known = [...specs.map((s) => s.name), ...groupNames(specs)];
  const start: string[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string' || item.trim() === '') {
      return problem(`start[${i}]`, `"start" must be an array of definition or group names; item ${i} is ${typeName(item)}.`);
    }
    if (!known.includes(item)) {
      return problem(`start[${i}]`, `"start[${i}]" names ${quote(item)}, which is neither a definition nor a group${didYouMean(item, known)}; it is left out.`, didYouMeanFix(item, known));
    }
    if (!start.includes(item)) start.push(item);
  });
  return start;
}

/** `env` as a definition's is read, so the same variables expand the same way and the same mistakes get the same words. */
function readProfileEnv(value: unknown, label: string, ctx: DefinitionContext, problem: Report): Record<string, string> {
  const entry: Entry = { index: -1, name: undefined, label, ctx, namesSeen: new Map(), spec: {} as ProcessSpec, errors: [], dependsOn: [] };
  const env = readEnv(value, 'env', entry) ?? {};
  // The entry's messages start with the label already.
  for (const error of entry.errors) problem(error.field, error.message.slice(label.length + 2), error.fix);
  return env;
}

function settingProblem(setting: string, field: string | undefined, message: string, fix?: DefinitionError['fix']): DefinitionError {
  return { index: -1, setting, message, ...(field !== undefined && { field }), ...(fix && { fix }) };
}

/** The definitions a profile starts by name: its `start` with groups replaced by their members, each once. */
export function profileMembers(profile: Profile, specs: readonly ProcessSpec[]): string[] {
  const names = new Set<string>();
  for (const item of profile.start) {
    if (specs.some((s) => s.name === item)) names.add(item);
    for (const member of groupMembers(specs, item)) names.add(member.name);
  }
  return [...names];
}

/** `names` and every definition they depend on, directly or not. */
export function withDependencies(names: readonly string[], specs: readonly ProcessSpec[]): Set<string> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const all = new Set(names);
  const todo = [...names];
  while (todo.length > 0) {
    for (const dep of byName.get(todo.pop()!)?.dependsOn ?? []) {
      if (!all.has(dep.name)) {
        all.add(dep.name);
        todo.push(dep.name);
      }
    }
  }
  return all;
}

/**
 * The definitions with the profile's `env` laid over the own `env` of each one it starts: its
 * members and the definitions they depend on. Applied to the definitions themselves, so a
 * member started by hand gets the profile's variables too.
 */
export function applyProfile(specs: readonly ProcessSpec[], profile: Profile | undefined): ProcessSpec[] {
  if (!profile || Object.keys(profile.env).length === 0) return [...specs];
  const started = withDependencies(profileMembers(profile, specs), specs);
  return specs.map((s) => (started.has(s.name) ? { ...s, env: { ...s.env, ...profile.env } } : s));
}
