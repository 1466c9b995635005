import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayOverlap } from '../../../src/platform/replayOverlap';

/** Lines are `STREAM:TEXT` (`o:a`, `e:b`), or `!TEXT` for one of our own. */
function tails(lines: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of lines) {
    const [stream, text] = line.split(':');
    map.set(stream, [...(map.get(stream) ?? []), text]);
  }
  return map;
}

/** Feeds the lines after a file of `tail` and returns what is left to write. */
function feed(tail: string[], lines: string[], finish = true): string[] {
  const overlap = new ReplayOverlap<string>(tails(tail));
  const out: string[] = [];
  for (const line of lines) {
    const [stream, text] = line.startsWith('!') ? [undefined, line] : line.split(':');
    out.push(...overlap.push(line, stream, text));
  }
  if (finish) out.push(...overlap.finish());
  return out;
}

const o = (...texts: string[]) => texts.map((t) => `o:${t}`);

describe('ReplayOverlap', () => {
  it('drops the replayed lines the log file ends with and keeps the ones written while no window was open', () => {
    assert.deepEqual(feed(o('a', 'b', 'c', 'd'), o('c', 'd', 'e', 'f')), o('e', 'f'));
  });

  it('decides as soon as the replay leaves every overlap, without waiting for the end', () => {
    assert.deepEqual(feed(o('a', 'b', 'c'), o('b', 'c', 'x'), false), o('x'));
  });

  it('keeps everything when the file has none of it, or no lines at all', () => {
    assert.deepEqual(feed(o('a', 'b'), o('x', 'y')), o('x', 'y'));
    assert.deepEqual(feed([], o('x', 'y'), false), o('x', 'y'));
  });

  it('drops a replay the file holds whole', () => {
    assert.deepEqual(feed(o('a', 'b', 'c'), o('b', 'c')), []);
  });

  it('takes the longest overlap when lines repeat', () => {
    assert.deepEqual(feed(o('x', 'x', 'x'), o('x', 'x', 'x', 'x', 'y')), o('x', 'y'));
    assert.deepEqual(feed(o('a', 'b', 'a', 'b'), o('a', 'b', 'a', 'b', 'a', 'c')), o('a', 'c'));
  });

  it('holds the lines while an overlap may still reach the end of the file, then counts it only if it did', () => {
    assert.deepEqual(feed(o('a', 'b', 'c'), o('a', 'b'), false), []);
    assert.deepEqual(feed(o('a', 'b', 'c'), o('a', 'b')), o('a', 'b'));
  });

  it('matches each stream apart: the file may hold two streams\' lines in another order than the replay', () => {
    const file = ['o:1', 'o:3', 'e:2', 'o:4', 'e:5'];
    assert.deepEqual(feed(file, ['o:1', 'e:2', 'o:3', 'o:4', 'e:5', 'o:6', 'e:7'], false), ['o:6', 'e:7']);
  });

  it('keeps our own lines in their place', () => {
    assert.deepEqual(feed(o('a', 'b'), ['!note', 'o:a', 'o:b', '!ended', 'o:c']), ['!note', '!ended', 'o:c']);
  });

  it('lines after the decision pass at once', () => {
    const overlap = new ReplayOverlap<string>(tails(o('a')));
    assert.deepEqual(overlap.push('a', 'o', 'a'), []);
    assert.equal(overlap.done, true);
    assert.deepEqual(overlap.push('a', 'o', 'a'), ['a']);
  });
});
