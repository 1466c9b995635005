import * as fs from 'node:fs';
import { readEnvFile } from '../../platform/dotenv';
import { ProcessError, type SpawnInput } from '../../core/errors';
import { buildEnvironment } from '../../platform/environment';
import { firstWord, resolveExecutable } from '../../platform/executable';
import { RUN_MARKER } from '../../platform/records';
import { withExtraEnv, type RunExtras } from './runExtras';
import type { ProcessSpec } from '../../core/types';

/** The field of a spec whose text holds a NUL character, e.g. `env.API_TOKEN`. */
function fieldWithNul(spec: Pick<ProcessSpec, 'command' | 'args' | 'cwd' | 'env'>): string | undefined {
  if (spec.command.includes('\0')) return 'command';
  const arg = spec.args.findIndex((a) => a.includes('\0'));
  if (arg >= 0) return `args[${arg}]`;
  if (spec.cwd.includes('\0')) return 'cwd';
  const name = Object.keys(spec.env).find((key) => spec.env[key].includes('\0'));
  return name === undefined ? undefined : `env.${name}`;
}

/** The largest argument or variable the definition gives a process: what E2BIG most likely refers to. */
export function largestInput(spec: Pick<ProcessSpec, 'command' | 'args' | 'env'>, fromFile: Record<string, string>): SpawnInput {
  let largest: SpawnInput = { field: 'command', bytes: Buffer.byteLength(spec.command) };
  const consider = (field: string, text: string) => {
    const bytes = Buffer.byteLength(text);
    if (bytes > largest.bytes) largest = { field, bytes };
  };
  spec.args.forEach((arg, i) => consider(`args[${i}]`, arg));
  for (const [name, value] of Object.entries(fromFile)) consider(`envFile (${name})`, `${name}=${value}`);
  for (const [name, value] of Object.entries(spec.env)) consider(`env.${name}`, `${name}=${value}`);
  return largest;
}

/** The variables a run's process gets; throws `spawn-failed` when the spec cannot be started at all. */
export function prepareEnvironment(
  spec: ProcessSpec,
  inheritedEnv: Readonly<Record<string, string>>,
  fromFile: Record<string, string>,
  runId: string,
  extras?: RunExtras,
): Record<string, string> {
  let cwd: fs.Stats | undefined;
  try {
    cwd = fs.statSync(spec.cwd);
  } catch {
    // Reported below.
  }
  if (!cwd?.isDirectory()) {
    const why = cwd ? 'is not a directory' : 'does not exist';
    throw new ProcessError('spawn-failed', `"${spec.name}" could not start: the working directory ${spec.cwd} ${why}.`);
  }
  const withNul = fieldWithNul(spec);
  if (withNul !== undefined) {
    // Node's own error would quote the value, and it may be a secret.
    throw new ProcessError('spawn-failed', `"${spec.name}" could not start: "${withNul}" contains a NUL character, which no process can be given.`);
  }
  // A pty run is shown in an xterm-compatible view, whatever terminal the editor was started from.
  const term: Record<string, string> = spec.tty ? { TERM: TTY_TERM } : {};
  return { ...withExtraEnv(buildEnvironment(inheritedEnv, { ...term, ...fromFile }, spec.env), extras), [RUN_MARKER]: runId };
}

/** What a `tty` run's TERM is unless its envFile or env says otherwise. */
export const TTY_TERM = 'xterm-256color';

/** The program as written: the command, or the first word of a shell command line. */
function programOf(spec: Pick<ProcessSpec, 'command' | 'shell'>): string | undefined {
  return spec.shell ? firstWord(spec.command) : spec.command;
}

/** What the command runs, as the spawn will find it on the run's PATH. */
export function resolveProgram(spec: Pick<ProcessSpec, 'command' | 'shell' | 'cwd'>, env: Record<string, string>): string | null {
  const program = programOf(spec);
  return (program !== undefined && resolveExecutable(program, env.PATH, spec.cwd)) || null;
}

/** ` (node → /usr/bin/node)` when the command was looked up, empty when it already named the file. */
export function resolvedNote(spec: Pick<ProcessSpec, 'command' | 'shell'>, executable: string | null): string {
  const program = programOf(spec);
  if (executable === null || program === undefined || program === executable) return '';
  return ` (${program} → ${executable})`;
}

/**
 * Reads the spec's `envFile`, if any, and hands its variables to `launch` (at once when there is
 * none); `current` says whether the attempt still wants them once the file was read.
 */
export function withEnvFile(
  spec: ProcessSpec,
  current: () => boolean,
  launch: (fromFile: Record<string, string>) => void,
  fail: (error: ProcessError) => void,
): void {
  const envFile = spec.envFile;
  if (envFile === undefined) return launch({});
  void readEnvFile(envFile).then((read) => {
    // Stopped or replaced while the file was read.
    if (!current()) return;
    if ('vars' in read) return launch(read.vars);
    fail(new ProcessError('spawn-failed', `"${spec.name}" could not start: "envFile" ${envFile} ${read.problem}.`));
  });
}
