import * as fs from 'node:fs';
import * as path from 'node:path';

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The file a command runs, found as the spawn finds it: a name with a slash is taken relative to
 * `cwd`; a bare name is looked up on `pathVar` (empty and relative entries against `cwd`).
 * Undefined when nothing executable is found.
 */
export function resolveExecutable(command: string, pathVar: string | undefined, cwd: string): string | undefined {
  if (command === '') return undefined;
  if (command.includes('/')) {
    const file = path.resolve(cwd, command);
    return isExecutableFile(file) ? file : undefined;
  }
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    const file = path.resolve(cwd, dir, command);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}

/** The program a shell command line starts with, when it is a plain word (no quoting, no variables). */
export function firstWord(commandLine: string): string | undefined {
  const word = /^\s*([\w@%+=:,./-]+)(?:\s|$)/.exec(commandLine)?.[1];
  // `NAME=value cmd` sets a variable; the program comes later and is not worth parsing here.
  return word === undefined || word.includes('=') ? undefined : word;
}
