import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS, parseHostMessage, parseViewMessage, type RunSeries } from '../../../src/shared/metricsProtocol';

function series(extra: Partial<RunSeries> = {}): RunSeries {
  return { runId: 'r1', name: 'web', label: 'web · pid 42', live: true, t: [1000, 2000], cpu: [1.5, 100], mem: [1024, 2048], ...extra };
}

const snapshot = (runs: unknown[] = [series()]) => ({ type: 'snapshot', now: 5000, monitoring: true, runs });
const update = (runs: unknown[] = [series()]) => ({ type: 'update', now: 5000, runs });

function refused(result: { ok: boolean; error?: string }, pattern: RegExp): void {
  assert.equal(result.ok, false, 'the message should be refused');
  assert.match(result.error ?? '', pattern);
}

test('a well-formed snapshot and update pass unchanged', () => {
  const s = parseHostMessage(snapshot());
  assert.deepEqual(s, { ok: true, value: snapshot() });
  const u = parseHostMessage(update([series({ t: [], cpu: [], mem: [], live: false })]));
  assert.equal(u.ok, true);
  assert.equal(parseHostMessage({ type: 'snapshot', now: 0, monitoring: false, runs: [] }).ok, true);
});

test('host messages: not an object, an unknown type, or extra fields are refused', () => {
  for (const x of [null, undefined, 42, 'snapshot', [], [snapshot()]]) refused(parseHostMessage(x), /not an object/);
  refused(parseHostMessage({ ...snapshot(), type: 'eval' }), /unknown type "eval"/);
  // A forged toString must neither run nor throw while the error is written.
  refused(parseHostMessage({ ...snapshot(), type: { toString: 'x' } }), /unknown type object/);
  refused(parseViewMessage({ type: { toString: 'x', valueOf: 1 } }), /unknown type object/);
  refused(parseHostMessage({ ...snapshot(), html: '<img src=x onerror=alert(1)>' }), /unexpected field\(s\) html/);
  refused(parseHostMessage({ ...update(), monitoring: true }), /unexpected field\(s\) monitoring/);
  refused(parseHostMessage(update([{ ...series(), __proto__x: 1 }])), /unexpected field/);
});

test('host messages: the envelope fields are checked', () => {
  refused(parseHostMessage({ ...snapshot(), now: 'soon' }), /now is not a time/);
  refused(parseHostMessage({ ...snapshot(), now: Number.NaN }), /now is not a time/);
  refused(parseHostMessage({ ...snapshot(), now: -1 }), /now is not a time/);
  refused(parseHostMessage({ ...snapshot(), monitoring: 'yes' }), /monitoring is not a boolean/);
  refused(parseHostMessage({ ...snapshot(), runs: {} }), /runs is not an array/);
  refused(parseHostMessage(snapshot(new Array(LIMITS.runs + 1).fill(series()))), /at most 2000/);
});

test('host messages: every series is checked', () => {
  refused(parseHostMessage(update([null])), /runs\[0\] is not an object/);
  refused(parseHostMessage(update([series({ runId: '' })])), /runId is not a non-empty string/);
  refused(parseHostMessage(update([series({ name: 7 as unknown as string })])), /name is not/);
  refused(parseHostMessage(update([series({ label: 'x'.repeat(LIMITS.text + 1) })])), /label is not/);
  refused(parseHostMessage(update([series({ live: 1 as unknown as boolean })])), /live is not a boolean/);
  refused(parseHostMessage(update([series({ t: 'now' as unknown as number[] })])), /\.t is not an array/);
  refused(parseHostMessage(update([series({ cpu: [1, Number.POSITIVE_INFINITY] })])), /cpu\[1\] is not a valid number/);
  refused(parseHostMessage(update([series({ cpu: [1, -3] })])), /cpu\[1\] is not a valid number/);
  refused(parseHostMessage(update([series({ mem: [1, '2' as unknown as number] })])), /mem\[1\] is not a valid number/);
  refused(parseHostMessage(update([series({ cpu: [1] })])), /differ in length/);
  refused(parseHostMessage(update([series({ t: [2000, 1000] })])), /not in time order/);
  const many = new Array(LIMITS.points + 1).fill(1);
  refused(parseHostMessage(update([series({ t: many, cpu: many, mem: many })])), /at most 20000/);
  refused(parseHostMessage(update([series(), series()])), /appears twice/);
  // The first bad series is named in the error, for the log.
  refused(parseHostMessage(update([series(), series({ runId: 'r2', live: null as unknown as boolean })])), /update\.runs\[1\]\.live/);
});

test('view messages: ready and showOutput pass; a copy is returned, without extra fields', () => {
  assert.deepEqual(parseViewMessage({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
  assert.deepEqual(parseViewMessage({ type: 'showOutput', runId: 'r1' }), { ok: true, value: { type: 'showOutput', runId: 'r1' } });
});

test('view messages: anything else is refused with a reason', () => {
  for (const x of [null, 'ready', 1, [], true]) refused(parseViewMessage(x), /not an object/);
  refused(parseViewMessage({}), /unknown type/);
  refused(parseViewMessage({ type: 'executeCommand', command: 'workbench.action.terminal.new' }), /unknown type "executeCommand"/);
  refused(parseViewMessage({ type: 'ready', extra: 1 }), /ready: unexpected field\(s\) extra/);
  refused(parseViewMessage({ type: 'showOutput' }), /runId is not a non-empty string/);
  refused(parseViewMessage({ type: 'showOutput', runId: '' }), /runId/);
  refused(parseViewMessage({ type: 'showOutput', runId: { id: 'r1' } }), /runId/);
  refused(parseViewMessage({ type: 'showOutput', runId: 'x'.repeat(LIMITS.text + 1) }), /runId/);
  refused(parseViewMessage({ type: 'showOutput', runId: 'r1', command: 'rm -rf /' }), /unexpected field\(s\) command/);
});

test('a message that went through structured cloning (as postMessage does) still passes', () => {
  const cloned = structuredClone(snapshot());
  assert.equal(parseHostMessage(cloned).ok, true);
  assert.equal(parseViewMessage(structuredClone({ type: 'showOutput', runId: 'r1' })).ok, true);
});

test('host messages: a series may carry its instance and its limits; bad values are refused', () => {
  assert.equal(parseHostMessage(update([series({ instance: 2, cpuLimit: 80, memLimit: 60 * 1024 * 1024 })])).ok, true);
  assert.equal(parseHostMessage(update([series({ instance: 0, cpuLimit: null, memLimit: null })])).ok, true);
  refused(parseHostMessage(update([series({ instance: -1 })])), /instance is not a small whole number/);
  refused(parseHostMessage(update([series({ instance: 1.5 })])), /instance is not/);
  refused(parseHostMessage(update([series({ cpuLimit: 0 })])), /cpuLimit is not a positive number or null/);
  refused(parseHostMessage(update([series({ memLimit: Number.NaN })])), /memLimit is not/);
});
