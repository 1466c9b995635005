import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { OutputLine } from '../../../../src/platform/outputRing';
import { OutputCounters, SampleHistory } from '../../../../src/engine/monitor/runCounters';
import type { RunSample } from '../../../../src/engine/monitor/types';

function lines(stream: OutputLine['stream'], count: number): OutputLine[] {
  return Array.from({ length: count }, (_, i) => ({ stream, text: `line ${i}`, at: 0 }));
}

describe('OutputCounters', () => {
  test('lines per second between two samples, stdout and stderr, not the engine\'s own lines', () => {
    const counters = new OutputCounters(0);
    counters.add(lines('stdout', 30), 500);
    counters.add(lines('stderr', 10), 1500);
    counters.add(lines('system', 100), 1600);
    assert.equal(counters.take(2000).linesPerSecond, 20);
    assert.equal(counters.take(3000).linesPerSecond, 0);
  });

  test('stderr per minute counts the last 60 seconds only', () => {
    const counters = new OutputCounters(0);
    counters.add(lines('stderr', 5), 1000);
    counters.add(lines('stderr', 7), 30_000);
    counters.add(lines('stdout', 50), 30_000);
    assert.equal(counters.take(59_000).stderrPerMinute, 12);
    assert.equal(counters.take(61_000).stderrPerMinute, 7);
    assert.equal(counters.take(90_000).stderrPerMinute, 0);
    // A bucket is reused a minute later without its old count.
    counters.add(lines('stderr', 2), 121_000);
    assert.equal(counters.take(121_500).stderrPerMinute, 2);
  });

  test('a flood costs no memory: the window keeps counts, not lines', () => {
    const counters = new OutputCounters(0);
    for (let t = 0; t < 120_000; t += 10) counters.add(lines('stderr', 1), t);
    assert.equal(counters.take(119_999).stderrPerMinute, 6000);
  });

  test('idle time since the last line; a restart starts it again; system lines do not count', () => {
    const counters = new OutputCounters(1000);
    assert.equal(counters.take(4000).idleMs, 3000);
    counters.add(lines('stdout', 1), 5000);
    counters.add(lines('system', 1), 9000);
    assert.equal(counters.take(10_000).idleMs, 5000);
    counters.restartIdle(11_000);
    assert.equal(counters.take(12_000).idleMs, 1000);
  });
});

describe('SampleHistory', () => {
  const at = (t: number) => ({ at: t }) as RunSample;

  test('bounded by age', () => {
    const history = new SampleHistory(10_000, 1000);
    for (let t = 0; t <= 30_000; t += 1000) history.push(at(t));
    const kept = history.toArray(30_000).map((s) => s.at);
    assert.deepEqual([kept[0], kept.at(-1), kept.length], [20_000, 30_000, 11]);
    assert.deepEqual(history.toArray(45_000), [], 'old samples go even without new ones');
  });

  test('bounded by count, oldest first, the newest at hand', () => {
    const history = new SampleHistory(Infinity, 600);
    for (let t = 0; t < 5000; t++) history.push(at(t));
    const kept = history.toArray(5000);
    assert.equal(kept.length, 600);
    assert.deepEqual([kept[0].at, kept[599].at, history.latest()?.at], [4400, 4999, 4999]);
  });
});
