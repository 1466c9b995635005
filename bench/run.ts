/**
 * `npm run bench`: runs every benchmark module next to this one (each bench/NAME.ts that exports
 * `async function run(): Promise<BenchResult>`), one after the other, prints one table, and writes
 * bench/results.json and the results in bench/README.md between its markers.
 *
 * `node out/bench/run.js throughput monitor` runs only those, prints, and writes nothing; nor does
 * a run in which a bench failed: the files always hold one complete run, on one machine at one time.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatNumber, formatTable, rowCells, type BenchResult } from './types';

/** A bench still running after this is reported as failed, and the driver moves on. */
const BENCH_LIMIT_MS = 10 * 60_000;
/** What `npm run bench` as a whole should stay within, so that it is run often. */
const TOTAL_BUDGET_MS = 10 * 60_000;
/** Modules in bench/ that are not benchmarks. */
const NOT_BENCHES = new Set(['run', 'types']);

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_DIR = path.join(ROOT, 'bench');
const README = path.join(SOURCE_DIR, 'README.md');
const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
}

/** What bench/results.json holds. */
interface ResultsFile {
  date: string;
  machine: Machine;
  node: string;
  durationMs: number;
  benches: (BenchResult & { durationMs: number })[];
}

type BenchModule = { run?: () => Promise<BenchResult> };

/** Bundled benches beside this file whose source still exists (a deleted bench leaves a stale bundle). */
function discover(only: string[]): string[] {
  const names = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3))
    .filter((name) => !NOT_BENCHES.has(name) && fs.existsSync(path.join(SOURCE_DIR, `${name}.ts`)))
    .sort();
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new Error(`No bench named ${unknown.join(', ')} (found: ${names.join(', ')}).`);
  return only.length > 0 ? names.filter((n) => only.includes(n)) : names;
}

function withLimit<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 60_000} min.`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.cpus().length,
    memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
  };
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The results as markdown: a heading with date, machine and Node, one table, then notes. */
export function toMarkdown(file: ResultsFile, heading = '##'): string {
  const m = file.machine;
  const date = file.date.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
  const lines = [
    `${heading} Results of ${date}: ${m.cpu}, ${m.cores} cores, ${formatNumber(m.memoryGB)} GB, Node ${file.node}`,
    '',
    `\`npm run bench\` took ${(file.durationMs / 60_000).toFixed(1)} min. Medians over repeated measurements; a ratio is against a baseline ` +
      'measured in the same run (the median of the ratios of paired repetitions).',
    '',
    '| bench | measure | median | min-max (n) | vs baseline |',
    '| --- | --- | ---: | --- | --- |',
  ];
  for (const bench of file.benches) {
    for (const row of bench.rows) {
      const c = rowCells(row);
      lines.push(`| ${bench.name} | ${cell(c.measure)} | ${cell(c.median)} | ${cell(c.spread)} | ${cell(c.ratio)} |`);
    }
  }
  for (const bench of file.benches) {
    lines.push('', `**${bench.name}**: ${bench.title} (${(bench.durationMs / 1000).toFixed(0)} s)`);
    if (bench.notes?.length) lines.push('', ...bench.notes.map((n) => `- ${n}`));
    if (bench.markdown) lines.push('', bench.markdown.trim());
  }
  return `${lines.join('\n')}\n`;
}

/** Puts the results between the markers in bench/README.md; leaves it alone if they are missing. */
function updateReadme(markdown: string): boolean {
  const text = fs.readFileSync(README, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return false;
  const next = `${text.slice(0, start + README_START.length)}\n${markdown}${text.slice(end)}`;
  if (next !== text) fs.writeFileSync(README, next);
  return true;
}

async function main(only: string[]): Promise<number> {
  const names = discover(only);
  const started = Date.now();
  const file: ResultsFile = {
    date: new Date().toISOString(),
    machine: machine(),
    node: process.version,
    durationMs: 0,
    benches: [],
  };
  const failures: { name: string; error: string }[] = [];
  console.log(`Benchmarks: ${names.join(', ')} on ${file.machine.cpu} (${file.machine.cores} cores), Node ${file.node}`);
  for (const name of names) {
    const t0 = Date.now();
    console.log(`\n${name}...`);
    try {
      // Loaded at run time, not bundled: each bench is its own bundle and may re-run itself as a child.
      const mod = createRequire(__filename)(path.join(__dirname, `${name}.js`)) as BenchModule;
      if (typeof mod.run !== 'function') {
        console.log(`  ${name} exports no run(); skipped.`);
        continue;
      }
      const result = await withLimit(mod.run(), BENCH_LIMIT_MS, name);
      file.benches.push({ ...result, durationMs: Date.now() - t0 });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      console.error(`  ${name} failed:`, err);
      failures.push({ name, error });
    }
    console.log(`  ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  file.durationMs = Date.now() - started;

  console.log(`\n${formatTable(file.benches)}`);
  for (const f of failures) console.log(`\n${f.name} FAILED: ${f.error}`);
  console.log(`\nTotal ${(file.durationMs / 60_000).toFixed(1)} min.`);
  if (file.durationMs > TOTAL_BUDGET_MS) console.log(`Over the ${TOTAL_BUDGET_MS / 60_000} min budget: trim repetitions or sizes.`);

  if (only.length > 0) {
    console.log('A partial run: bench/results.json and bench/README.md left as they were.');
  } else if (failures.length > 0) {
    // A broken bench must not replace the last complete table with a hole.
    console.log('A bench failed: bench/results.json and bench/README.md left as they were.');
  } else {
    fs.writeFileSync(path.join(SOURCE_DIR, 'results.json'), `${JSON.stringify(file, null, 2)}\n`);
    const inReadme = updateReadme(toMarkdown(file));
    console.log(`Wrote bench/results.json${inReadme ? ' and the results in bench/README.md' : ` (bench/README.md has no ${README_START} marker)`}.`);
  }
  return failures.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // Exit even if a failed bench left a timer or a child behind.
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
