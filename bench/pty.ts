/**
 * Pseudo-terminals: which implementation a `tty: true` run gets, by measurement. For each
 * candidate (node-pty as our own dependency, the editor's node-pty, `script(1)`), against plain
 * pipes (`child_process.spawn`) in the same repetition: the time to load the module (in a fresh
 * Node, against that Node's start-up), the time from spawn to the first byte of output, and the
 * throughput of a flood of 100-byte lines.
 *
 * Alone: `node out/bench/pty.js`.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IPty } from 'node-pty';
import { loadPty, type PtyModule } from '../src/platform/launcher/pty';
import { row, rotated, type Series } from './support/rows';
import { formatTable, type BenchResult, type BenchRow } from './types';

const ROOT = path.resolve(__dirname, '..', '..');
const OURS = path.join(ROOT, 'dist', 'node-pty');
/** The editor's copy, in the code-server that scripts/install-vscode.sh installs. */
const EDITOR = path.join(ROOT, '.vscode-test', 'code-server-4.139.1', 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', 'node-pty');
const REPEATS = Number(process.env.BENCH_PTY_REPEATS ?? 7);
const FLOOD_MB = Number(process.env.BENCH_PTY_MB ?? 20);
const LINE = 'x'.repeat(99);
const FLOOD = `yes '${LINE}' | head -c ${FLOOD_MB * 1e6}`;

type Tool = 'pipes' | 'ours' | 'editor' | 'script';
const LABEL: Record<Tool, string> = {
  pipes: 'pipes (child_process.spawn)',
  ours: 'node-pty, our dependency (dist/node-pty)',
  editor: "node-pty, the editor's copy",
  script: 'script(1) from util-linux',
};

/** Runs a shell command line with the tool; `onData` gets each chunk; resolves at the exit. */
type Runner = (command: string, onData: (chunk: Buffer) => void) => Promise<void>;

function pipes(command: string, onData: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', onData);
    child.once('error', reject);
    child.once('close', () => resolve());
  });
}

function viaScript(command: string, onData: (chunk: Buffer) => void): Promise<void> {
  return pipes(`script -qfec ${JSON.stringify(command)} /dev/null < /dev/null`, onData);
}

function viaPty(pty: PtyModule): Runner {
  return (command, onData) =>
    new Promise((resolve) => {
      const term: IPty = pty.spawn('/bin/sh', ['-c', command], { cols: 120, rows: 30, cwd: ROOT, env: process.env as Record<string, string>, encoding: null });
      term.onData((data: string | Buffer) => onData(data as Buffer));
      term.onExit(() => resolve());
    });
}

async function firstByteMs(runner: Runner): Promise<number> {
  const started = performance.now();
  let first = Number.NaN;
  await runner('printf x', () => {
    if (Number.isNaN(first)) first = performance.now() - started;
  });
  return first;
}

async function floodMBps(runner: Runner): Promise<number> {
  let bytes = 0;
  const started = performance.now();
  await runner(FLOOD, (chunk) => (bytes += chunk.length));
  return bytes / 1e6 / ((performance.now() - started) / 1000);
}

/** Milliseconds a fresh Node takes to load the module, and the same Node's start-up for scale. */
function loadMs(modulePath: string): { load: number; startup: number } {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(modulePath)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const t0 = performance.now();
  execFileSync(process.execPath, ['-e', '0']);
  const startup = performance.now() - t0;
  return { load: Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })), startup };
}

export async function run(): Promise<BenchResult> {
  const runners: Partial<Record<Tool, Runner>> = { pipes };
  const notes: string[] = [];
  for (const [tool, from] of [['ours', OURS], ['editor', EDITOR]] as const) {
    const load = fs.existsSync(from) ? loadPty([from]) : { error: `${from} is missing` };
    if (load.module) runners[tool] = viaPty(load.module);
    else notes.push(`${LABEL[tool]}: not measured, ${load.error}.`);
  }
  try {
    execFileSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' });
    runners.script = viaScript;
  } catch {
    notes.push(`${LABEL.script}: not measured, not installed.`);
  }
  const tools = (Object.keys(runners) as Tool[]).filter((t) => runners[t]);
  const first = new Map(tools.map((t) => [t, [] as number[]]));
  const flood = new Map(tools.map((t) => [t, [] as number[]]));
  const loads: Series = { label: `load ${LABEL.ours}`, values: [] };
  const startups: Series = { label: 'Node start-up (node -e 0)', values: [] };
  for (let rep = 0; rep < REPEATS; rep++) {
    for (const tool of rotated(tools, rep)) {
      first.get(tool)!.push(await firstByteMs(runners[tool]!));
      flood.get(tool)!.push(await floodMBps(runners[tool]!));
    }
    if (runners.ours) {
      const { load, startup } = loadMs(OURS);
      loads.values.push(load);
      startups.values.push(startup);
    }
  }
  const series = (map: Map<Tool, number[]>, what: string) => new Map(tools.map((t) => [t, { label: `${what}: ${LABEL[t]}`, values: map.get(t)! }]));
  const firstSeries = series(first, 'spawn to first byte');
  const floodSeries = series(flood, `${FLOOD_MB} MB flood`);
  const rows: BenchRow[] = [
    ...tools.map((t) => row(firstSeries.get(t)!, 'ms', t === 'pipes' ? undefined : firstSeries.get('pipes'))),
    ...tools.map((t) => row(floodSeries.get(t)!, 'MB/s', t === 'pipes' ? undefined : floodSeries.get('pipes'))),
  ];
  if (loads.values.length > 0) rows.push(row(startups, 'ms'), row(loads, 'ms', startups));
  notes.push(...scriptFacts());
  return { name: 'pty', title: 'pseudo-terminal candidates against pipes: spawn to first byte, flood throughput, module load', rows, notes };
}

/** What script(1) can and cannot do for us, read off the tool rather than assumed. */
function scriptFacts(): string[] {
  try {
    const size = execFileSync('script', ['-qec', 'stty size', '/dev/null'], { input: '', encoding: 'utf8' }).trim();
    let code = 0;
    try {
      execFileSync('script', ['-qec', 'kill -INT $$', '/dev/null'], { input: '', stdio: 'ignore' });
    } catch (err) {
      code = (err as { status: number }).status;
    }
    return [`script(1) with no terminal of its own gives the program a ${size.replace(' ', 'x')} window that nothing outside can resize (no SIGWINCH), and reports a death by SIGINT as exit code ${code}, not as a signal.`];
  } catch {
    return [];
  }
}

if (require.main === module) {
  void run().then((result) => console.log(formatTable([result])));
}
