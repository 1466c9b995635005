// Bundles the extension to dist/ and, with --tests, the test entry points to out/.
// Type-checking and linting run before this (npm run compile); esbuild only transpiles.
const esbuild = require('esbuild');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
/** The mark src/platform/codeCache.ts reads (CONTENT_HASH_MARK). */
const CONTENT_HASH_MARK = '//# contentHash=';
const tests = process.argv.includes('--tests');

/** Every *.ts file below dir whose name matches the pattern. */
function findEntries(dir, pattern) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/** The platforms whose node-pty prebuilds ship: Linux now, macOS later (Windows needs conpty work first). */
const PTY_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'];

/**
 * Copies node-pty's run-time files (its JavaScript and the N-API prebuilds, nothing to compile)
 * to dist/node-pty, where the launcher loads it: the .vsix ships dist/, not node_modules.
 */
function copyNodePty() {
  const from = path.dirname(require.resolve('node-pty/package.json'));
  const to = path.join('dist', 'node-pty');
  fs.rmSync(to, { recursive: true, force: true });
  const wanted = (src) => {
    const rel = path.relative(from, src);
    if (rel === '' || rel === 'package.json' || rel === 'LICENSE') return true;
    if (rel === 'lib' || rel.startsWith(`lib${path.sep}`)) return !rel.endsWith('.map') && !rel.endsWith('.test.js');
    if (rel === 'prebuilds') return true;
    const platform = rel.split(path.sep)[1];
    return rel.startsWith(`prebuilds${path.sep}`) && PTY_PLATFORMS.includes(platform);
  };
  // cpSync keeps the mode bits: spawn-helper must stay executable.
  fs.cpSync(from, to, { recursive: true, filter: wanted });
}

/**
 * Parts the extension loads only on first use, each bundled to a file of its own next to
 * dist/extension.js: a package by its name, or one of our modules by its path, which the code
 * `require`s where it is first needed (an `import` would put it back in the bundle). Activation
 * then neither loads nor compiles them. (Test bundles keep them inline.)
 */
const LAZY_CHUNKS = {
  yaml: 'yaml.js',
  // The project files' parsers: detection reads them after activation returns.
  'src/config/detected/detect.ts': 'detect.js',
  // The settings file's writer, with the first detected entry added to the settings.
  'src/config/appendEntry.ts': 'appendEntry.js',
  // The JSONC parser, with the first settings file that is not plain JSON or has a problem to place.
  'src/config/jsoncParser.ts': 'jsoncParser.js',
  // The panels, when first opened.
  'src/ui/metricsPanel.ts': 'metricsPanel.js',
  'src/ui/logView/logPanel.ts': 'logPanel.js',
};
const OWN_CHUNKS = new Map(Object.entries(LAZY_CHUNKS).filter(([from]) => from.startsWith('src/')).map(([from, file]) => [path.resolve(from), file]));

/** Where an import of ours points, as a .ts file. */
function resolveSource(args) {
  const base = path.resolve(args.resolveDir, args.path);
  return fs.existsSync(`${base}.ts`) ? `${base}.ts` : base;
}

const lazyChunks = {
  name: 'lazy-chunks',
  setup(build) {
    const own = build.initialOptions.entryPoints.map((e) => path.resolve(e));
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: `./${LAZY_CHUNKS.yaml}`, external: true }));
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolveSource(args);
      const file = OWN_CHUNKS.get(target);
      if (!file || own.includes(target)) return undefined;
      if (args.kind !== 'require-call') return { errors: [{ text: `${path.relative('.', target)} is loaded on first use (esbuild.js LAZY_CHUNKS): require it there instead of importing it` }] };
      return { path: `./${file}`, external: true };
    });
  },
};

/**
 * jsonc-parser fills tables of indentation strings at its top level for its formatter, which only
 * the settings' writer (a chunk) uses. Its modules do nothing else at load, so they are declared
 * free of side effects: a bundle keeps only the parts it calls, and activation skips the tables.
 */
