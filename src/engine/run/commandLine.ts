import { formatDuration } from '../../core/duration';
import type { ProcessError } from '../../core/errors';
import type { ProcessSpec } from '../../core/types';

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommandLine(spec: Pick<ProcessSpec, 'command' | 'args' | 'shell'>): string {
  if (spec.shell) return [spec.command, ...spec.args].join(' ');
  return [spec.command, ...spec.args].map(quoteArg).join(' ');
}

/** The line that ends a run's output: why it ended (null for success) and, unless that reads as advice, after how long. */
export function endLine(name: string, error: ProcessError | null, tookMs: number | null): string {
  // A message of several sentences ends in advice; a duration tacked on there reads as part of it.
  if (error && /\.\s+\S/.test(error.message)) return error.message;
  const took = tookMs === null ? '' : ` after ${formatDuration(tookMs)}`;
  return `${(error?.message ?? `"${name}" exited with code 0`).replace(/\.$/, '')}${took}.`;
}
