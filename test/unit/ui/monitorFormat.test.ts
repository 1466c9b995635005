import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AlertQueue,
  formatAge,
  formatCpu,
  formatMemory,
  formatUsage,
  groupMessage,
  latestFailed,
  runLabel,
  sortAlerts,
  statusSummary,
} from '../../../src/ui/monitorFormat';
import { alert, sample } from './fakes';

const MB = 1024 * 1024;

test('CPU and memory read the way a tree row wants them', () => {
  assert.equal(formatCpu(0), '0% CPU');
  assert.equal(formatCpu(0.44), '0.4% CPU');
  assert.equal(formatCpu(9.9), '9.9% CPU');
  assert.equal(formatCpu(12.4), '12% CPU');
  assert.equal(formatCpu(230.2), '230% CPU');
  assert.equal(formatCpu(-1), '0% CPU');
  assert.equal(formatMemory(512 * 1024), '0.5 MiB');
  assert.equal(formatMemory(85 * MB), '85 MiB');
  assert.equal(formatMemory(85.6 * MB), '86 MiB');
  assert.equal(formatMemory(1024 * MB), '1 GiB');
  assert.equal(formatMemory(1.25 * 1024 * MB), '1.3 GiB');
});

test('usage sums the newest samples of several runs and says nothing without one', () => {
  assert.equal(formatUsage([]), undefined);
  assert.equal(formatUsage([undefined]), undefined);
  assert.equal(formatUsage([sample('web-1', 1, { cpuPercent: 12, rssBytes: 85 * MB })]), '12% CPU · 85 MiB');
  assert.equal(
    formatUsage([sample('web-1', 1, { cpuPercent: 50, rssBytes: 100 * MB }), undefined, sample('web-2', 1, { cpuPercent: 70, rssBytes: 28 * MB })]),
    '120% CPU · 128 MiB',
  );
});

test('ages and run labels', () => {
  assert.equal(formatAge(0), 'just now');
  assert.equal(formatAge(42_000), '42 s ago');
  assert.equal(formatAge(3 * 60_000 + 5000), '3 min ago');
  assert.equal(formatAge(2 * 3_600_000), '2 h ago');
  assert.equal(runLabel(undefined, 'gone'), 'gone');
  assert.equal(runLabel({ name: 'ticker', kind: 'service', instance: 0, pid: 123 }, 'x'), 'ticker · pid 123');
  assert.equal(runLabel({ name: 'web', kind: 'service', instance: 2, pid: 9 }, 'x'), 'web #2 · pid 9');
  assert.equal(runLabel({ name: 'build', kind: 'job', instance: 0, pid: null }, 'x'), 'build');
});

test('failed counts only runs not followed by a newer run of the same definition and instance', () => {
  const run = (id: string, name: string, state: string, instance = 0, adhoc = false) => ({ id, name, state, instance, adhoc }) as Parameters<typeof latestFailed>[0][number];
  const runs = [
    run('1', 'build', 'failed'),
    run('2', 'build', 'completed'), // retried and passed
    run('3', 'test', 'failed'),
    run('4', 'web', 'running', 0),
    run('5', 'web', 'failed', 1), // a replica that failed
    run('6', 'npm x', 'failed', 0, true),
    run('7', 'npm x', 'failed', 0, true), // ad-hoc runs count each
  ];
  assert.deepEqual(latestFailed(runs).map((r) => r.id), ['3', '5', '6', '7']);
});

test('status summary: counts, colour and words', () => {
  const quiet = statusSummary(3, 0, []);
  assert.equal(quiet.text, '$(server-process) 3 running');
  assert.equal(quiet.tone, undefined);
  assert.match(quiet.tooltip, /3 running, 0 active alerts/);

  const warn = statusSummary(2, 0, [alert('a', { severity: 'warning', type: 'memory' }), alert('b', { resolved: true, resolvedAt: 1 })]);
  assert.equal(warn.text, '$(server-process) 2 running  $(bell) 1 alert');
  assert.equal(warn.tone, 'warning');
  assert.match(warn.tooltip, /1 active alert\b/);

  assert.equal(statusSummary(1, 0, [alert('c')]).tone, 'error', 'a critical alert takes the error colour');
  const failed = statusSummary(0, 2, undefined);
  assert.equal(failed.text, '$(server-process) 0 running  $(error) 2 failed');
  assert.equal(failed.tone, 'error');
  assert.match(failed.tooltip, /2 failed, no monitor/);
});