const JSONC_PARSER = `${path.sep}node_modules${path.sep}jsonc-parser${path.sep}`;
const RESOLVING = Symbol('resolving');
const pureJsoncParser = {
  name: 'pure-jsonc-parser',
  setup(build) {
    build.onResolve({ filter: /./ }, async (args) => {
      if (args.pluginData === RESOLVING || !(args.path.startsWith('jsonc-parser/') || args.importer.includes(JSONC_PARSER))) return undefined;
      const { path: resolved, errors } = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: RESOLVING });
      return errors.length ? { errors } : { path: resolved, sideEffects: false };
    });
  },
};

/**
 * A module both in the bundle and in a chunk is loaded twice, as two copies: only code that
 * nothing tells apart by identity may be in both. A class some code tests with `instanceof`, or
 * state kept at a module's top level or in a static field, fails the build instead.
 */
/** Modules the check flags whose second copy is harmless, and why. */
const TWICE_IS_HARMLESS = {
  'src/ui/treeFormat.ts': 'its WeakMap only memoizes masked command lines: a second copy computes them again',
  'src/ui/timestamps.ts': 'it only remembers the last time it formatted: a second copy formats it again',
};

function checkSharedModules(bundle, chunk, chunkFile) {
  const sources = (meta) => new Set(Object.keys(meta.inputs).filter((f) => f.startsWith('src/')));
  const inBundle = sources(bundle);
  const shared = [...sources(chunk)].filter((f) => inBundle.has(f) && !(f in TWICE_IS_HARMLESS));
  const tested = new Set(findEntries('src', /\.ts$/).flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/instanceof (\w+)/g)].map((m) => m[1])));
  const problems = shared.flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const classes = [...text.matchAll(/^export (?:abstract )?class (\w+)/gm)].map((m) => m[1]).filter((name) => tested.has(name));
    const state = /^(?:export )?let /m.test(text) || /^(?:export )?const \w+(?:: (?!Readonly)[^=]+)? = new (?:Map|Set|WeakMap|WeakSet)\b/m.test(text) || /^\s+(?:private |protected |public )?static (?!readonly)\w+\s*[:=;]/m.test(text);
    return [...classes.map((c) => `${file}: class ${c} is tested with instanceof`), ...(state ? [`${file}: keeps state at its top level or in a static field`] : [])];
  });
  if (problems.length) throw new Error(`esbuild.js: dist/${chunkFile} shares modules with dist/extension.js that must not be loaded twice:\n  ${problems.join('\n  ')}`);
}

/** Schema keywords only people read: the validator reads a field's type, bounds, choices and defaults. */
const SCHEMA_PROSE = new Set(['description', 'markdownDescription', 'enumDescriptions', 'markdownEnumDescriptions', 'patternErrorMessage', 'deprecationMessage', 'markdownDeprecationMessage', 'defaultSnippets', 'examples']);

function withoutProse(node, key) {
  if (Array.isArray(node)) return node.map((n) => withoutProse(n));
  if (node === null || typeof node !== 'object') return node;
  // Under `properties` the keys are field names, not keywords.
  return Object.fromEntries(Object.entries(node).filter(([k]) => key === 'properties' || !SCHEMA_PROSE.has(k)).map(([k, v]) => [k, withoutProse(v, k)]));
}

/**
 * The extension imports package.json for the settings' schema (src/config/schema.ts): its bundle
 * gets that schema alone, without the commands, menus and descriptions, a large share of its size.
 */
const settingsSchemaOnly = {
  name: 'settings-schema-only',
  setup(build) {
    const manifest = path.resolve('package.json');
    build.onLoad({ filter: /[\\/]package\.json$/ }, (args) => {
      if (args.path !== manifest) return undefined;
      const { contributes } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      return { contents: JSON.stringify({ contributes: { configuration: withoutProse(contributes.configuration) } }), loader: 'json' };
    });
  },
};

/**
 * `import * as vscode from 'vscode'` (and Node's own modules) become `__toESM(require(...))` in a CommonJS
 * bundle: a fresh copy of the module with a getter per property, made at load for every importing
 * file and read through that getter ever after. Neither module is an ES module nor read by its
 * `default`, so the bundle takes them as `require` returns them. A binding read by `default`
 * (a default import) fails the build instead of breaking at run time.
 */
const DIRECT_REQUIRE = /__toESM\(require\("(vscode|node:[a-z_/]+)"\)\)/g;

