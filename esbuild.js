// Bundles the extension to dist/ and, with --tests, the test entry points to out/.
// Type-checking and linting run before this (npm run compile); esbuild only transpiles.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
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
 * Modules the extension loads only on first use, each bundled to a file of its own next to
 * dist/extension.js: the extension's bundle requires them by that file's name, so activation
 * neither loads nor compiles them. (Test bundles keep them inline.)
 */
const LAZY_CHUNKS = { yaml: 'yaml.js' };

const lazyChunks = {
  name: 'lazy-chunks',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(LAZY_CHUNKS).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `./${LAZY_CHUNKS[args.path]}`, external: true }));
  },
};

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

const directRequires = {
  name: 'direct-requires',
  setup(build) {
    // Minified names hide the pattern: the production bundle is minified after the rewrite.
    build.onEnd(async (result) => {
      if (result.errors.length) return;
      const file = build.initialOptions.outfile;
      const code = withDirectRequires(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, production ? (await esbuild.transform(code, { minify: true, format: 'cjs', platform: 'node', target: common.target })).code : code);
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
  await esbuild.build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    // Native: loaded at run time from dist/node-pty (or the editor's copy), never inlined.
    external: ['vscode', 'node-pty'],
    plugins: [lazyChunks, settingsSchemaOnly, directRequires],
    sourcesContent: false,
  });
  // The entry VS Code loads: it loads dist/extension.js through V8's code cache (src/start.ts).
  await esbuild.build({
    ...common,
    entryPoints: ['src/start.ts'],
    outfile: 'dist/start.js',
    external: ['vscode'],
    plugins: [directRequires],
    sourcesContent: false,
  });
  for (const [name, file] of Object.entries(LAZY_CHUNKS)) {
    await esbuild.build({ ...common, entryPoints: [require.resolve(name)], outfile: path.join('dist', file), minify: production, sourcesContent: false });
  }
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
