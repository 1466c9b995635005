import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessMonitor } from '../../../../src/engine/monitor/monitor';
import type { Alert, RunSample } from '../../../../src/engine/monitor/types';
import { makeEngine, nodeSpec, waitFor, waitForLine } from '../../helpers';

describe('ProcessMonitor on a real engine', () => {
  test('a process growing past maxMemoryMB raises a memory alert, resolved when the run is killed', async (t) => {
    // Node itself takes about 40 MB; the fixture then grows 30 MB every 300 ms up to 160 MB.
    const spec = nodeSpec('leaky', 'alloc.js', ['10', '--grow', '30', '--every', '300', '--max', '160'], { limits: { maxMemoryMB: 120 } });
    const engine = makeEngine(t, [spec]);
    const monitor = new ProcessMonitor(engine, { intervalMs: 200 });
    t.after(() => monitor.dispose());
    const alerts: Alert[] = [];
    monitor.onDidAlert((a) => alerts.push(a));

    const id = await engine.spawn('leaky');
    await waitForLine(engine, id, /allocated 10 MB/);
    await waitFor(() => alerts.length > 0, 'a memory alert', 15_000);
    assert.deepEqual([alerts[0].type, alerts[0].runId, alerts[0].name, alerts[0].resolved], ['memory', id, 'leaky', false]);
    assert.ok(monitor.latest(id)!.rssBytes > 120 * 1024 * 1024);

    await engine.kill(id);
    await waitFor(() => alerts.some((a) => a.resolved), 'the alert to resolve');
    assert.deepEqual(monitor.alerts().filter((a) => !a.resolved), []);
    assert.equal(new Set(alerts.filter((a) => !a.resolved).map((a) => a.id)).size, 1, 'one alert, maybe escalated, never one per sample');
    await waitFor(() => !monitor.isSampling, 'the loop to stop once nothing runs');
  });

  test('a job and a service: samples carry the tree, output and job counts', async (t) => {
    const engine = makeEngine(t, [nodeSpec('tree', 'fork-tree.js', ['2']), nodeSpec('ok', 'exit.js', ['0'], { kind: 'job' })]);
    const monitor = new ProcessMonitor(engine, { intervalMs: 150 });
    t.after(() => monitor.dispose());
    const seen: RunSample[] = [];
    monitor.onDidSample((samples) => seen.push(...samples));

    const id = await engine.spawn('tree');
    await waitForLine(engine, id, /^tree /);
    await waitFor(() => seen.some((s) => s.runId === id && s.processes === 5), 'a sample of the whole tree');
    const job = await engine.spawn('ok');
    await engine.whenDone(job);
    await waitFor(() => monitor.jobCounts('ok').succeeded === 1, 'the job count');
    assert.equal(monitor.jobCounts('ok').failed, 0);
  });
});
