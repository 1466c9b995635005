import type { DebugSpec } from '../../core/types';

/**
 * What one run gets on top of its definition (a debug run's variables and arguments). A run keeps
 * them across its automatic restarts and retries; a restart or retry you ask for starts without.
 */
export interface RunExtras {
  /** Variables set over everything else the run gets. */
  env?: Record<string, string>;
  /** Values added, after a space, to what the variable would be otherwise (options lists such as NODE_OPTIONS). */
  appendEnv?: Record<string, string>;
  /** Arguments after the definition's. */
  args?: string[];
}

/** The Node preset's option: an inspector on a port the system picks, on the loopback only. */
export const NODE_INSPECT_OPTION = '--inspect=127.0.0.1:0';

/** The environment with the extras applied: `env` over it, then `appendEnv` added to it. */
export function withExtraEnv(env: Record<string, string>, extras: RunExtras | undefined): Record<string, string> {
  if (!extras) return env;
  const result = { ...env, ...extras.env };
  for (const [name, value] of Object.entries(extras.appendEnv ?? {})) {
    const before = result[name]?.trim();
    result[name] = before ? `${before} ${value}` : value;
  }
  return result;
}

/** The arguments with the extras' after them. */
export function withExtraArgs(args: string[], extras: RunExtras | undefined): string[] {
  return extras?.args?.length ? [...args, ...extras.args] : args;
}

/** What a debug run of a definition gets: its `debug.env` and `debug.args`, and the preset's option. */
export function debugExtras(debug: DebugSpec): RunExtras {
  const extras: RunExtras = { env: { ...debug.env }, args: [...debug.args] };
  if (debug.type === 'node') extras.appendEnv = { NODE_OPTIONS: NODE_INSPECT_OPTION };
  return extras;
}
