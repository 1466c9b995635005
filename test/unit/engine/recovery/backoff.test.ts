import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, decideRetry } from '../../../../src/engine/recovery/backoff';

const policy = { maxRetries: 5, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 };

test('exponential sequence, capped', () => {
  const delays = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n, 0.5));
  assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
});

test('a growth past the largest number gives a number, never NaN', () => {
  const steep = { ...policy, multiplier: 10, jitter: 0.5 };
  assert.equal(backoffDelay({ ...steep, initialDelayMs: 0 }, 1000, 0.3), 0);
  assert.equal(backoffDelay(steep, 1000, 0.5), 1000);
  assert.equal(backoffDelay({ ...steep, multiplier: Number.NaN }, 3, 0.5), 0);
});

test('jitter spreads plus or minus its fraction of the delay', () => {
  const p = { ...policy, jitter: 0.2 };
  assert.equal(backoffDelay(p, 1, 0), 80);
  assert.equal(backoffDelay(p, 1, 0.5), 100);
  assert.equal(backoffDelay(p, 1, 0.999999), 120);
  assert.equal(backoffDelay(p, 6, 0), 800, 'jitter applies after the cap');
});

test('retries only failures another attempt may fix, and only up to maxRetries', () => {
  assert.deepEqual(decideRetry(policy, 1, 'exit-code', 0.5), { retry: true, delayMs: 100 });
  assert.deepEqual(decideRetry(policy, 3, 'timeout', 0.5), { retry: true, delayMs: 400 });
  assert.deepEqual(decideRetry(policy, 5, 'crashed', 0.5), { retry: true, delayMs: 1000 });
  assert.deepEqual(decideRetry(policy, 6, 'exit-code', 0.5), { retry: false });
  assert.deepEqual(decideRetry(policy, 1, 'spawn-failed', 0.5), { retry: false });
  assert.deepEqual(decideRetry(policy, 1, 'permission', 0.5), { retry: false });
  assert.deepEqual(decideRetry(policy, 1, 'canceled', 0.5), { retry: false });
  for (const code of ['not-found', 'invalid-state', 'limit-reached', 'invalid-argument'] as const) {
    assert.deepEqual(decideRetry(policy, 1, code, 0.5), { retry: false }, code);
  }
  assert.deepEqual(decideRetry({ ...policy, maxRetries: 0 }, 1, 'exit-code', 0.5), { retry: false });
});
