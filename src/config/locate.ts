import type { JSONPath, Node } from 'jsonc-parser/lib/esm/main.js';
import { jsonc } from './jsonc';
import type { DefinitionError } from '../core/types';
import { DEPENDENCY_FIELDS } from './dependsOnFields';
import { DEFINITION_FIELDS, TASKS_SETTING } from './definitions';
import { HEALTH_CHECK_FIELDS, PROBE_FIELDS } from './healthCheckFields';
import { LIMIT_FIELDS } from './limitsFields';
import { RECOVERABLE_CODES, RESTART_FIELDS } from './recoveryFields';
import { INSTANCE_FIELDS, RETRY_FIELDS } from './schedulingFields';

/** Where a problem is in the text of a settings file: `[start, end)` in characters. */
export interface SettingsRange {
  start: number;
  end: number;
  /**
   * How close the range came: `field` is the field itself; `entry` is the innermost part that
   * is written (the entry, or an object such as its `healthCheck.readiness`) when the field is
   * not; `setting` is the `devProcesses.tasks` setting, for a problem with the whole setting or an
   * entry the file does not have.
   */
  precision: 'field' | 'entry' | 'setting';
}

/** The `devProcesses.tasks` setting found in the text of a settings file. */
export interface TasksInSettings {
  /** The range of a problem's place; never fails once the setting is found. */
  locate(problem: Pick<DefinitionError, 'index' | 'field'>): SettingsRange;
}

/** The settings of a `.code-workspace` file sit under this key. */
export const WORKSPACE_FILE_PREFIX: JSONPath = ['settings'];

const PROBE_KEYS = ['type', ...new Set(Object.values(PROBE_FIELDS).flat())];

/**
 * The keys each object of a definition takes, by where the object is (`[]` for any item of an
 * array). A key outside its list is itself the problem, so its error points at the key rather
 * than the value. Objects not listed (`env`) take any key.
 */
const KNOWN_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ['', DEFINITION_FIELDS],
  ['retry', RETRY_FIELDS],
  ['instances', INSTANCE_FIELDS],
  ['restart', RESTART_FIELDS],
  ['recovery', RECOVERABLE_CODES],
  ['limits', LIMIT_FIELDS],
  ['healthCheck', HEALTH_CHECK_FIELDS],
  ['healthCheck.readiness', PROBE_KEYS],
  ['healthCheck.liveness', PROBE_KEYS],
  ['dependsOn[]', DEPENDENCY_FIELDS],
]);

/**
 * Finds `devProcesses.tasks` in the text of a settings.json (JSONC: comments and trailing commas
 * allowed). `prefix` is the path of the settings object: `[]` for a settings.json,
 * `WORKSPACE_FILE_PREFIX` for a `.code-workspace` file. Undefined when the file does not set it
 * (the tasks then come from another file, such as the user settings). Never throws.
 */
export function findTasksSetting(text: string, prefix: JSONPath = []): TasksInSettings | undefined {
  const setting = findSetting(text, prefix, TASKS_SETTING);
  const tasks = setting?.children?.[1];
  if (!setting || !tasks) return undefined;
  const key = setting.children![0];
  return {
    locate(problem) {
      const entry = problem.index >= 0 && tasks.type === 'array' ? tasks.children?.[problem.index] : undefined;
      // A negative index is a problem with the setting's value; a missing entry means the file
      // is not what the settings were read from (unsaved, or changed since).
      if (!entry) return problem.index < 0 ? range(tasks, 'setting') : range(key, 'setting');
      return problem.field === undefined ? range(entry, 'entry') : locateField(entry, problem.field);
    },
  };
}

/** The property of a setting such as `devProcesses.tasks` in the text of a settings file. */
function findSetting(text: string, prefix: JSONPath, name: string): Node | undefined {
  let node = jsonc().parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  for (const segment of prefix) node = valueAt(node, segment);
  // VS Code also reads a dotted setting written as nested objects.
  const dot = name.indexOf('.');
  return propertyOf(node, name) ?? propertyOf(valueAt(node, name.slice(0, dot)), name.slice(dot + 1));
}

