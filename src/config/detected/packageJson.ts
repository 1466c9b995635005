import * as path from 'node:path';
import type { Node } from 'jsonc-parser/lib/esm/main.js';
import { quote } from '../text';
import { badName, detected, locator, problemAt, relativeCwd, tooLarge, unreadable, type Locator } from './common';
import { parseJsonObject, properties, property, stringValue } from './jsonText';
import { scriptKind } from './kind';
import type { DetectedEntry, DetectProblem, FilePosition, PackageManager } from './types';

export interface PackageScript {
  name: string;
  /** The script's command line, as package.json writes it (for the kind). */
  text: string;
  at: FilePosition;
}

/** What detection uses of one package.json. */
export interface PackageManifest {
  file: string;
  /** The `name` field, when it is a usable string. */
  name?: string;
  scripts: PackageScript[];
  /** Workspace package globs: `workspaces` as an array or as `{ packages: [...] }`. */
  workspaces: string[];
  /** From `packageManager`, e.g. `pnpm@9.1.0`. */
  packageManager?: PackageManager;
}

export interface ManifestResult {
  manifest?: PackageManifest;
  problems: DetectProblem[];
}

const MANAGERS: readonly PackageManager[] = ['npm', 'pnpm', 'yarn', 'bun'];

/** Reads one package.json: a malformed file is one problem at the syntax error; a bad script is skipped with its own. */
export function readPackageJson(text: string, file: string): ManifestResult {
  const large = tooLarge('npm', text, file);
  if (large) return { problems: [large] };
  try {
    return readManifest(text, file);
  } catch {
    return { problems: [unreadable('npm', file)] };
  }
}

function readManifest(text: string, file: string): ManifestResult {
  const at = locator(text, file);
  const { root, problem } = parseJsonObject(text, 'npm', at, false);
  if (root === undefined) return { problems: problem ? [problem] : [] };
  const problems: DetectProblem[] = [];
  const manifest: PackageManifest = { file, scripts: readScripts(property(root, 'scripts'), at, problems), workspaces: readWorkspaces(property(root, 'workspaces')) };
  const name = stringValue(property(root, 'name'));
  if (name !== undefined && badName(name, 'package') === undefined) manifest.name = name;
  const manager = stringValue(property(root, 'packageManager'))?.split('@')[0];
  const known = MANAGERS.find((m) => m === manager);
  if (known) manifest.packageManager = known;
  return { manifest, problems };
}

function readScripts(node: Node | undefined, at: Locator, problems: DetectProblem[]): PackageScript[] {
  if (node === undefined) return [];
  if (node.type !== 'object') {
    problems.push(problemAt('npm', at(node.offset), `"scripts" must be an object of script names and command lines; got ${node.type === 'array' ? 'an array' : `a ${node.type}`}.`));
    return [];
  }
  const byName = new Map<string, PackageScript>();
  for (const [key, value] of properties(node)) {
    const name = String(key.value);
    const why = badName(name, 'script');
    if (why !== undefined) {
      problems.push(problemAt('npm', at(key.offset), why));
      continue;
    }
    const text = stringValue(value);
    if (text === undefined || text.trim() === '') {
      const got = value.type === 'string' ? 'an empty string' : value.type === 'array' ? 'an array' : `a ${value.type}`;
      problems.push(problemAt('npm', at(value.offset), `script ${quote(name)} must be a command line (a string); got ${got}; skipped.`));
      continue;
    }
    // A repeated key: the last one counts, as npm reads it.
    byName.delete(name);
    byName.set(name, { name, text, at: at(key.offset) });
  }
  return [...byName.values()];
}

function readWorkspaces(node: Node | undefined): string[] {
  const list = node?.type === 'object' ? property(node, 'packages') : node;
  if (list?.type !== 'array') return [];
  return (list.children ?? []).map(stringValue).filter((glob): glob is string => glob !== undefined && glob.trim() !== '');
}

/** The package manager of a workspace root: its `packageManager` field, else the lockfile beside it. */
export function packageManagerOf(manifest: PackageManifest | undefined, lockfiles: ReadonlySet<string>): PackageManager {
  if (manifest?.packageManager) return manifest.packageManager;
  if (lockfiles.has('pnpm-lock.yaml')) return 'pnpm';
  if (lockfiles.has('yarn.lock')) return 'yarn';
  if (lockfiles.has('bun.lockb') || lockfiles.has('bun.lock')) return 'bun';
  return 'npm';
}

/** The lockfiles whose presence names the package manager. */
export const LOCKFILES = ['pnpm-lock.yaml', 'yarn.lock', 'bun.lockb', 'bun.lock'] as const;

export interface PackageEntryOptions {
  /** The workspace folder the package belongs to. */
  folder: string;
  manager: PackageManager;
  /** `web` in `npm: web/dev`, when the window has several packages; undefined for `npm: dev`. */
  label: string | undefined;
}

/** One entry per script: `npm run SCRIPT` (or pnpm, yarn, bun) in the package's folder, no shell. */
export function packageEntries(manifest: PackageManifest, options: PackageEntryOptions): DetectedEntry[] {
  const cwd = relativeCwd(options.folder, path.dirname(manifest.file));
  return manifest.scripts.map((script) => {
    const name = options.label === undefined ? `npm: ${script.name}` : `npm: ${options.label}/${script.name}`;
    const fields = { command: options.manager, args: ['run', script.name], cwd, kind: scriptKind(script.name, script.text) };
    return detected('npm', name, options.folder, script.at, fields);
  });
}
