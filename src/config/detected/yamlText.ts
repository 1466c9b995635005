import * as path from 'node:path';
import type { Document } from 'yaml';
import { isObject } from '../text';
import { locator, problemAt, tooLarge } from './common';
import type { DetectProblem, DetectSource, FilePosition } from './types';

/**
 * Aliases a real file uses are a few dozen at most; "billion laughs" files nest thousands. Past
 * this count the file is refused rather than expanded.
 */
const MAX_ALIASES = 1000;

let yamlModule: typeof import('yaml') | undefined;

/**
 * The YAML parser, loaded with the first YAML file read: most workspaces have none, and it is the
 * largest part of the bundle, which activation would otherwise load and compile (the extension's
 * build puts it in a file of its own, see esbuild.js).
 */
function yaml(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (yamlModule ??= require('yaml') as typeof import('yaml'));
}

export interface YamlObject {
  value: Record<string, unknown>;
  /** The place of the deepest key of `keys` that the file writes, else the file's start. */
  placeOf(keys: readonly string[]): FilePosition;
}

export type YamlResult = { yaml: YamlObject; problem?: undefined } | { yaml?: undefined; problem: DetectProblem };

/** Parses a YAML file whose top level is a mapping: any syntax error, alias bomb or other top level is one problem. */
export function parseYamlObject(text: string, source: DetectSource, file: string): YamlResult {
  const large = tooLarge(source, text, file);
  if (large) return { problem: large };
  const at = locator(text, file);
  const name = path.basename(file);
  // Merge keys (`<<: *defaults`): compose files use them for shared settings.
  const doc = yaml().parseDocument(text, { merge: true, uniqueKeys: false, prettyErrors: false });
  const [error] = doc.errors;
  if (error) return { problem: problemAt(source, at(error.pos[0]), `${name} is not valid YAML: ${firstLine(error.message)}.`) };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    return { problem: problemAt(source, at(0), `${name} uses its aliases (*name) too many times to be read safely; skipped.`) };
  }
  if (!isObject(value)) {
    const got = value === null || value === undefined ? 'nothing' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    return { problem: problemAt(source, at(0), `${name} must hold a mapping (keys and values) at its top level; got ${got}.`) };
  }
  return { yaml: { value, placeOf: (keys) => at(keyOffset(doc, keys)) } };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/[.:]\s*$/, '');
}

/** The offset of the deepest key along `keys` written in the document (through mappings only). */
function keyOffset(doc: Document, keys: readonly string[]): number {
  let node: unknown = doc.contents;
  let offset = 0;
  const { isMap, isScalar } = yaml();
  for (const key of keys) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    if (!pair || !isScalar(pair.key)) break;
    offset = pair.key.range?.[0] ?? offset;
    node = pair.value;
  }
  return offset;
}
