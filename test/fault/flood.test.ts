// Fault: 5 processes write output as fast as the pipes take it. The host's event loop stays
// responsive, memory stays bounded, and each run's ring holds the newest lines.
import assert from 'node:assert/strict';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { DEFAULT_RING_LIMITS } from '../../src/platform/outputRing';
import { nodeSpec } from '../unit/helpers';
import { FULL, MB, allDone, assertAnswers, assertNothingLeft, faultEngine, growthMB, memory, round1, summary, watchPids } from './faultHelpers';

const FLOODERS = 5;
const SECONDS = FULL ? 30 : 10;

test(`output flood: ${FLOODERS} processes writing as fast as they can for ${SECONDS} s`, { timeout: (SECONDS + 60) * 1000 }, async (t) => {
  const names = Array.from({ length: FLOODERS }, (_, i) => `flood-${i}`);
  const engine = faultEngine(t, names.map((name) => nodeSpec(name, 'flood-for.js', [String(SECONDS)], { kind: 'job' })), { maxConcurrent: FLOODERS });
  const pids = watchPids(engine);

  // What a listener (an output channel) sees: per run, the lines and the last stdout line.
  const seen = new Map<string, { lines: number; chars: number; last: string | undefined; longest: number }>();
  engine.onDidOutput((e) => {
    const entry = seen.get(e.id) ?? { lines: 0, chars: 0, last: undefined, longest: 0 };
    for (const line of e.lines) {
      if (line.stream !== 'stdout') continue;
      entry.lines++;
      entry.chars += line.text.length;
      entry.last = line.text;
      entry.longest = Math.max(entry.longest, line.text.length);
    }
    seen.set(e.id, entry);
  });

  const before = memory();
  let peakRss = process.memoryUsage().rss;
  const rssProbe = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  // Measured, not asserted beyond a very generous bound: this is a shared 2-core machine, and the
  // figure is for the report (the issue asks for it measured and reported). The histogram's values
  // include its 10 ms sampling interval, so a second first, idle, gives the baseline.
  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 1000));
  idle.disable();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const ids = await Promise.all(names.map((name) => engine.spawn(name)));
  await allDone(engine, ids, (SECONDS + 45) * 1000, 'the flooders to finish');
  const elapsedS = (performance.now() - started) / 1000;
  delay.disable();
  clearInterval(rssProbe);
  const p99Ms = round1(delay.percentile(99) / 1e6);
  const maxMs = round1(delay.max / 1e6);
  const meanMs = round1(delay.mean / 1e6);

  const answerMs = await assertAnswers(engine);
  let totalLines = 0;
  let totalChars = 0;
  let ringKept = 0;
  for (const id of ids) {
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'completed', `${snap.name}: ${snap.error?.message}`);
    const output = engine.output(id);
    const stdout = output.filter((l) => l.stream === 'stdout');
    const got = seen.get(id)!;
    // Every line written reached the listeners, in order: the last one is number N-1.
    const wrote = Number(/^flood-for: wrote (\d+) lines$/.exec(output.find((l) => l.stream === 'stderr')?.text ?? '')?.[1]);
    assert.ok(wrote > 0, `${snap.name} said how many lines it wrote`);
    assert.equal(got.lines, wrote, `${snap.name}: lines seen by onDidOutput`);
    assert.equal(got.last, `line ${String(wrote - 1).padStart(12, '0')} ${'x'.repeat(81)}`);
    assert.equal(got.longest, 99, 'no two lines were joined, none was cut');
    // The ring holds the newest lines, within its bounds.
    assert.equal(stdout.at(-1)?.text, got.last, `${snap.name}: the ring's last stdout line is the last line seen`);
    assert.ok(output.length <= DEFAULT_RING_LIMITS.maxLines, `${snap.name}: ${output.length} lines in the ring`);
    const ringBytes = output.reduce((n, l) => n + l.text.length * 2, 0);
    assert.ok(ringBytes <= DEFAULT_RING_LIMITS.maxBytes, `${snap.name}: ${ringBytes} bytes in the ring`);
    totalLines += got.lines;
    totalChars += got.chars;
    ringKept += stdout.length;
  }

  await engine.killAll();
  assertNothingLeft(pids, 'flood');
  const grown = growthMB(before);
  const peakGrowthMB = round1((peakRss - before.rss) / MB);
  assert.ok(peakGrowthMB < 300, `rss grew by up to ${peakGrowthMB} MB during the flood`);
  assert.ok(grown.heap < 100, `heap grew ${grown.heap} MB`);
  assert.ok(p99Ms < 1000, `event-loop delay p99 ${p99Ms} ms`);
  summary('output-flood', {
    processes: FLOODERS,
    seconds: SECONDS,
    elapsedS: round1(elapsedS),
    lines: totalLines,
    ringsKeptLines: ringKept,
    ringsDroppedLines: totalLines - ringKept,
    throughputMBps: round1(totalChars / MB / elapsedS),
    idleLoopDelayP99Ms: round1(idle.percentile(99) / 1e6),
    loopDelayMeanMs: meanMs,
    loopDelayP99Ms: p99Ms,
    loopDelayMaxMs: maxMs,
    peakRssGrowthMB: peakGrowthMB,
    rssGrowthMB: grown.rss,
    heapGrowthMB: grown.heap,
    quickJobMs: answerMs,
  });
});
