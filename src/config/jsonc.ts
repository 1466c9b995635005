/**
 * The JSONC parser, loaded where a settings file is first read as JSONC: one that is plain JSON
 * and defines nothing wrong never needs it, so activation neither loads nor compiles it (the
 * extension's build puts jsoncParser.ts in a file of its own, see esbuild.js). Node keeps the
 * module once loaded.
 */
export function jsonc(): typeof import('./jsoncParser') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./jsoncParser') as typeof import('./jsoncParser');
}
