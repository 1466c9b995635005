import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration } from '../../../src/core/duration';

test('one duration format: tenths under ten seconds, then seconds, minutes, hours', () => {
  const cases: [number, string][] = [
    [0, '0 s'],
    [564, '0.6 s'],
    [4372, '4.4 s'],
    [4000, '4 s'],
    [9_960, '10 s'],
    [42_400, '42 s'],
    [557_100, '9 min 17 s'],
    [60_000, '1 min'],
    [3_600_000, '1 h'],
    [7_500_000, '2 h 5 min'],
    [-5, '0 s'],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
});
