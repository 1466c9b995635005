import * as vscode from 'vscode';

type TimestampMode = 'none' | 'time' | 'iso';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function formatTimestamp(at: number, mode: TimestampMode): string {
  if (mode === 'none') return '';
  const date = new Date(at);
  if (mode === 'iso') return date.toISOString();
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** `devProcesses.output.timestamps` as a formatter for the log view; undefined for "none". */
export function readTimestampFormat(): ((at: number) => string) | undefined {
  const raw = vscode.workspace.getConfiguration('devProcesses').get<unknown>('output.timestamps');
  const mode: TimestampMode = raw === 'time' || raw === 'iso' ? raw : 'none';
  return mode === 'none' ? undefined : (at) => formatTimestamp(at, mode);
}
