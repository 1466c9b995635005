import * as path from 'node:path';
import { getNodeValue, type Node } from 'jsonc-parser/lib/esm/main.js';
import { PROBLEM_MATCHER_CHOICES } from '../problemMatcherFields';
import { isNonBlank, isObject, quote } from '../text';
import { badName, detected, guarded, locator, problemAt, relativeCwd, tooLarge, type Locator } from './common';
import { keepRunnable, type PendingEntry, type WrittenDependency } from './dependencies';
import { parseJsonObject, property } from './jsonText';
import type { DetectProblem, DetectResult, FilePosition } from './types';

/** The task types that are a command line; others (npm, typescript, ours) belong to their providers. */
const COMMAND_TYPES = ['shell', 'process'];
/** `${workspaceFolder}` and `${env:NAME}` expand in our settings too; any other variable needs the editor's task system. */
const VARIABLE = /\$\{([^{}]*)\}/g;
const PLATFORM_KEYS: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'osx', win32: 'windows' };

type Task = Record<string, unknown>;

/**
 * `.vscode/tasks.json`: each task of type `shell` (the default) or `process` an entry
 * `tasks: LABEL`; a background task is a service, the others are jobs. Tasks of other types, and
 * compound tasks without a command of their own, are left to the editor.
 */
export function parseTasksJson(text: string, file: string, folder: string, platform: NodeJS.Platform = process.platform): DetectResult {
  const large = tooLarge('tasks', text, file);
  if (large) return { entries: [], problems: [large] };
  return guarded('tasks', file, () => {
    const at = locator(text, file);
    const { root, problem } = parseJsonObject(text, 'tasks', at, true);
    if (root === undefined) return { entries: [], problems: problem ? [problem] : [] };
    const tasks = property(root, 'tasks');
    if (tasks === undefined) return { entries: [], problems: [] };
    if (tasks.type !== 'array') return { entries: [], problems: [problemAt('tasks', at(tasks.offset), '"tasks" must be a list of tasks.')] };
    const platformKey = PLATFORM_KEYS[platform] ?? 'linux';
    const shared = withPlatform(asTask(getNodeValue(root)), platformKey);
    return readTasks(tasks.children ?? [], { at, folder, platformKey, sharedOptions: shared.options });
  });
}

interface TaskContext {
  at: Locator;
  folder: string;
  platformKey: string;
  /** The top-level `options`, under every task's own. */
  sharedOptions: unknown;
}

function readTasks(nodes: readonly Node[], ctx: TaskContext): DetectResult {
  const problems: DetectProblem[] = [];
  const pending: PendingEntry[] = [];
  const labels = new Set<string>();
  for (const node of nodes) {
    const read = readTask(node, ctx);
    if (read === undefined) continue;
    if ('message' in read) problems.push(read);
    else if (labels.has(read.label)) problems.push(problemAt('tasks', read.entry.at, `task ${quote(read.label)} is defined again; the first one is used.`));
    else {
      labels.add(read.label);
      pending.push(read);
    }
  }
  const settled = keepRunnable('tasks', pending);
  return { entries: settled.entries, problems: [...problems, ...settled.problems] };
}

/** One task as an entry, a problem, or undefined for a task the editor keeps (another type, a compound task). */
function readTask(node: Node, ctx: TaskContext): PendingEntry | DetectProblem | undefined {
  if (node.type !== 'object') return problemAt('tasks', ctx.at(node.offset), 'each task must be an object with a "label" and a "command".');
  const task = withPlatform(asTask(getNodeValue(node)), ctx.platformKey);
  const type = task.type ?? 'shell';
  if (typeof type !== 'string' || !COMMAND_TYPES.includes(type)) return undefined;
  const labelNode = property(node, 'label') ?? property(node, 'taskName');
  const at = ctx.at((labelNode ?? node).offset);
  const label = task.label ?? task.taskName;
  if (!isNonBlank(label)) return problemAt('tasks', at, `a task of type ${quote(type)} has no "label"; skipped.`);
  const why = badName(label, 'task');
  if (why !== undefined) return problemAt('tasks', at, why);
  const dependsOn = dependencies(task.dependsOn, property(node, 'dependsOn'), at, ctx.at);
  const command = textOf(task.command);
  if (command === undefined) {
    return dependsOn.length > 0 ? undefined : problemAt('tasks', at, `task ${quote(label)} has no "command"; skipped.`);
  }
  const args = argsOf(task.args, type === 'shell');
  if (args === undefined) return problemAt('tasks', at, `task ${quote(label)}: "args" must be a list of strings; skipped.`);
  const options = { ...asTask(ctx.sharedOptions), ...asTask(task.options) };
  const env = envOf({ ...asTask(asTask(ctx.sharedOptions).env), ...asTask(asTask(task.options).env) });
  const cwd = cwdOf(options.cwd, ctx.folder);
  const foreign = [command, ...args, cwd ?? '', ...Object.values(env ?? {})].map(editorVariable).find((v) => v !== undefined);
  if (foreign !== undefined) {
    return problemAt('tasks', at, `task ${quote(label)} uses \${${foreign}}, which only the editor's task system can fill in; run it from Tasks: Run Task. Skipped.`);
  }
  const fields = {
    command,
    args: args.length > 0 ? args : undefined,
    shell: type === 'shell' ? true : undefined,
    cwd,
    env,
    kind: task.isBackground === true ? 'service' : 'job',
    dependsOn: dependsOn.length > 0 ? dependsOn.map((d) => d.name) : undefined,
    problemMatcher: problemMatcherOf(task.problemMatcher),
  };
  return { entry: detected('tasks', `tasks: ${label}`, ctx.folder, at, fields), label, dependsOn };
}

