import type { ProcessSpec } from '../../core/types';

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommandLine(spec: Pick<ProcessSpec, 'command' | 'args' | 'shell'>): string {
  if (spec.shell) return [spec.command, ...spec.args].join(' ');
  return [spec.command, ...spec.args].map(quoteArg).join(' ');
}
