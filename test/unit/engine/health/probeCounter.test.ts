import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProbeCounter } from '../../../../src/engine/health/probeCounter';

test('passes after successThreshold successes in a row, fails after failureThreshold failures in a row', () => {
  const c = new ProbeCounter(2, 3);
  assert.equal(c.status, 'pending');
  assert.equal(c.record(true), false);
  assert.equal(c.record(false), false, 'a failure resets the success run');
  assert.equal(c.record(true), false);
  assert.equal(c.record(true), true);
  assert.equal(c.status, 'passing');
  c.record(false);
  c.record(false);
  assert.equal(c.status, 'passing', 'two failures are under the threshold');
  assert.equal(c.record(false), true);
  assert.equal(c.status, 'failing');
  c.record(true);
  assert.equal(c.status, 'failing');
  assert.equal(c.record(true), true);
  assert.equal(c.status, 'passing');
});
