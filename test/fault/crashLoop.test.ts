// Fault: 50 services crash at once and keep crashing. The engine gives up on each per its restart
// policy, the snapshots say so, and the user gets one grouped notification, not 50.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { DEFAULT_SERVICE_RESTART } from '../../src/core/defaults';
import { ProcessMonitor } from '../../src/engine/monitor/monitor';
import type { Alert } from '../../src/engine/monitor/types';
import { Coalescer, type Timers } from '../../src/ui/coalesce';
import { AlertQueue, latestFailed, statusSummary, type Notice } from '../../src/ui/monitorFormat';
import { nodeSpec } from '../unit/helpers';
import { assertAnswers, assertNothingLeft, faultEngine, growthMB, memory, summary, watchPids, withTimeout } from './faultHelpers';

const SERVICES = 50;
const RESTART = { maxRestarts: 2, initialDelayMs: 20, windowMs: 60_000 };

// The notifier's timing (src/ui/alertNotifier.ts: GATHER_MS, MIN_GAP_MS). That module imports
// `vscode`, so its constants cannot be imported here; keep these in step with it.
const GATHER_MS = 750;
const MIN_GAP_MS = 10_000;

/**
 * What AlertNotifier shows for these alert events: the same AlertQueue and Coalescer, on a clock
 * that replays the events at the times they were raised.
 */
function replayNotifier(events: readonly Alert[]): Notice[] {
  const when = (a: Alert) => a.resolvedAt ?? a.at;
  const ordered = [...events].sort((a, b) => when(a) - when(b));
  let now = ordered.length > 0 ? when(ordered[0]) : 0;
  const timers: { at: number; fn: () => void; handle: number }[] = [];
  let handles = 0;
  const clock: Timers = {
    setTimeout: (fn, ms) => {
      timers.push({ at: now + ms, fn, handle: ++handles });
      return handles;
    },
    clearTimeout: (handle) => {
      const i = timers.findIndex((t) => t.handle === handle);
      if (i >= 0) timers.splice(i, 1);
    },
    now: () => now,
  };
  const runTimersUntil = (until: number) => {
    for (timers.sort((a, b) => a.at - b.at); timers.length > 0 && timers[0].at <= until; timers.sort((a, b) => a.at - b.at)) {
      const due = timers.shift()!;
      now = due.at;
      due.fn();
    }
  };
  const queue = new AlertQueue();
  const notices: Notice[] = [];
  const flush = new Coalescer(() => {
    const notice = queue.take();
    if (notice) notices.push(notice);
  }, GATHER_MS, MIN_GAP_MS, clock);
  for (const event of ordered) {
    runTimersUntil(when(event));
    now = Math.max(now, when(event));
    if (queue.offer(event)) flush.poke();
  }
  runTimersUntil(Infinity);
  return notices;
}

