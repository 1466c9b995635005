import { execProbe } from '../health/probes';
import type { Launcher } from '../../platform/launcher';
import type { ProcessTable } from '../../platform/procfs';
import type { ProcessSpec } from '../../core/types';

/** How one stop goes: the definition's `stop` over the global grace, bounded by a cap (a window closing). */
export interface StopPlan {
  signal: NodeJS.Signals;
  command: string[] | undefined;
  /** How long the command may run before it is killed and the signal goes anyway. */
  commandMs: number;
  /** Between the signal and SIGKILL. */
  graceMs: number;
}

/**
 * The stop a definition asks for. `capMs` bounds the whole stop (command and grace together),
 * as closing the window must: then the command gets half of it.
 */
export function stopPlan(spec: Pick<ProcessSpec, 'stop'>, graceMs: number, capMs = Infinity): StopPlan {
  const stop = spec.stop;
  const command = stop?.command && stop.command.length > 0 ? stop.command : undefined;
  const grace = Math.min(stop?.timeoutMs ?? graceMs, capMs);
  const commandMs = command === undefined ? 0 : Number.isFinite(capMs) ? Math.floor(grace / 2) : grace;
  return { signal: stop?.signal ?? 'SIGTERM', command, commandMs, graceMs: Number.isFinite(capMs) ? grace - commandMs : grace };
}

/** The line a stop starts with in the run's output. */
export function stoppingLine(plan: StopPlan): string {
  const command = plan.command ? `"${plan.command.join(' ')}", then ` : '';
  return `Stopping (${command}${plan.signal} to the process group)...`;
}

/** What running a stop command needs. */
export interface StopCommandContext {
  cwd: string;
  env: Record<string, string>;
  launcher: Launcher;
  table: ProcessTable;
  now: () => number;
}

/**
 * Runs the definition's stop command to its end, or kills it after `plan.commandMs`; never
 * throws. Resolves to the line to show when it failed or hung (the signal follows either way).
 */
export async function runStopCommand(plan: StopPlan, ctx: StopCommandContext): Promise<string | undefined> {
  if (!plan.command) return undefined;
  const [command, ...args] = plan.command;
  const failure = await execProbe({ command, args, timeoutMs: plan.commandMs }, new AbortController().signal, ctx);
  if (failure === null) return undefined;
  return `The stop command failed: ${failure}; sending ${plan.signal} to the process group.`;
}
