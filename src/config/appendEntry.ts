import { applyEdits, modify, parseTree, findNodeAtLocation, type JSONPath } from 'jsonc-parser/lib/esm/main.js';
import { TASKS_SETTING } from './definitions';

/** How the settings file is indented. */
export interface Indentation {
  tabSize: number;
  insertSpaces: boolean;
}

/** The indentation of the first indented line of a JSON text, if any: what a new entry should follow. */
export function indentationOf(text: string): Indentation | undefined {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1];
  if (indent === undefined) return undefined;
  return indent.startsWith('\t') ? { tabSize: 4, insertSpaces: false } : { tabSize: indent.length, insertSpaces: true };
}

/**
 * The settings file's text with `entry` added at the end of `devProcesses.tasks` (the setting
 * created when missing), formatted as the rest of the file, its comments kept. `prefix` is where
 * the settings object sits (`["settings"]` in a `.code-workspace` file). `at`: the offset of the
 * new entry, to reveal it. Throws a plain `Error` when the text is not a JSON object.
 */
export function appendEntry(text: string, prefix: JSONPath, entry: unknown, indentation: Indentation): { text: string; at: number } {
  const source = text.trim() === '' ? '{}' : text;
  const root = parseTree(source);
  if (root?.type !== 'object') throw new Error('the settings file does not hold a JSON object');
  const setting = findNodeAtLocation(root, [...prefix, TASKS_SETTING]);
  // What is written there is the user's, however wrong: it is never replaced.
  if (setting && setting.type !== 'array') throw new Error(`"${TASKS_SETTING}" in it is not an array; fix it first`);
  const formattingOptions = { tabSize: indentation.tabSize, insertSpaces: indentation.insertSpaces, eol: source.includes('\r\n') ? '\r\n' : '\n' };
  const path: JSONPath = setting?.type === 'array' ? [...prefix, TASKS_SETTING, -1] : [...prefix, TASKS_SETTING];
  const value = setting?.type === 'array' ? entry : [entry];
  const edits = modify(source, path, value, { formattingOptions, isArrayInsertion: setting?.type === 'array' });
  const updated = applyEdits(source, edits);
  const tasks = findNodeAtLocation(parseTree(updated)!, [...prefix, TASKS_SETTING]);
  const last = tasks?.children?.[tasks.children.length - 1];
  return { text: updated, at: last?.offset ?? 0 };
}
