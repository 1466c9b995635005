import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mergeLimits } from '../../../../src/engine/monitor/alertRules';
import { AlertBook, wantsRestart, type AlertChange, type AlertContext, type AlertSubject } from '../../../../src/engine/monitor/alerts';
import type { Limits } from '../../../../src/core/types';
import type { RunSample } from '../../../../src/engine/monitor/types';
import type { ProcessKind } from '../../../../src/core/types';

const MB = 1024 * 1024;

function sample(values: Partial<RunSample> = {}): RunSample {
  return { runId: 'r1', name: 'web', at: 0, cpuPercent: 0, rssBytes: 0, openFiles: 0, threads: 1, processes: 1, linesPerSecond: 0, stderrPerMinute: 0, idleMs: 0, responseMs: null, ...values };
}

/** "raised:memory:warning", "resolved:cpu", ... */
function describeChanges(changes: AlertChange[]): string[] {
  return changes.map(({ alert, change }) => (change === 'resolved' ? `resolved:${alert.type}` : `${change}:${alert.type}:${alert.severity}`));
}

interface Scenario {
  what: string;
  kind?: ProcessKind;
  limits: Limits;
  /** One sample per step, and what that step must report. */
  steps: [Partial<RunSample>, string[]][];
}

const mem = (mb: number) => ({ rssBytes: mb * MB });

const scenarios: Scenario[] = [
  {
    what: 'memory: raised on the first sample over the limit, once, resolved only below 90% of it',
    limits: { maxMemoryMB: 100 },
    steps: [
      [mem(50), []],
      [mem(100), []],
      [mem(101), ['raised:memory:warning']],
      [mem(120), []],
      [mem(95), []],
      [mem(91), []],
      [mem(89), ['resolved:memory']],
      [mem(95), []],
      [mem(101), ['raised:memory:warning']],
    ],
  },
  {
    what: 'memory: escalates to critical past 1.5x the limit, keeps it until resolved',
    limits: { maxMemoryMB: 100 },
    steps: [
      [mem(120), ['raised:memory:warning']],
      [mem(151), ['escalated:memory:critical']],
      [mem(200), []],
      [mem(120), []],
      [mem(80), ['resolved:memory']],
      [mem(160), ['raised:memory:critical']],
    ],
  },
  {
    what: 'cpu: only after 3 samples in a row over the limit; resolves after 3 in a row below 90%',
    limits: { maxCpuPercent: 100 },
    steps: [
      [{ cpuPercent: 150 }, []],
      [{ cpuPercent: 150 }, []],
      [{ cpuPercent: 50 }, []],
      [{ cpuPercent: 150 }, []],
      [{ cpuPercent: 150 }, []],
      [{ cpuPercent: 101 }, ['raised:cpu:warning']],
      [{ cpuPercent: 400 }, []],
      [{ cpuPercent: 80 }, []],
      [{ cpuPercent: 95 }, []],
      [{ cpuPercent: 80 }, []],
      [{ cpuPercent: 80 }, []],
      [{ cpuPercent: 80 }, ['resolved:cpu']],
    ],
  },
  {
    what: 'idle: a quiet service alerts at the limit and resolves when output resumes',
    limits: { maxIdleMs: 5000 },
    steps: [
      [{ idleMs: 1000 }, []],
      [{ idleMs: 4999 }, []],
      [{ idleMs: 5000 }, ['raised:idle:warning']],
      [{ idleMs: 60_000 }, []],
      [{ idleMs: 100 }, ['resolved:idle']],
    ],
  },
  {
    what: 'idle: never for a job',
    kind: 'job',
    limits: { maxIdleMs: 5000 },
    steps: [
      [{ idleMs: 10_000 }, []],
      [{ idleMs: 60_000 }, []],
    ],
  },
  {
    what: 'errorRate: stderr lines per minute over the limit, resolved below 90% of it',
    limits: { maxErrorRate: 10 },
    steps: [
      [{ stderrPerMinute: 5 }, []],
      [{ stderrPerMinute: 11 }, ['raised:errorRate:warning']],
      [{ stderrPerMinute: 30 }, []],
      [{ stderrPerMinute: 9.5 }, []],
      [{ stderrPerMinute: 8 }, ['resolved:errorRate']],
    ],
  },
  {
    what: 'several types at once, one alert each',
    limits: { maxMemoryMB: 100, maxErrorRate: 1 },
    steps: [
      [{ ...mem(200), stderrPerMinute: 5 }, ['raised:memory:critical', 'raised:errorRate:warning']],
      [{ ...mem(200), stderrPerMinute: 5 }, []],
      [{ ...mem(10), stderrPerMinute: 5 }, ['resolved:memory']],
    ],
  },
  {
    what: 'no limits, no alerts',
    limits: {},
    steps: [[{ ...mem(100_000), cpuPercent: 800, idleMs: 1e9, stderrPerMinute: 1e6 }, []]],
  },
];

describe('AlertBook thresholds', () => {
  for (const scenario of scenarios) {
    test(scenario.what, () => {
      const book = new AlertBook({ idPrefix: 't' });
      const subject: AlertSubject = { runId: 'r1', name: 'web', kind: scenario.kind ?? 'service' };
      scenario.steps.forEach(([values, expected], i) => {
        const changes = book.observe(subject, sample({ ...values, at: i * 1000 }), scenario.limits, i * 1000);
        assert.deepEqual(describeChanges(changes), expected, `step ${i}`);
      });
      const active = new Set(book.active().map((a) => a.type));
      assert.equal(active.size, book.active().length, 'one active alert per type');
    });
  }
});

