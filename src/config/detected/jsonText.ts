import * as path from 'node:path';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import { problemAt, type Locator } from './common';
import type { DetectProblem, DetectSource } from './types';

export interface JsonFile {
  /** The root object, or undefined with the problem that says why. */
  root: Node | undefined;
  problem?: DetectProblem;
}

/**
 * Parses `text` to a tree that keeps offsets. `jsonc`: comments and trailing commas allowed, as
 * in tasks.json; package.json is strict JSON, as npm reads it.
 */
export function parseJsonObject(text: string, source: DetectSource, at: Locator, jsonc: boolean): JsonFile {
  const file = at(0).file;
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: jsonc, disallowComments: !jsonc, allowEmptyContent: false });
  if (errors.length > 0) {
    const [first] = errors;
    const message = `${path.basename(file)} is not valid ${jsonc ? 'JSON with comments' : 'JSON'}: ${errorText(first.error)}.`;
    return { root: undefined, problem: problemAt(source, at(first.offset), message) };
  }
  if (root?.type !== 'object') {
    const got = root === undefined ? 'nothing' : root.type === 'array' ? 'an array' : `a ${root.type}`;
    return { root: undefined, problem: problemAt(source, at(root?.offset ?? 0), `${path.basename(file)} must hold an object; got ${got}.`) };
  }
  return { root };
}

/** `CommaExpected` -> `comma expected`. */
function errorText(code: ParseError['error']): string {
  return printParseErrorCode(code).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The value node of a key of an object node; the last one when a key is repeated, as JSON.parse does. */
export function property(node: Node | undefined, key: string): Node | undefined {
  let found: Node | undefined;
  for (const [name, value] of properties(node)) if (name.value === key) found = value;
  return found;
}

/** An object node's key and value nodes, in file order. */
export function properties(node: Node | undefined): [key: Node, value: Node][] {
  if (node?.type !== 'object') return [];
  const pairs: [Node, Node][] = [];
  for (const child of node.children ?? []) {
    const [key, value] = child.children ?? [];
    if (key !== undefined && value !== undefined) pairs.push([key, value]);
  }
  return pairs;
}

/** A string node's value, else undefined. */
export function stringValue(node: Node | undefined): string | undefined {
  return node?.type === 'string' && typeof node.value === 'string' ? node.value : undefined;
}
