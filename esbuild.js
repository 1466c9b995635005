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
    minify: production,
    sourcesContent: false,
  });
  // The launcher helper: a Node process of its own that the extension starts to spawn children.
  await esbuild.build({
    ...common,
    entryPoints: ['src/platform/launcher/launcherHost.ts'],
    outfile: 'dist/launcherHost.js',
    external: ['node-pty'],
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
