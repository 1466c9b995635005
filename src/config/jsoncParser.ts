// The ES module build: the package's main entry is UMD, whose inner require() calls esbuild cannot follow.
// Only what the settings' readers use: the extension's build makes this a file of its own (see jsonc.ts).
export { parse, parseTree, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