function asTask(value: unknown): Task {
  return isObject(value) ? value : {};
}

/** The task with its `linux` / `osx` / `windows` part laid over it, as the editor does. */
function withPlatform(task: Task, platformKey: string): Task {
  const override = asTask(task[platformKey]);
  const options = { ...asTask(task.options), ...asTask(override.options) };
  const env = { ...asTask(asTask(task.options).env), ...asTask(asTask(override.options).env) };
  const merged: Task = { ...task, ...override };
  if (isObject(task.options) || isObject(override.options)) merged.options = Object.keys(env).length > 0 ? { ...options, env } : options;
  return merged;
}

/** A string, or `{ value, quoting }` as the editor also takes; a list of strings is one command line. */
function textOf(value: unknown): string | undefined {
  if (isNonBlank(value)) return value;
  if (isObject(value) && isNonBlank(value.value)) return value.value;
  if (Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === 'string')) return value.join(' ');
  return undefined;
}

/**
 * A shell task's arguments are quoted as the editor quotes them, since the shell gets them joined
 * into one line: a string with white space in single quotes, an object by its `quoting`.
 */
function argsOf(value: unknown, shell: boolean): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const args = value.map((arg) => (typeof arg === 'string' ? arg : isObject(arg) && typeof arg.value === 'string' ? arg.value : undefined));
  if (!args.every((arg) => arg !== undefined)) return undefined;
  return shell ? args.map((arg, i) => quoteForShell(arg, asTask(value[i]).quoting)) : args;
}

function quoteForShell(arg: string, quoting: unknown): string {
  if (quoting === 'escape') return arg.replace(/([\\\s'"`$&|;<>()*?[\]#~!{}])/g, '\\$1');
  if (quoting === 'weak') return `"${arg.replace(/(["\\`])/g, '\\$1')}"`;
  if (quoting !== 'strong' && arg !== '' && !/\s/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function envOf(raw: Task): Record<string, string> | undefined {
  const env = Object.fromEntries(Object.entries(raw).filter((pair): pair is [string, string] => typeof pair[1] === 'string'));
  return Object.keys(env).length > 0 ? env : undefined;
}

/** `options.cwd` relative to the folder, as entries write it; one with `${env:...}` is kept as written. */
function cwdOf(raw: unknown, folder: string): string | undefined {
  if (!isNonBlank(raw)) return undefined;
  const resolved = raw.replace(/^\$\{workspaceFolder\}/, folder);
  if (resolved.includes('${')) return raw;
  return relativeCwd(folder, path.resolve(folder, resolved));
}

/** The first variable in `text` our settings cannot expand, e.g. `file` or `input:port`. */
function editorVariable(text: string): string | undefined {
  for (const [, name] of text.matchAll(VARIABLE)) {
    if (name !== 'workspaceFolder' && !(name.startsWith('env:') && name.length > 4)) return name;
  }
  return undefined;
}

/** `dependsOn`: a label or a list of them; a dependency given by type (`{ "type": "npm", ... }`) has no entry of ours. */
function dependencies(raw: unknown, node: Node | undefined, fallback: FilePosition, at: Locator): WrittenDependency[] {
  const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const nodes = node?.type === 'array' ? node.children ?? [] : node ? [node] : [];
  return items.map((item, i) => {
    const label = typeof item === 'string' ? item : isObject(item) && typeof item.label === 'string' ? item.label : 'a task given by its type';
    const place = nodes[i] ? at(nodes[i].offset) : fallback;
    return { name: typeof item === 'string' ? `tasks: ${item}` : '', label, at: place };
  });
}

/** The matchers we ship, by name; a matcher written out or contributed by another extension is left out. */
function problemMatcherOf(raw: unknown): string | string[] | undefined {
  const names = (Array.isArray(raw) ? raw : [raw]).filter((name): name is string => typeof name === 'string' && PROBLEM_MATCHER_CHOICES.includes(name));
  return names.length === 0 ? undefined : names.length === 1 ? names[0] : names;
}
