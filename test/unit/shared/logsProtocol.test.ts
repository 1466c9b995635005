import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogModel } from '../../../src/shared/logModel';
import { LOG_LIMITS, parseHostMessage, parseViewMessage, type HostMessage } from '../../../src/shared/logsProtocol';

const lines = (extra: Partial<Record<string, unknown>> = {}) => ({
  type: 'lines',
  batch: 1,
  sources: [{ key: 0, runId: 'r1', name: 'web', label: 'web', color: 0 }],
  dropped: 0,
  at: [1, 2],
  src: [0, 0],
  stream: [0, 1],
  text: ['<script>alert(1)</script>', '</div>'],
  ts: ['', ''],
  ...extra,
});

test('a valid batch passes; hostile text is data, not a reason to refuse', () => {
  const parsed = parseHostMessage(lines());
  assert.ok(parsed.ok);
  assert.ok(parseHostMessage({ type: 'reset', maxLines: 100, timestamps: false }).ok);
});

test('malformed batches are refused with a reason, never thrown', () => {
  const bad: [unknown, RegExp][] = [
    [null, /not an object/],
    [{ type: 'nope' }, /unknown type/],
    [lines({ extra: 1 }), /unexpected field/],
    [lines({ at: [1] }), /differs in length/],
    [lines({ stream: [0, 7] }), /not a stream/],
    [lines({ at: [1, -1] }), /not a time/],
    [lines({ text: ['a', 'x'.repeat(LOG_LIMITS.lineChars + 1)] }), /at most/],
    [lines({ sources: [{ key: 0, runId: '', name: 'a', label: 'a', color: 0 }] }), /runId/],
    [lines({ sources: [{ key: 0, runId: 'r', name: 'a', label: 'a', color: 99 }] }), /palette/],
    [{ type: 'reset', maxLines: 0, timestamps: true }, /maxLines/],
  ];
  for (const [message, error] of bad) {
    const parsed = parseHostMessage(message);
    assert.equal(parsed.ok, false, JSON.stringify(message)?.slice(0, 80));
    if (!parsed.ok) assert.match(parsed.error, error);
  }
});

test('view messages: ready, ack and showRun; anything else refused', () => {
  assert.deepEqual(parseViewMessage({ type: 'ack', batch: 3 }), { ok: true, value: { type: 'ack', batch: 3 } });
  assert.deepEqual(parseViewMessage({ type: 'showRun', runId: 'r1' }), { ok: true, value: { type: 'showRun', runId: 'r1' } });
  assert.equal(parseViewMessage({ type: 'showRun', runId: 5 }).ok, false);
  assert.equal(parseViewMessage({ type: 'ack', batch: -1 }).ok, false);
  assert.equal(parseViewMessage({ type: 'ready', x: 1 }).ok, false);
});

test('the model a webview builds from the messages: reset clears, batches merge by time', () => {
  const model = new LogModel();
  model.apply({ type: 'reset', maxLines: 3, timestamps: true });
  model.apply(lines({ at: [10, 30], text: ['a', 'c'] }) as HostMessage);
  model.apply(lines({ batch: 2, sources: [{ key: 1, runId: 'r2', name: 'db', label: 'db', color: 1 }], src: [1, 1], at: [20, 40], text: ['b', 'd'], dropped: 1 }) as HostMessage);
  assert.deepEqual(model.rows().map((r) => `${r.label}:${r.text}`), ['db:b', 'web:c', 'db:d']);
  assert.equal(model.dropped, 1);
  assert.equal(model.timestamps, true);
  model.apply({ type: 'reset', maxLines: 3, timestamps: false });
  assert.deepEqual(model.rows(), []);
});
