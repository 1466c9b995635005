import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTimestampMode } from '../../../src/config/outputFields';
import { formatTimestamp } from '../../../src/ui/timestamps';

test('each mode formats the same moment as it says', () => {
  const at = new Date(2024, 11, 31, 23, 59, 58, 999).getTime();
  assert.equal(formatTimestamp(at, 'none'), '');
  assert.equal(formatTimestamp(at, 'time'), '23:59:58.999');
  assert.equal(formatTimestamp(at, 'iso'), new Date(at).toISOString());
  // The stamp reused for lines of one read follows a change of mode.
  assert.equal(formatTimestamp(at, 'time'), '23:59:58.999');
});

test('a time that is not a number gives no stamp rather than an exception', () => {
  assert.equal(formatTimestamp(Number.NaN, 'iso'), '');
});

test('the setting falls back to "none" for anything but its choices', () => {
  assert.equal(readTimestampMode('iso'), 'iso');
  assert.equal(readTimestampMode('time'), 'time');
  assert.equal(readTimestampMode('ISO'), 'none');
  assert.equal(readTimestampMode(undefined), 'none');
});
