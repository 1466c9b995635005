import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSample } from '../../../src/engine/monitor/types';
import { parseHostMessage, type HostMessage } from '../../../src/shared/metricsProtocol';
import { Coalescer } from '../../../src/ui/coalesce';
import { MAX_WINDOW_MS, SampleBuffer, seriesFromHistories, type RunInfo } from '../../../src/ui/metricsData';
import { FakeClock, FakeMonitor, sample } from './fakes';

const info = (live = true) => (runId: string, name: string): RunInfo => ({ label: `${name} · ${runId}`, live });

test('the snapshot holds the last 10 minutes of every history, as valid series', () => {
  const monitor = new FakeMonitor();
  const now = 2_000_000;
  for (let t = now - MAX_WINDOW_MS - 5000; t <= now; t += 1000) monitor.sample([sample('web-1', t), sample('db-1', t, { cpuPercent: Number.NaN })]);
  const runs = seriesFromHistories(monitor.history(), now, info());
  assert.equal(runs.length, 2);
  assert.equal(runs[0].t.length, MAX_WINDOW_MS / 1000 + 1);
  assert.ok(runs[0].t[0] >= now - MAX_WINDOW_MS);
  assert.equal(runs[0].label, 'web · web-1');
  assert.equal(runs[1].cpu[0], 0, 'a NaN from the sampler becomes 0 rather than a refused message');
  const message: HostMessage = { type: 'snapshot', now, monitoring: true, runs };
  assert.equal(parseHostMessage(message).ok, true);
});

test('the buffer sends new points once, and a run whose label or liveness changed', () => {
  const b = new SampleBuffer();
  b.noteSent([{ runId: 'web-1', name: 'web', label: 'web · web-1', live: true, t: [1], cpu: [1], mem: [1] }]);
  assert.deepEqual(b.take(info()), [], 'nothing new');
  b.add([sample('web-1', 2), sample('web-1', 3)]);
  b.add([sample('web-1', 1)]); // out of order: dropped
  const first = b.take(info());
  assert.equal(first.length, 1);
  assert.deepEqual(first[0].t, [2, 3]);
  assert.deepEqual(b.take(info()), [], 'taken already');
  // The run ended: sent once with no points, then forgotten.
  const ended = b.take(info(false));
  assert.deepEqual(ended.map((s) => [s.runId, s.live, s.t.length]), [['web-1', false, 0]]);
  assert.deepEqual(b.take(info(false)), []);
  assert.deepEqual(b.take(info(false)), []);
});

test('a sampling storm reaches the webview as at most two valid messages a second, with every point', () => {
  const clock = new FakeClock();
  const monitor = new FakeMonitor();
  const buffer = new SampleBuffer();
  const posted: HostMessage[] = [];
  const updates = new Coalescer(
    () => {
      const runs = buffer.take(info());
      if (runs.length) posted.push({ type: 'update', now: clock.now(), runs });
    },
    500,
    500,
    clock,
  );
  const sub = monitor.onDidSample((s) => {
    buffer.add(s);
    updates.poke();
  });
  // 50 runs sampled 10 times a second for 10 seconds.
  const ids = Array.from({ length: 50 }, (_, i) => `svc-${i}`);
  for (let i = 0; i < 100; i++) {
    const round: RunSample[] = ids.map((id) => sample(id, clock.now()));
    monitor.sample(round);
    clock.advance(100);
  }
  clock.advance(1000);
  sub.dispose();
  assert.ok(posted.length <= 21, `${posted.length} messages in 11 s`);
  for (const m of posted) assert.equal(parseHostMessage(m).ok, true);
  const points = posted.flatMap((m) => m.runs).filter((s) => s.runId === 'svc-7').reduce((n, s) => n + s.t.length, 0);
  assert.equal(points, 100, 'no point lost or repeated');
});

test('series carry the instance and the limits; a changed limit is sent again without new points', () => {
  const b = new SampleBuffer();
  const limited = (memLimit: number | null) => (_runId: string, name: string): RunInfo => ({ label: `${name} #1`, live: true, instance: 1, cpuLimit: null, memLimit });
  b.add([sample('web-1', 1)]);
  const [first] = b.take(limited(60 * 1024 * 1024));
  assert.deepEqual([first.instance, first.cpuLimit, first.memLimit], [1, null, 60 * 1024 * 1024]);
  assert.equal(parseHostMessage({ type: 'update', now: 1, runs: [first] }).ok, true);
  assert.deepEqual(b.take(limited(60 * 1024 * 1024)), [], 'nothing changed');
  assert.deepEqual(b.take(limited(null)).map((s) => [s.runId, s.memLimit, s.t.length]), [['web-1', null, 0]]);
});
