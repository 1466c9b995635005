// Fault: output no line reader expects: binary and invalid UTF-8, a 10 MB line, no trailing
// newline, `\r` progress bars, characters split across reads. Nothing throws, lines are cut at
// 64 KB, the ring stays within its bounds, and the run ends as it should.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import type { ProcessEngine } from '../../src/engine/engine';
import { MAX_LINE_LENGTH } from '../../src/platform/lineSplitter';
import { DEFAULT_RING_LIMITS, type OutputLine } from '../../src/platform/outputRing';
import { nodeSpec } from '../unit/helpers';
import { MB, assertAnswers, assertNothingLeft, faultEngine, growthMB, memory, summary, watchPids, withTimeout } from './faultHelpers';

interface Result {
  /** Every stdout line listeners saw, in order. */
  lines: string[];
  /** What the run's ring holds at the end. */
  ring: OutputLine[];
  ms: number;
}

/** Runs `weird-output.js MODE` as a job and collects what listeners and the ring got. */
async function runMode(engine: ProcessEngine, name: string): Promise<Result> {
  const lines: string[] = [];
  const started = performance.now();
  const id = await engine.spawn(name);
  const sub = engine.onDidOutput((e) => {
    if (e.id === id) for (const l of e.lines) if (l.stream === 'stdout') lines.push(l.text);
  });
  await withTimeout(engine.whenDone(id), 30_000, `${name} to finish`);
  sub.dispose();
  const snap = engine.get(id)!;
  assert.equal(snap.state, 'completed', `${name}: ${snap.error?.message}`);
  assert.ok(!engine.output(id).some((l) => l.stream === 'stderr'), `${name} wrote nothing to stderr`);
  return { lines, ring: engine.output(id), ms: Math.round(performance.now() - started) };
}

/** The bounds every mode must keep. */
function assertBounded(result: Result, name: string): void {
  for (const line of result.lines) assert.ok(line.length <= MAX_LINE_LENGTH, `${name}: a line of ${line.length} characters`);
  assert.ok(result.ring.length <= DEFAULT_RING_LIMITS.maxLines);
  const bytes = result.ring.reduce((n, l) => n + l.text.length * 2, 0);
  assert.ok(bytes <= DEFAULT_RING_LIMITS.maxBytes, `${name}: the ring holds ${bytes} bytes`);
}

/** A lone half of a surrogate pair: not valid UTF-16, shown as U+FFFD or refused by some writers. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const MODES: [string, string[]][] = [
  ['binary', ['binary', '1']],
  ['huge-line', ['huge-line', '10']],
  ['no-newline', ['no-newline']],
  ['progress', ['progress', '500']],
  ['progress-long', ['progress', '5000']],
  ['utf8-split', ['utf8-split']],
  ['surrogate-split', ['surrogate-split']],
];

describe('weird output', () => {
  const results = new Map<string, Result>();

  test('every mode runs to completion in one engine, nothing throws', { timeout: 120_000 }, async (t) => {
    const before = memory();
    const engine = faultEngine(t, MODES.map(([name, args]) => nodeSpec(name, 'weird-output.js', args, { kind: 'job' })));
    const pids = watchPids(engine);
    // An exception in the engine's stream handling would surface here as an uncaught error.
    for (const [name] of MODES) results.set(name, await runMode(engine, name));
    for (const [name, result] of results) assertBounded(result, name);

    await t.test('binary and invalid UTF-8: decoded with U+FFFD, cut at 64 KB, the end line intact', () => {
      const { lines, ring } = results.get('binary')!;
      assert.equal(lines.at(-1), 'end of binary');
      assert.equal(ring.filter((l) => l.stream === 'stdout').at(-1)?.text, 'end of binary');
      assert.ok(lines.some((l) => l.includes('\uFFFD')), 'invalid bytes became U+FFFD');
      assert.ok(lines.some((l) => l.includes('\u0000')), 'NUL bytes pass as text');
    });

    await t.test('a 10 MB line: 160 pieces of 64 KB, every character kept, the next line intact', () => {
      const { lines, ring } = results.get('huge-line')!;
      assert.equal(lines.at(-1), 'after the huge line');
      const pieces = lines.slice(0, -1);
      assert.equal(pieces.length, (10 * MB) / MAX_LINE_LENGTH);
      assert.ok(pieces.every((p) => p.length === MAX_LINE_LENGTH));
      // As weird-output.js writes it: 64 KB of the alphabet, over and over.
      const chunk = 'abcdefghijklmnopqrstuvwxyz'.repeat(2521).slice(0, 65536);
      assert.ok(pieces.join('') === chunk.repeat((10 * MB) / chunk.length), 'every character kept, in order');
      // The ring keeps the newest pieces that fit its byte bound, then the last line.
      assert.equal(ring.filter((l) => l.stream === 'stdout').at(-1)?.text, 'after the huge line');
      assert.ok(ring.length < pieces.length, 'the ring dropped the oldest pieces');
    });

    await t.test('no trailing newline: the last line still arrives', () => {
      assert.deepEqual(results.get('no-newline')!.lines, ['first line', 'last line without newline']);
    });

    await t.test('a \\r progress bar shows only its last state', () => {
      assert.deepEqual(results.get('progress')!.lines, ['progress 500/500 [####################]', 'done']);
    });

    await t.test('characters split across reads are decoded whole', () => {
      assert.deepEqual(results.get('utf8-split')!.lines, ['caf\u00e9 \u{1F600} \u4e2d\u6587 end']);
    });

    const answerMs = await assertAnswers(engine);
    await engine.killAll();
    assertNothingLeft(pids, 'weird output');
    const grown = growthMB(before);
    const huge = results.get('huge-line')!;
    summary('weird-output', {
      modes: MODES.length,
      binaryLines: results.get('binary')!.lines.length,
      hugeLinePieces: huge.lines.length - 1,
      hugeLineRingLines: huge.ring.length,
      hugeLineRingKB: Math.round(huge.ring.reduce((n, l) => n + l.text.length * 2, 0) / 1024),
      hugeLineMs: huge.ms,
      longProgressLines: results.get('progress-long')!.lines.length,
      surrogateSplitLone: results.get('surrogate-split')!.lines.filter((l) => LONE_SURROGATE.test(l)).length,
      quickJobMs: answerMs,
      rssGrowthMB: grown.rss,
      heapGrowthMB: grown.heap,
    });
  });

  test('a \\r progress bar longer than 64 KB still shows only its last state', () => {
    const { lines } = results.get('progress-long')!;
    assert.deepEqual(lines, ['progress 5000/5000 [####################]', 'done']);
  });

  test('a 64 KB cut never splits a surrogate pair', () => {
    const { lines } = results.get('surrogate-split')!;
    assert.deepEqual(lines.filter((l) => LONE_SURROGATE.test(l)), []);
    assert.equal(lines.join(''), `${'a'.repeat(64 * 1024 - 1)}\u{1F600}tail`);
  });
});