describe('AlertBook lifecycle', () => {
  const web: AlertSubject = { runId: 'r1', name: 'web', kind: 'service' };

  test('an alert carries its run, time and a message; resolution sets resolvedAt', () => {
    const book = new AlertBook({ idPrefix: 't' });
    const [raised] = book.observe(web, sample(mem(300)), { maxMemoryMB: 256 }, 5000);
    assert.deepEqual(raised.alert, {
      id: 't-1',
      runId: 'r1',
      name: 'web',
      type: 'memory',
      severity: 'warning',
      message: 'Uses 300 MiB of memory (whole process tree), over its limit of 256 MiB.',
      at: 5000,
      resolved: false,
      resolvedAt: null,
    });
    const [resolved] = book.observe(web, sample(mem(100)), { maxMemoryMB: 256 }, 7000);
    assert.deepEqual([resolved.alert.id, resolved.alert.resolved, resolved.alert.resolvedAt], ['t-1', true, 7000]);
    assert.equal(raised.alert.resolved, false, 'changes hand out copies');
  });

  test('removing a limit resolves its active alert', () => {
    const book = new AlertBook();
    book.observe(web, sample(mem(300)), { maxMemoryMB: 256 }, 0);
    assert.deepEqual(describeChanges(book.observe(web, sample(mem(300)), {}, 1000)), ['resolved:memory']);
  });

  test('the process going away resolves every alert of the run but down; counts start again', () => {
    const book = new AlertBook();
    const limits = { maxMemoryMB: 1, maxCpuPercent: 10 };
    book.observe(web, sample({ ...mem(300), cpuPercent: 50 }), limits, 0);
    book.observe(web, sample({ ...mem(300), cpuPercent: 50 }), limits, 1);
    book.serviceFailed({ runId: 'r0', name: 'web', kind: 'service' }, 'exited with code 1.', 1);
    assert.deepEqual(describeChanges(book.processGone('r1', 2)), ['resolved:memory']);
    assert.deepEqual(book.active().map((a) => a.type), ['down']);
    assert.deepEqual(describeChanges(book.observe(web, sample({ cpuPercent: 50 }), limits, 3)), [], 'the CPU streak started again');
  });

  test('down: critical, once per run, resolved when the definition runs again', () => {
    const book = new AlertBook();
    const failed = book.serviceFailed(web, 'exited with code 3.', 10);
    assert.deepEqual(describeChanges(failed), ['raised:down:critical']);
    assert.equal(failed[0].alert.message, 'Down: exited with code 3.');
    assert.deepEqual(book.serviceFailed(web, 'again', 11), []);
    assert.deepEqual(book.serviceRunning('api', 12), []);
    assert.deepEqual(describeChanges(book.serviceRunning('web', 13)), ['resolved:down']);
    assert.deepEqual(book.active(), []);
  });

  test('ids are unique, the list is newest first and bounded, active alerts always kept', () => {
    const book = new AlertBook({ historyLimit: 5 });
    const keep = book.serviceFailed({ runId: 'old', name: 'db', kind: 'service' }, 'x', 0)[0].alert;
    const ids = new Set<string>([keep.id]);
    for (let i = 1; i <= 20; i++) {
      const subject = { runId: `r${i}`, name: 'web', kind: 'service' as const };
      ids.add(book.observe(subject, sample(mem(10)), { maxMemoryMB: 1 }, i)[0].alert.id);
      book.processGone(subject.runId, i);
    }
    assert.equal(ids.size, 21);
    const list = book.list();
    assert.equal(list.length, 5);
    assert.ok(list.some((a) => a.id === keep.id), 'the active down alert survives the trimming');
    const times = list.map((a) => a.at);
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
  });

  test('runs are independent', () => {
    const book = new AlertBook();
    const api: AlertSubject = { runId: 'r2', name: 'api', kind: 'service' };
    book.observe(web, sample(mem(300)), { maxMemoryMB: 100 }, 0);
    assert.deepEqual(describeChanges(book.observe(api, sample(mem(300)), { maxMemoryMB: 100 }, 0)), ['raised:memory:critical']);
    assert.deepEqual(describeChanges(book.processGone('r1', 1)), ['resolved:memory']);
    assert.deepEqual(book.active().map((a) => a.runId), ['r2']);
  });
});

describe('limits and recovery hook', () => {
  test("a definition's limits override the global ones field by field", () => {
    assert.deepEqual(mergeLimits({ maxMemoryMB: 512, maxCpuPercent: undefined }, { maxMemoryMB: 1024, maxCpuPercent: 200 }), { maxMemoryMB: 512, maxCpuPercent: 200 });
    assert.deepEqual(mergeLimits(undefined, undefined), {});
  });

  test('wantsRestart: a memory alert just raised for a service set to restart', () => {
    const book = new AlertBook();
    const [change] = book.observe({ runId: 'r1', name: 'web', kind: 'service' }, sample(mem(300)), { maxMemoryMB: 100 }, 0);
    const context = (over: Partial<AlertContext>): AlertContext =>
      ({ ...change, change: 'raised', kind: 'service', limits: { maxMemoryMB: 100, onExceed: 'restart' }, sample: null, ...over });
    assert.equal(wantsRestart(context({})), true);
    assert.equal(wantsRestart(context({ limits: { maxMemoryMB: 100 } })), false);
    assert.equal(wantsRestart(context({ kind: 'job' })), false);
    assert.equal(wantsRestart(context({ change: 'escalated' })), false);
    assert.equal(wantsRestart(context({ alert: { ...change.alert, type: 'cpu' } })), false);
  });
});
