import type { ErrorCode } from '../../core/errors';

const IN_USE = /EADDRINUSE|address already in use|port .*already in use/i;
const PORT_NUMBER = [/(?:EADDRINUSE|in use)[^\n]*?:(\d{2,5})\b/i, /\bport[ :]+(\d{2,5})\b/i, /:(\d{2,5})\b/];
const EXHAUSTED = /\b(EMFILE|ENFILE|ENOMEM|EAGAIN)\b|too many open files|out of memory|cannot allocate memory|heap out of memory/i;

/** The port a failed server complained about ("address already in use"), if its output says. */
export function portInUse(lines: readonly string[]): number | undefined {
  for (const line of lines) {
    if (!IN_USE.test(line)) continue;
    for (const pattern of PORT_NUMBER) {
      const port = Number(pattern.exec(line)?.[1]);
      if (port > 0 && port < 65536) return port;
    }
  }
  return undefined;
}

/** A failure its output shows to be resource exhaustion (files, memory, processes). */
export function classifyFromOutput(code: ErrorCode, lines: readonly string[]): ErrorCode {
  if (code !== 'exit-code' && code !== 'crashed') return code;
  return lines.some((l) => EXHAUSTED.test(l)) ? 'resource-exhausted' : code;
}