test('crash loop: 50 services that exit 1 at once each give up after 2 restarts, and their alerts are grouped, not 50 notifications', { timeout: 120_000 }, async (t) => {
  const before = memory();
  const started = performance.now();
  const names = Array.from({ length: SERVICES }, (_, i) => `crasher-${String(i).padStart(2, '0')}`);
  const engine = faultEngine(
    t,
    names.map((name) => nodeSpec(name, 'exit.js', ['1'], { restart: { ...DEFAULT_SERVICE_RESTART, ...RESTART } })),
  );
  const pids = watchPids(engine);
  const monitor = new ProcessMonitor(engine, { intervalMs: 200 });
  t.after(() => monitor.dispose());
  const events: Alert[] = [];
  monitor.onDidAlert((alert) => events.push(alert));

  const ids = await Promise.all(names.map((name) => engine.spawn(name)));
  await withTimeout(Promise.all(ids.map((id) => engine.whenDone(id))), 90_000, 'every crasher to give up');
  const loopMs = Math.round(performance.now() - started);

  // Every one failed for the right reason, after exactly its restarts.
  const snaps = ids.map((id) => engine.get(id)!);
  for (const snap of snaps) {
    assert.equal(snap.state, 'failed', `${snap.name} state`);
    assert.equal(snap.error?.code, 'crash-loop', `${snap.name} error code`);
    assert.match(snap.error!.message, new RegExp(`"${snap.name}" gave up after 2 restarts`));
    assert.equal(snap.restarts, 2, `${snap.name} restarts`);
    assert.equal(snap.attempts, 3, `${snap.name} attempts`);
    assert.equal(snap.exitCode, 1);
  }
  assert.equal(new Set(ids).size, SERVICES, 'one run (one id) per service across its restarts');
  assert.equal(engine.list().length, SERVICES);
  const metrics = engine.metrics();
  assert.equal(metrics.failed, SERVICES);
  assert.equal(metrics.created, SERVICES * 3);
  assert.equal(metrics.destroyed, SERVICES * 3);
  assert.equal(metrics.active, 0);
  assert.equal(metrics.queued, 0);

  // What the status bar says: 50 failed, nothing running.
  const failed = latestFailed(engine.list());
  assert.equal(failed.length, SERVICES);
  assert.match(statusSummary(0, failed.length, monitor.alerts()).text, /\$\(error\) 50/);

  // One critical `down` alert per service...
  const down = events.filter((a) => a.type === 'down' && !a.resolved);
  assert.equal(down.length, SERVICES, 'one down alert per service');
  assert.deepEqual(new Set(down.map((a) => a.name)), new Set(names));
  assert.ok(down.every((a) => a.severity === 'critical'));

  // ...which the notifier's queue turns into one grouped notice, however they are timed...
  const queue = new AlertQueue();
  const offered = events.filter((a) => queue.offer(a)).length;
  assert.equal(offered, SERVICES);
  const notice = queue.take();
  assert.ok(notice?.kind === 'group', `one grouped notice, got ${notice?.kind}`);
  assert.equal(notice.alerts.length, SERVICES);
  assert.equal(notice.severity, 'critical');
  assert.match(notice.message, /^50 processes are down: (crasher-\d\d, ){4}crasher-\d\d and 45 more$/);
  assert.equal(queue.take(), undefined, 'nothing left for a second notification');

  // ...and with the notifier's real timing, a handful at most: the first gathers what arrives in
  // GATHER_MS, then one more per MIN_GAP_MS of the remaining spread.
  const spreadMs = Math.max(...down.map((a) => a.at)) - Math.min(...down.map((a) => a.at));
  const notices = replayNotifier(events);
  assert.equal(notices.reduce((n, x) => n + (x.kind === 'group' ? x.alerts.length : 1), 0), SERVICES, 'every alert is shown once');
  const allowed = 1 + Math.ceil(Math.max(0, spreadMs - GATHER_MS) / MIN_GAP_MS);
  assert.ok(notices.length <= allowed, `${notices.length} notifications for alerts spread over ${spreadMs} ms`);

  const answerMs = await assertAnswers(engine);
  monitor.dispose();
  await engine.killAll();
  const checked = assertNothingLeft(pids, 'crash loop');
  assert.equal(checked, SERVICES * 3 + 1, 'a pid per attempt, and the quick job');
  const grown = growthMB(before);
  assert.ok(grown.rss < 300, `rss grew ${grown.rss} MB`);
  summary('crash-loop', {
    services: SERVICES,
    failedCrashLoop: snaps.filter((s) => s.error?.code === 'crash-loop').length,
    restartsEach: 2,
    processes: checked - 1,
    downAlerts: down.length,
    alertSpreadMs: spreadMs,
    notifications: notices.length,
    alertsPerNotification: notices.map((x) => (x.kind === 'group' ? x.alerts.length : 1)).join('+'),
    loopMs,
    quickJobMs: answerMs,
    rssGrowthMB: grown.rss,
    heapGrowthMB: grown.heap,
  });
});
