/**
 * Detection in a 5,000-script monorepo: an npm workspace of 250 packages with 20 scripts each,
 * generated in a temporary folder. `detectWorkspace` (reading, workspace globs, parsing with
 * positions, entries, unique names) against reading the same files with `fs` and `JSON.parse`;
 * the parsing alone against `JSON.parse` of the same texts; and validating the 5,000 entries as
 * settings, which the editor does before it shows them.
 *
 * Alone: `node out/bench/detect.js`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDefinitions } from '../src/config/definitions';
import { DetectedSpecCache } from '../src/config/detected/join';
import { parseOwnedSources } from '../src/config/sources';
import { detectWorkspace } from '../src/config/detected/detect';
import { nodeDetectFs } from '../src/config/detected/nodeFs';
import { packageEntries, readPackageJson } from '../src/config/detected/packageJson';
import type { DetectSelection } from '../src/config/detected/types';
import { row, type Series } from './support/rows';
import { formatTable, type BenchResult } from './types';

const PACKAGES = Number(process.env.BENCH_DETECT_PACKAGES ?? 250);
const SCRIPTS = 20;
const REPETITIONS = Number(process.env.BENCH_DETECT_REPETITIONS ?? 15);
const WARMUP = 2;
const ALL: DetectSelection = { npm: true, tasks: true, Procfile: true, 'process-compose': true, compose: true };
const SCRIPT_TEXTS = ['vite', 'vite build', 'tsc --noEmit', 'eslint . --max-warnings 0', 'vitest run', 'vitest --watch', 'node scripts/gen.js', 'prettier --check .'];

/** A workspace root and its packages, each package.json shaped like a real one. */
function generate(root: string): string[] {
  const files = [path.join(root, 'package.json')];
  fs.writeFileSync(files[0], JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'], scripts: { build: 'turbo run build', dev: 'turbo run dev' } }, null, 2));
  fs.writeFileSync(path.join(root, 'package-lock.json'), '{}');
  for (let p = 0; p < PACKAGES; p++) {
    const dir = path.join(root, 'packages', `pkg-${p}`);
    fs.mkdirSync(dir, { recursive: true });
    const scripts: Record<string, string> = {};
    for (let s = 0; s < SCRIPTS; s++) scripts[s === 0 ? 'dev' : `task-${s}`] = `${SCRIPT_TEXTS[s % SCRIPT_TEXTS.length]} --filter ${p}`;
    const manifest = { name: `@mono/pkg-${p}`, version: '1.0.0', private: true, scripts, dependencies: { react: '^18.3.1', zod: '^3.23.8' } };
    files.push(path.join(dir, 'package.json'));
    fs.writeFileSync(files[files.length - 1], JSON.stringify(manifest, null, 2));
  }
  return files;
}

/** The same files read the plainest way: list the packages, read each, `JSON.parse` it. */
async function plainRead(root: string): Promise<number> {
  const dirs = fs.readdirSync(path.join(root, 'packages')).map((name) => path.join(root, 'packages', name));
  const texts = await Promise.all([root, ...dirs].map((dir) => fs.promises.readFile(path.join(dir, 'package.json'), 'utf8')));
  return texts.reduce((count, text) => count + Object.keys((JSON.parse(text) as { scripts: object }).scripts).length, 0);
}

async function time(work: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export async function run(): Promise<BenchResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-detect-'));
  try {
    const files = generate(root);
    const texts = files.map((file) => fs.readFileSync(file, 'utf8'));
    const detectFs = nodeDetectFs();
    const found = await detectWorkspace([root], ALL, detectFs);
    const scripts = found.entries.length;
    if (scripts !== PACKAGES * SCRIPTS + 2 || found.problems.length > 0) throw new Error(`detect: expected ${PACKAGES * SCRIPTS + 2} entries and no problem; got ${scripts} and ${found.problems.length}.`);
    const raw = found.entries.map((e) => e.entry);

    const plain: Series = { label: `fs read + JSON.parse of ${files.length} package.json`, values: [] };
    const detect: Series = { label: `detectWorkspace, ${scripts.toLocaleString('en-US')} scripts`, values: [] };
    const parse: Series = { label: 'JSON.parse of the same texts (in memory)', values: [] };
    const ours: Series = { label: 'readPackageJson + entries of the same texts', values: [] };
    const validate: Series = { label: `parseDefinitions of the ${scripts.toLocaleString('en-US')} entries`, values: [] };
    const joined: Series = { label: 'the same joined to the settings, as each read does, parse cache warm', values: [] };
    const cache = new DetectedSpecCache();
    const sources = [{ raw: [], folder: undefined, workspaceFolder: root }];
    const ctx = { env: {}, homeDir: os.homedir() };
    parseOwnedSources(sources, ctx, new Map(), found.entries, cache);
    for (let i = -WARMUP; i < REPETITIONS; i++) {
      // Alternate which goes first, so that neither always meets a cold or a warm cache.
      const pair = i % 2 === 0 ? [plain, detect] : [detect, plain];
      const measured = new Map<Series, number>();
      for (const series of pair) measured.set(series, await time(() => (series === plain ? plainRead(root) : detectWorkspace([root], ALL, detectFs))));
      measured.set(parse, await time(() => texts.forEach((text) => JSON.parse(text))));
      measured.set(ours, await time(() => texts.forEach((text, t) => {
        const { manifest } = readPackageJson(text, files[t]);
        if (manifest) packageEntries(manifest, { folder: root, manager: 'npm', label: 'x' });
      })));
      measured.set(validate, await time(() => parseDefinitions(raw, { workspaceFolder: root, env: {}, homeDir: os.homedir() })));
      measured.set(joined, await time(() => parseOwnedSources(sources, ctx, new Map(), found.entries, cache)));
      if (i >= 0) for (const [series, ms] of measured) series.values.push(ms);
    }
    return {
      name: 'detect',
      title: `Detected sources: a ${PACKAGES}-package npm workspace with ${SCRIPTS} scripts each`,
      rows: [row(plain, 'ms'), row(detect, 'ms', plain), row(parse, 'ms'), row(ours, 'ms', parse), row(validate, 'ms', plain), row(joined, 'ms', validate)],
      notes: ['Each package.json is about 1 KB, shaped like a real one; the lockfile says npm. Reading is from the page cache after the first repetition.'],
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

// Alone: print the table (a failure is an unhandled rejection, which exits non-zero).
if (require.main === module) void run().then((result) => console.log(`\n${formatTable([result])}`));
