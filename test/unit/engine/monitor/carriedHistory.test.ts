import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Emitter } from '../../../../src/core/events';
import type { OutputLine } from '../../../../src/platform/outputRing';
import { saveHistory, takeHistory } from '../../../../src/engine/monitor/carriedHistory';
import { ProcessMonitor, type MonitoredEngine, type MonitoredRun } from '../../../../src/engine/monitor/monitor';
import type { TreeUsage } from '../../../../src/engine/monitor/sampler';
import type { RunHistory, RunSample } from '../../../../src/engine/monitor/types';
import { waitFor } from '../../helpers';

function tempFile(t: { after(fn: () => unknown): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-history-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'metrics-history.json');
}

function sample(runId: string, at: number, cpuPercent: number): RunSample {
  return { runId, name: 'web', at, cpuPercent, rssBytes: 1e6, openFiles: 5, threads: 2, processes: 1, linesPerSecond: 0, stderrPerMinute: 0, idleMs: 10, responseMs: null };
}

test('the history a window leaves is read back whole by the next, once', (t) => {
  const file = tempFile(t);
  const now = Date.now();
  const histories: RunHistory[] = [{ runId: 'r-1', name: 'web', samples: [sample('r-1', now - 2000, 5), { ...sample('r-1', now - 1000, 7), responseMs: 12 }] }];
  saveHistory(file, histories);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(takeHistory(file), histories);
  assert.equal(fs.existsSync(file), false, 'read once');
  assert.deepEqual(takeHistory(file), []);
});

test('a broken or crafted file gives nothing, or only its well-formed samples, and is removed', (t) => {
  const file = tempFile(t);
  for (const text of ['{', '[]', 'null', '{"fields":["at"],"runs":[]}', JSON.stringify({ fields: ['x'], runs: [{ runId: 'a', name: 'b', rows: [] }] })]) {
    fs.writeFileSync(file, text);
    assert.deepEqual(takeHistory(file), [], text);
    assert.equal(fs.existsSync(file), false);
  }
  const fields = ['at', 'cpuPercent', 'rssBytes', 'openFiles', 'threads', 'processes', 'linesPerSecond', 'stderrPerMinute', 'idleMs', 'responseMs'];
  const good = [1, 2, 3, 4, 5, 6, 7, 8, 9, null];
  fs.writeFileSync(file, JSON.stringify({ fields, runs: [
    { runId: '../../etc', name: 'x', rows: [good] },
    { runId: 'ok', name: 'web', rows: [good, [1, 2], [1, 'x', 3, 4, 5, 6, 7, 8, 9, 1], [-1, 2, 3, 4, 5, 6, 7, 8, 9, 1], [1, null, 3, 4, 5, 6, 7, 8, 9, 1], 'row'] },
  ] }));
  const back = takeHistory(file);
  assert.deepEqual(back.map((h) => [h.runId, h.samples.length]), [['ok', 1]]);
  // Huge: not read at all.
  fs.writeFileSync(file, Buffer.alloc(17 * 1024 * 1024, 0x20));
  assert.deepEqual(takeHistory(file), []);
  assert.equal(fs.existsSync(file), false);
});

class OneRunEngine implements MonitoredEngine {
  readonly changes = new Emitter<MonitoredRun | undefined>();
  readonly onDidChange = this.changes.event;
  readonly onDidOutput = new Emitter<{ id: string; lines: OutputLine[] }>().event;
  run: MonitoredRun = { id: 'r-1', name: 'web', kind: 'service', state: 'running', pid: 100, adhoc: false, error: null, exitCode: null, signal: null };
  list(): MonitoredRun[] {
    return [this.run];
  }
  definitions() {
    return [];
  }
}

const sampler = {
  async sample(roots: readonly number[]): Promise<Map<number, TreeUsage>> {
    return new Map(roots.map((root) => [root, { root, alive: true, processes: 1, cpuPercent: 50, rssBytes: 1e6, openFiles: 5, threads: 2, pids: [root] }]));
  },
};

test('a run taken back shows the samples from before the reload first, then its own', async (t) => {
  const engine = new OneRunEngine();
  const monitor = new ProcessMonitor(engine, { intervalMs: 50, sampler });
  t.after(() => monitor.dispose());
  await waitFor(() => (monitor.history()[0]?.samples.length ?? 0) >= 1, 'a sample of its own');
  const now = Date.now();
  monitor.restore([
    { runId: 'r-1', name: 'web', samples: [sample('r-1', now - 3000, 1), sample('r-1', now - 2000, 2), sample('r-1', now + 60_000, 3)] },
    { runId: 'gone', name: 'other', samples: [sample('gone', now - 1000, 4)] },
  ]);
  const [history, ...others] = monitor.history();
  assert.equal(others.length, 0, 'only runs it has');
  assert.deepEqual(history.samples.slice(0, 2).map((s) => s.cpuPercent), [1, 2]);
  assert.ok(history.samples.slice(2).every((s) => s.cpuPercent === 50), 'then its own; nothing newer than its own is taken');
});
