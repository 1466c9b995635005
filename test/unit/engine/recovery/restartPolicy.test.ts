import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SERVICE_RESTART } from '../../../../src/core/defaults';
import { decideRestart, type ExitFacts, type RestartHistory } from '../../../../src/engine/recovery/restartPolicy';
import type { RestartPolicy } from '../../../../src/core/types';

const policy = (over: Partial<RestartPolicy> = {}): RestartPolicy => ({
  ...DEFAULT_SERVICE_RESTART, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0, resetAfterMs: 5000, maxRestarts: 3, windowMs: 60_000, ...over,
});
const exit = (exitCode: number | null, over: Partial<ExitFacts> = {}): ExitFacts => ({
  exitCode, signal: null, code: exitCode === 0 ? null : 'exit-code', ranForMs: 10, ...over,
});
const fresh: RestartHistory = { restartTimes: [], consecutive: 0 };
const NOW = 1_000_000;

describe('restart decision table', () => {
  const cases: [string, RestartPolicy, ExitFacts, RestartHistory, ReturnType<typeof decideRestart>][] = [
    ['never: exit 0 completes', policy({ policy: 'never' }), exit(0), fresh, { action: 'complete' }],
    ['never: exit 1 fails', policy({ policy: 'never' }), exit(1), fresh, { action: 'fail' }],
    ['on-failure: exit 0 completes', policy(), exit(0), fresh, { action: 'complete' }],
    ['on-failure: a success code completes', policy({ successExitCodes: [3] }), exit(3), fresh, { action: 'complete' }],
    ['on-failure: exit 1 restarts after the first delay', policy(), exit(1), fresh, { action: 'restart', delayMs: 100, consecutive: 1 }],
    ['on-failure: a signal restarts', policy(), exit(null, { signal: 'SIGSEGV', code: 'crashed' }), fresh, { action: 'restart', delayMs: 100, consecutive: 1 }],
    ['always: exit 0 restarts too', policy({ policy: 'always' }), exit(0), fresh, { action: 'restart', delayMs: 100, consecutive: 1 }],
    ['a missing command never restarts', policy({ policy: 'always' }), exit(null, { code: 'spawn-failed' }), fresh, { action: 'fail' }],
    ['a permission error never restarts', policy(), exit(null, { code: 'permission' }), fresh, { action: 'fail' }],
    ...(['not-found', 'invalid-state', 'limit-reached', 'invalid-argument'] as const).map(
      (code): [string, RestartPolicy, ExitFacts, RestartHistory, ReturnType<typeof decideRestart>] =>
        [`a caller mistake (${code}) is never a failure to restart`, policy({ policy: 'always' }), exit(null, { code }), fresh, { action: 'fail' }],
    ),
    ['delays grow with consecutive restarts', policy(), exit(1), { restartTimes: [NOW - 3000, NOW - 2000], consecutive: 2 }, { action: 'restart', delayMs: 400, consecutive: 3 }],
    ['delays are capped', policy({ maxRestarts: 99 }), exit(1), { restartTimes: [], consecutive: 9 }, { action: 'restart', delayMs: 1000, consecutive: 10 }],
    ['a stable run resets the backoff', policy(), exit(1, { ranForMs: 5000 }), { restartTimes: [NOW - 30_000], consecutive: 2 }, { action: 'restart', delayMs: 100, consecutive: 1 }],
    ['maxRestarts inside the window gives up', policy(), exit(1), { restartTimes: [NOW - 3000, NOW - 2000, NOW - 1000], consecutive: 3 }, { action: 'give-up', restarts: 3 }],
    ['restarts outside the window do not count', policy(), exit(1), { restartTimes: [NOW - 70_000, NOW - 65_000, NOW - 1000], consecutive: 1 }, { action: 'restart', delayMs: 200, consecutive: 2 }],
  ];
  for (const [name, p, facts, history, expected] of cases) {
    test(name, () => assert.deepEqual(decideRestart(p, facts, history, NOW, 0.5), expected));
  }

  test('jitter spreads the delay within its fraction', () => {
    const p = policy({ jitter: 0.5 });
    assert.deepEqual(decideRestart(p, exit(1), fresh, NOW, 0), { action: 'restart', delayMs: 50, consecutive: 1 });
    assert.deepEqual(decideRestart(p, exit(1), fresh, NOW, 0.999999), { action: 'restart', delayMs: 150, consecutive: 1 });
  });
});
