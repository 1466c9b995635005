/**
 * A .cpuprofile summed by self time: by origin (our code, a package, Node), by function, and
 * inclusive time of our own functions. For finding where the time goes, not for measuring it:
 * the profiler adds its own cost.
 */
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import { SourceMap } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a profile frame's code comes from: our engine, a package, Node itself. */
function origin(frame: ProfileNode['callFrame'], map: SourceMap | undefined): { area: string; where: string } {
  const name = frame.functionName;
  if (name.startsWith('(')) return { area: name, where: '' };
  if (frame.url === '') return { area: 'native', where: '' };
  if (frame.url.startsWith('node:')) return { area: 'node', where: frame.url };
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
  const source = entry && 'originalSource' in entry ? entry.originalSource : frame.url;
  const where = entry && 'originalLine' in entry ? `${source.replace(/^.*?(node_modules|src|bench)\//, '$1/')}:${entry.originalLine + 1}` : source;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg) return { area: pkg[1], where };
  const layer = /\/src\/([a-z]+)\//.exec(source);
  if (layer) return { area: `src/${layer[1]}`, where };
  if (source.includes('/bench/')) return { area: 'bench', where };
  return { area: 'other', where };
}

/** The summary of the profile in `file`, frames mapped through `mapFile` when it exists. */
export function summarizeProfile(file: string, mapFile: string, top = 25): string {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const map = fs.existsSync(mapFile) ? new SourceMap(JSON.parse(fs.readFileSync(mapFile, 'utf8'))) : undefined;
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, { ms: number; area: string }>();
  const inclusive = new Map<string, number>();
  const keys = new Map<number, { area: string; key: string }>();
  const key = (n: ProfileNode) => {
    let k = keys.get(n.id);
    if (!k) {
      const { area, where } = origin(n.callFrame, map);
      k = { area, key: `${n.callFrame.functionName || '(anonymous)'} ${where}`.trim() };
      keys.set(n.id, k);
    }
    return k;
  };
  // Inclusive time: a function counts once per stack, however deep it recurses.
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id)!;
    const { key: k } = key(node);
    let sum = self.get(id) ?? 0;
    const next = new Set(onStack).add(k);
    for (const child of node.children ?? []) sum += walk(child, next);
    if (!onStack.has(k)) inclusive.set(k, (inclusive.get(k) ?? 0) + sum);
    return sum;
  };
  walk(prof.nodes[0].id, new Set());
  for (const node of prof.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { area, key: k } = key(node);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const f = functions.get(k) ?? { ms: 0, area };
    f.ms += ms;
    functions.set(k, f);
  }
  const pct = (ms: number) => `${((100 * ms) / totalMs).toFixed(1)}%`;
  return [
    `${totalMs.toFixed(0)} ms sampled (whole process, warm-up included).`,
    '',
    'Self time by origin:',
    ...[...areas].sort((a, b) => b[1] - a[1]).map(([area, ms]) => `  ${pct(ms).padStart(6)}  ${ms.toFixed(0).padStart(6)} ms  ${area}`),
    '',
    'Top self time overall:',
    ...[...functions]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([k, f]) => `  ${pct(f.ms).padStart(6)}  ${f.ms.toFixed(0).padStart(6)} ms  [${f.area}] ${k}`),
    '',
    'Top inclusive time (src/):',
    ...[...inclusive]
      .filter(([k]) => / src\//.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `  ${pct(ms).padStart(6)}  ${ms.toFixed(0).padStart(6)} ms  ${k}`),
  ].join('\n');
}

/**
 * Starts V8's profiler in this process, for a part of a benchmark; the returned function stops
 * it, writes the .cpuprofile to the temporary folder and returns its summary.
 */
export function profileThisProcess(): (mapFile: string) => Promise<string> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  const started = post('Profiler.enable').then(() => post('Profiler.start'));
  return async (mapFile) => {
    await started;
    const { profile } = (await post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    const file = path.join(os.tmpdir(), `bench-${process.pid}-${Date.now()}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    return `${file}\n${summarizeProfile(file, mapFile)}`;
  };
}