function withDirectRequires(code) {
  const bindings = [...code.matchAll(/var (\w+) = __toESM\(require\("(?:vscode|node:[a-z_/]+)"\)\);/g)].map((m) => m[1]);
  const byDefault = bindings.filter((name) => code.includes(`${name}.default`));
  if (byDefault.length) throw new Error(`esbuild.js: ${byDefault.join(', ')} read by default: import the namespace instead`);
  return code.replace(DIRECT_REQUIRE, 'require("$1")');
}

/**
 * The hash of the file's content, on its last line: src/platform/codeCache.ts names a bundle's
 * code cache by it instead of hashing the bundle at every load. Written last, over the final text.
 */
function withContentHash(code) {
  const text = code.endsWith('\n') ? code : `${code}\n`;
  return `${text}${CONTENT_HASH_MARK}${crypto.createHash('sha256').update(text).digest('hex')}\n`;
}

const directRequires = {
  name: 'direct-requires',
  setup(build) {
    // Minified names hide the pattern: the production bundle is minified after the rewrite.
    build.onEnd(async (result) => {
      if (result.errors.length) return;
      const file = build.initialOptions.outfile;
      const code = withDirectRequires(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, withContentHash(production ? (await esbuild.transform(code, { minify: true, format: 'cjs', platform: 'node', target: common.target })).code : code));
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  logLevel: 'warning',
};

async function main() {
  copyNodePty();
  // Native: loaded at run time from dist/node-pty (or the editor's copy), never inlined.
  const extensionBuild = { ...common, external: ['vscode', 'node-pty'], plugins: [lazyChunks, pureJsoncParser, settingsSchemaOnly, directRequires], sourcesContent: false, metafile: true };
  const bundle = await esbuild.build({ ...extensionBuild, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' });
  for (const [from, file] of OWN_CHUNKS) {
    const chunk = await esbuild.build({ ...extensionBuild, entryPoints: [path.relative('.', from)], outfile: path.join('dist', file) });
    checkSharedModules(bundle.metafile, chunk.metafile, file);
  }
  // The entry VS Code loads: it loads dist/extension.js through V8's code cache (src/start.ts).
  await esbuild.build({
    ...common,
    entryPoints: ['src/start.ts'],
    outfile: 'dist/start.js',
    external: ['vscode'],
    plugins: [directRequires],
    sourcesContent: false,
  });
  // With the content hash too, so that it loads through the code cache like the other parts.
  await esbuild.build({ ...common, entryPoints: [require.resolve('yaml')], outfile: path.join('dist', LAZY_CHUNKS.yaml), plugins: [directRequires], sourcesContent: false });
  // The launcher helper: a Node process of its own that the extension starts to spawn children.
  await esbuild.build({
    ...common,
    entryPoints: ['src/platform/launcher/launcherHost.ts'],
    outfile: 'dist/launcherHost.js',
    external: ['node-pty'],
    plugins: [directRequires],
    sourcesContent: false,
  });
  // The MCP server agents start (the editor, through our provider, or a CLI agent): forwards to the window.
  await esbuild.build({
    ...common,
    entryPoints: ['src/agents/mcpServer.ts'],
    outfile: 'dist/mcpServer.js',
    minify: production,
    sourcesContent: false,
  });
  // The webviews, metrics and the log view (run in the editor's browser; uPlot bundled, no CDN). Built on every run,
  // since the .vsix ships media/; inline source maps so no stale .map file is ever packaged.
  for (const view of ['metrics', 'logs']) {
    await esbuild.build({
      entryPoints: [`media/${view}/main.ts`, `media/${view}/main.css`],
      outdir: `media/${view}/dist`,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: production,
      sourcemap: production ? false : 'inline',
      logLevel: 'warning',
    });
  }
  if (!tests) return;
  const entries = [
    ...findEntries('test/unit', /\.test\.ts$/),
    ...findEntries('test/fault', /\.test\.ts$/),
    ...findEntries('test/integration', /\.ts$/),
    ...findEntries('test/e2e', /\.ts$/),
    ...findEntries('test/harness', /\.ts$/),
    ...findEntries('bench', /\.ts$/),
  ];
  await esbuild.build({
    ...common,
    entryPoints: entries,
    outdir: 'out',
    outbase: '.',
    // Test runners and the browser driver are resolved at run time from node_modules.
    external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron', 'node-pty'],
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
