import type { Writable } from 'node:stream';
import { ProcessError } from '../../core/errors';

function formatBytes(n: number): string {
  return n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KB` : `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Input sent to a process that it has not read yet, at most (bytes). */
export const MAX_QUEUED_INPUT = 1024 * 1024;

/** Throws `resource-exhausted` when `text` on top of the `queued` bytes not read yet would pass MAX_QUEUED_INPUT. */
export function checkQueuedInput(name: string, queued: number, text: string): void {
  if (queued + Buffer.byteLength(text) > MAX_QUEUED_INPUT) {
    const why = queued > 0 ? `is not reading its input (${formatBytes(queued)} sent earlier still wait)` : `cannot take ${formatBytes(Buffer.byteLength(text))} of input at once`;
    throw new ProcessError('resource-exhausted', `"${name}" ${why}; at most ${formatBytes(MAX_QUEUED_INPUT)} can wait to be read.`);
  }
}

/** Writes `text` to a process's `stdin`; false when there is none that takes it. Throws as `checkQueuedInput`. */
export function writeInput(name: string, stdin: Writable | undefined, text: string): boolean {
  if (!stdin || stdin.destroyed || !stdin.writable) return false;
  checkQueuedInput(name, stdin.writableLength, text);
  stdin.write(text);
  return true;
}