/**
 * Where `field` (a path inside the value, such as `dev.start[1]`; undefined for the whole value)
 * is in a setting other than `devProcesses.tasks`; undefined when the file does not set it.
 */
export function locateSetting(text: string, setting: string, field?: string, prefix: JSONPath = []): SettingsRange | undefined {
  const value = findSetting(text, prefix, setting)?.children?.[1];
  if (!value) return undefined;
  return field === undefined ? range(value, 'field') : locateField(value, field);
}

/** `findTasksSetting(text, prefix)?.locate(problem)`, for a single problem. */
export function locateProblem(text: string, problem: Pick<DefinitionError, 'index' | 'field'>, prefix: JSONPath = []): SettingsRange | undefined {
  return findTasksSetting(text, prefix)?.locate(problem);
}

/**
 * Follows a field such as `args[2]`, `env.PORT` or `healthCheck.readiness.url` down from an entry.
 * Guided by the keys the text has rather than by splitting on dots, since an `env` name may hold
 * dots or brackets itself (`env.a.b` is the variable `a.b`).
 */
function locateField(entry: Node, field: string): SettingsRange {
  let node = entry;
  let rest = field;
  /** Where `node` is in the entry, as `KNOWN_KEYS` names it: `.healthCheck.readiness`, `.dependsOn[]`. */
  let where = '';
  for (;;) {
    if (node.type === 'array') {
      const item = /^\[(\d+)\]\.?/.exec(rest);
      const child = item ? node.children?.[Number(item[1])] : undefined;
      if (!item || !child) return range(node, 'entry');
      where += '[]';
      rest = rest.slice(item[0].length);
      if (rest === '') return range(child, 'field');
      node = child;
    } else if (node.type === 'object') {
      const property = longestKeyOf(node, rest);
      if (!property) return range(node, 'entry');
      const [key, value] = property.children!;
      const name = key.value as string;
      rest = rest.slice(name.length);
      if (rest === '') {
        const known = KNOWN_KEYS.get(where.slice(1));
        return range(known && !known.includes(name) ? key : (value ?? key), 'field');
      }
      if (!value) return range(property, 'entry');
      if (rest.startsWith('.')) rest = rest.slice(1);
      where += `.${name}`;
      node = value;
    } else {
      return range(node, 'entry');
    }
  }
}

/** The property of `object` whose key `field` starts with, followed by its end, `.` or `[`; the longest, since keys may hold dots. */
function longestKeyOf(object: Node, field: string): Node | undefined {
  let best: Node | undefined;
  let bestLength = -1;
  for (const property of object.children ?? []) {
    const name: unknown = property.children?.[0]?.value;
    if (typeof name !== 'string') continue;
    const fits = field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`);
    // `>=`: of repeated keys the last counts, as it does for VS Code.
    if (fits && name.length >= bestLength) {
      best = property;
      bestLength = name.length;
    }
  }
  return best;
}

/** The last property named `name` of an object node: VS Code reads the last of repeated keys. */
function propertyOf(object: Node | undefined, name: string): Node | undefined {
  if (object?.type !== 'object') return undefined;
  let found: Node | undefined;
  for (const property of object.children ?? []) if (property.children?.[0]?.value === name) found = property;
  return found;
}

function valueAt(node: Node | undefined, segment: string | number): Node | undefined {
  if (typeof segment === 'number') return node?.type === 'array' ? node.children?.[segment] : undefined;
  return propertyOf(node, segment)?.children?.[1];
}

function range(node: Node, precision: SettingsRange['precision']): SettingsRange {
  return { start: node.offset, end: node.offset + node.length, precision };
}

/** Zero-based line and character of an offset, counting `\r\n`, `\n` and `\r` as line breaks, as VS Code does. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */ && text.charCodeAt(i + 1) === 10 && i + 1 < end) continue;
    if (c === 10 || c === 13) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: end - lineStart };
}