test('alerts sort by severity, then newest first; resolved ones drop out', () => {
  const list = [
    alert('old-warn', { severity: 'warning', at: 1 }),
    alert('new-warn', { severity: 'warning', at: 5 }),
    alert('crit', { severity: 'critical', at: 2 }),
    alert('emerg', { severity: 'emergency', at: 0 }),
    alert('done', { severity: 'emergency', resolved: true, resolvedAt: 9 }),
  ];
  assert.deepEqual(sortAlerts(list).map((a) => a.id), ['emerg', 'crit', 'new-warn', 'old-warn']);
});

test('grouped notification text names the processes, counts replicas, and cuts the list', () => {
  const down = Array.from({ length: 12 }, (_, i) => alert(String(i), { name: `svc${i}` }));
  assert.equal(groupMessage(down), '12 processes are down: svc0, svc1, svc2, svc3, svc4 and 7 more');
  const replicas = [alert('a', { name: 'web' }), alert('b', { name: 'web' }), alert('c', { name: 'db' })];
  assert.equal(groupMessage(replicas), '3 processes are down: web (×2), db');
  assert.equal(groupMessage([alert('a', { type: 'memory' }), alert('b', { type: 'memory', name: 'x' })]), '2 processes are over their memory limit: svc-a, x');
  assert.equal(groupMessage([alert('a'), alert('b', { type: 'cpu' })]), '2 critical alerts (down, CPU): svc-a, svc-b');
});

test('the queue notifies each urgent alert id once and merges what is pending', () => {
  const q = new AlertQueue();
  assert.equal(q.offer(alert('info', { severity: 'info' })), false);
  assert.equal(q.offer(alert('warn', { severity: 'warning' })), false);
  assert.equal(q.offer(alert('a')), true);
  assert.equal(q.offer(alert('a')), false, 'the same id again');
  assert.deepEqual(q.take(), { kind: 'single', alert: alert('a') });
  assert.equal(q.take(), undefined);
  assert.equal(q.offer(alert('a')), false, 'still remembered after it was shown');
  // A warning that turns critical (same id) is notified then.
  assert.equal(q.offer(alert('warn', { severity: 'critical' })), true);
  q.take();

  // A storm: 50 crashes at once make one notice.
  for (let i = 0; i < 50; i++) q.offer(alert(`c${i}`, { name: `svc${i}` }));
  const notice = q.take();
  assert.equal(notice?.kind, 'group');
  assert.equal(notice?.kind === 'group' && notice.alerts.length, 50);
  assert.match(notice?.kind === 'group' ? notice.message : '', /^50 processes are down: svc0, svc1, svc2, svc3, svc4 and 45 more$/);
  assert.equal(notice?.kind === 'group' && notice.severity, 'critical');
});

test('the queue drops an alert resolved before it was shown, and marks emergencies', () => {
  const q = new AlertQueue();
  q.offer(alert('flap'));
  q.offer(alert('flap', { resolved: true, resolvedAt: 2 }));
  assert.equal(q.take(), undefined);
  q.offer(alert('x'));
  q.offer(alert('y', { severity: 'emergency' }));
  const notice = q.take();
  assert.equal(notice?.kind === 'group' && notice.severity, 'emergency');
});

test('the queue remembers a bounded number of ids', () => {
  const q = new AlertQueue(3);
  for (const id of ['a', 'b', 'c', 'd']) q.offer(alert(id));
  q.take();
  assert.equal(q.offer(alert('d')), false);
  assert.equal(q.offer(alert('a')), true, 'the oldest id was forgotten');
});
