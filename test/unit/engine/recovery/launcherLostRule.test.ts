import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RECOVERABLE_CODES } from '../../../../src/config/recoveryFields';
import { DEFAULT_RETRY, DEFAULT_SERVICE_RESTART } from '../../../../src/core/defaults';
import { decideRetry } from '../../../../src/engine/recovery/backoff';
import { classifyExit } from '../../../../src/core/errors';
import { decideRestart } from '../../../../src/engine/recovery/restartPolicy';
import type { RestartMode } from '../../../../src/core/types';

const lost = { exitCode: null, signal: null, code: 'launcher-lost' as const, ranForMs: 10 };
const fresh = { restartTimes: [], consecutive: 0 };

test('an exit whose status is unknown is launcher-lost, never "exited with code null"', () => {
  const error = classifyExit('web', null, null)!;
  assert.equal(error.code, 'launcher-lost');
  assert.equal(error.message, '"web" ended, but the launcher died; exit status unknown.');
  assert.equal(error.exitCode, null);
  assert.equal(error.signal, null);
});

test('a service whose exit status was lost is restarted per its policy, as if it had failed', () => {
  const policy = (mode: RestartMode) => ({ ...DEFAULT_SERVICE_RESTART, policy: mode, successExitCodes: [0, 3], jitter: 0 });
  assert.equal(decideRestart(policy('on-failure'), lost, fresh, 0, 0.5).action, 'restart');
  assert.equal(decideRestart(policy('always'), lost, fresh, 0, 0.5).action, 'restart');
  assert.deepEqual(decideRestart(policy('never'), lost, fresh, 0, 0.5), { action: 'fail' });
});

test('a job whose exit status was lost is not retried: it may have done its work', () => {
  assert.deepEqual(decideRetry({ ...DEFAULT_RETRY, maxRetries: 5 }, 1, 'launcher-lost', 0.5), { retry: false });
});

test('the rule is fixed: recovery cannot set a strategy for launcher-lost', () => {
  assert.ok(!RECOVERABLE_CODES.includes('launcher-lost'));
});
