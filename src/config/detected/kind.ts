import type { ProcessKind } from '../../core/types';

/** Script names (or parts of them, `dev:web`, `test-watch`) that run until stopped. */
const SERVICE_NAME_PARTS = new Set(['dev', 'develop', 'start', 'serve', 'server', 'watch', 'preview', 'storybook']);

/** Command lines that keep running: watchers, dev servers, file servers. */
const SERVICE_COMMANDS = [
  /--watch/,
  /(^|\s)-w(\s|$)/,
  /\bwatch\b/,
  /\bserve\b/,
  /\bnodemon\b/,
  /\b(next|nuxt|astro|remix|gatsby|vite|storybook|wrangler) (dev|develop|start|preview)\b/,
  /\bwebpack-dev-server\b/,
  /\b(http|live)-server\b/,
  /\bts-node-dev\b/,
];

/** A `vite` that is not `vite build` starts the dev server. */
const VITE_DEV = /(^|[\s;&|])vite(\s|$)(?!.*\bbuild\b)/;

/**
 * Service or job for a package.json script, guessed from its name and text: a wrong guess only
 * changes how the tree shows it and whether it may restart, and "Add to Settings" writes it out
 * to be corrected.
 */
export function scriptKind(name: string, text: string): ProcessKind {
  const parts = name.toLowerCase().split(/[:\-_.\s/]+/);
  if (parts.some((part) => SERVICE_NAME_PARTS.has(part))) return 'service';
  if (SERVICE_COMMANDS.some((pattern) => pattern.test(text)) || VITE_DEV.test(text)) return 'service';
  return 'job';
}
