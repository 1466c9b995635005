import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launcherLossMessage } from '../../../src/ui/launcherNotice';

test('the notice says the launcher was lost and restarted, and what it means for the runs', () => {
  assert.equal(
    launcherLossMessage({ reason: 'killed by SIGKILL', running: 2, failedStarts: 0 }),
    'Dev Processes: the process launcher stopped unexpectedly (killed by SIGKILL) and was restarted. ' +
      '2 running processes keep running; when they end, their exit status is unknown (launcher-lost): a service restarts per its restart policy, a job is not retried.',
  );
  assert.equal(
    launcherLossMessage({ reason: 'did not answer for 3.0 s', running: 1, failedStarts: 1 }),
    'Dev Processes: the process launcher stopped unexpectedly (did not answer for 3.0 s) and was restarted. ' +
      '1 running process keeps running; when it ends, its exit status is unknown (launcher-lost): a service restarts per its restart policy, a job is not retried. ' +
      '1 start it had not confirmed failed.',
  );
  assert.equal(
    launcherLossMessage({ reason: 'exit code 1', running: 0, failedStarts: 3 }),
    'Dev Processes: the process launcher stopped unexpectedly (exit code 1) and was restarted. 3 starts it had not confirmed failed.',
  );
});
