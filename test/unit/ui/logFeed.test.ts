import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Emitter } from '../../../src/core/events';
import type { ProcessSpec } from '../../../src/core/types';
import type { OutputEvent } from '../../../src/engine/engine';
import type { OutputLine } from '../../../src/platform/outputRing';
import { LineBatch } from '../../../src/platform/lineBatch';
import { LogModel } from '../../../src/shared/logModel';
import type { HostMessage } from '../../../src/shared/logsProtocol';
import { LogFeed, MAX_IN_FLIGHT, type LogEngine } from '../../../src/ui/logView/logFeed';
import { FakeClock } from './fakes';

interface FakeRun {
  id: string;
  name: string;
  instance: number;
  adhoc: boolean;
  lines: OutputLine[];
}

function fakeEngine(runs: FakeRun[] = [], replicas: Record<string, number> = {}) {
  const output = new Emitter<OutputEvent>();
  const names = ['web', 'db', 'worker'];
  const engine = {
    onDidOutput: output.event,
    list: () => runs,
    output: (id: string) => runs.find((r) => r.id === id)?.lines ?? [],
    definition: (name: string) => (names.includes(name) ? ({ name, instances: { min: 1, max: replicas[name] ?? 1, initial: 1 } } as ProcessSpec) : undefined),
    definitions: () => names.map((name) => ({ name }) as ProcessSpec),
  } as unknown as LogEngine;
  return { engine, output };
}

const out = (text: string, at: number, stream: OutputLine['stream'] = 'stdout'): OutputLine => ({ text, at, stream });

/** A feed whose posts are applied to a model, as the webview does. */
function setup(runs: FakeRun[] = [], replicas: Record<string, number> = {}, maxLines = 1000) {
  const { engine, output } = fakeEngine(runs, replicas);
  const clock = new FakeClock();
  const posted: HostMessage[] = [];
  const view = new LogModel();
  const feed = new LogFeed(engine, {
    post: (m) => {
      posted.push(m);
      view.apply(m);
    },
    timers: clock,
    limits: { maxLines, maxChars: 1e9 },
  });
  return { feed, output, clock, posted, view };
}

test('the backlog of every listed run, finished ones too, arrives merged in time order when the view is ready', () => {
  const { feed, view, posted } = setup([
    { id: 'w1', name: 'web', instance: 0, adhoc: false, lines: [out('web up', 10), out('GET /', 30)] },
    { id: 'd1', name: 'db', instance: 0, adhoc: false, lines: [out('db up', 20), out('slow query', 40, 'stderr')] },
  ]);
  assert.equal(posted.length, 0, 'nothing is posted before the view is ready');
  feed.resend();
  assert.equal(posted[0].type, 'reset');
  assert.deepEqual(view.rows().map((r) => `${r.label} ${r.text}`), ['web web up', 'db db up', 'web GET /', 'db slow query']);
  assert.equal(view.rows()[3].stream, 1);
  feed.dispose();
});

test('live lines are batched per flush interval and merged with lines read earlier by another run', () => {
  const { feed, output, clock, posted, view } = setup();
  feed.resend();
  output.fire({ id: 'w1', name: 'web', instance: 0, lines: [out('w-a', 100), out('w-b', 300)] });
  output.fire({ id: 'd1', name: 'db', instance: 0, lines: [out('d-a', 200)] });
  assert.equal(posted.length, 1, 'only the reset so far');
  clock.advance(100);
  assert.equal(posted.length, 2, 'one batch for both runs');
  assert.deepEqual(view.rows().map((r) => r.text), ['w-a', 'd-a', 'w-b']);
  output.fire({ id: 'd1', name: 'db', instance: 0, lines: [out('d-late', 250)] });
  clock.advance(100);
  assert.deepEqual(view.rows().map((r) => r.text), ['w-a', 'd-a', 'd-late', 'w-b']);
  assert.deepEqual(feed.store.toArray().map((l) => l.text), ['w-a', 'd-a', 'd-late', 'w-b'], 'host and view agree');
  feed.dispose();
});

test('replicas are labelled name#N, ad-hoc runs by their command line; each name its colour, in the order names appear', () => {
  const { feed, output, clock, posted } = setup([], { web: 2 });
  feed.resend();
  output.fire({ id: 'w0', name: 'web', instance: 0, lines: [out('a', 1)] });
  output.fire({ id: 'w1', name: 'web', instance: 1, lines: [out('b', 2)] });
  output.fire({ id: 'k', name: 'db', instance: 0, lines: [out('c', 3)] });
  output.fire({ id: 'x', name: 'npx some-long-command --with many --arguments here', instance: 0, adhoc: true, lines: [out('d', 4)] });
  clock.advance(100);
  const batch = posted[1];
  assert.equal(batch.type, 'lines');
  if (batch.type !== 'lines') return;
  assert.deepEqual(batch.sources.map((s) => s.label), ['web#0', 'web#1', 'db', 'npx some-long-command --with ma…']);
  assert.deepEqual(batch.sources.map((s) => s.color), [0, 0, 1, 2]);
  assert.equal(feed.sourceByRun('w1')?.name, 'web');
  feed.dispose();
});

test('with MAX_IN_FLIGHT batches unanswered, lines wait; an acknowledgement sends them', () => {
  const { feed, output, clock, posted, view } = setup();
  feed.resend();
  for (let i = 0; i < MAX_IN_FLIGHT + 2; i++) {
    output.fire({ id: 'w1', name: 'web', instance: 0, lines: [out(`line ${i}`, i)] });
    clock.advance(100);
  }
  const batches = posted.filter((m) => m.type === 'lines');
  assert.equal(batches.length, MAX_IN_FLIGHT);
  feed.acknowledge(1);
  assert.equal(posted.filter((m) => m.type === 'lines').length, MAX_IN_FLIGHT + 1, 'the waiting lines go as one batch');
  assert.deepEqual(view.rows().map((r) => r.text), ['line 0', 'line 1', 'line 2', 'line 3']);
  feed.dispose();
});

test('a flood keeps the newest lines within the bound and says how many went', () => {
  const { feed, output, clock, view } = setup([], {}, 100);
  feed.resend();
  for (let i = 0; i < 1000; i++) output.fire({ id: 'w1', name: 'web', instance: 0, lines: [out(`n${i}`, i)] });
  clock.advance(100);
  const rows = view.rows();
  assert.equal(rows.length, 100);
  assert.equal(rows[0].text, 'n900');
  assert.equal(rows[99].text, 'n999');
  assert.equal(view.dropped, 900);
  assert.equal(feed.dropped, 900);
  feed.dispose();
});

test('a flush of more lines than a call can take as arguments keeps the newest, in order, and throws nothing', () => {
  const max = 250_000;
  const { feed, output, clock, view } = setup([], {}, max);
  feed.resend();
  const lines = Array.from({ length: 2 * max - 1 }, (_, i) => out(`n${i}`, i));
  for (let i = 0; i < lines.length; i += 10_000) output.fire({ id: 'w1', name: 'web', instance: 0, lines: lines.slice(i, i + 10_000) });
  clock.advance(100);
  for (let i = 0; i < 20; i++) feed.acknowledge(1);
  const rows = view.rows();
  assert.equal(rows.length, max);
  assert.equal(rows[0].text, `n${max - 1}`);
  assert.equal(rows[max - 1].text, `n${2 * max - 2}`);
  feed.dispose();
});

test('a changed timestamp format sends every line again, formatted', () => {
  const { feed, output, clock, posted, view } = setup();
  feed.resend();
  output.fire({ id: 'w1', name: 'web', instance: 0, lines: [out('a', 1000)] });
  clock.advance(100);
  feed.setFormatTime((at) => `t${at}`);
  const last = posted.at(-1);
  assert.ok(last?.type === 'lines' && last.ts[0] === 't1000');
  assert.equal(view.timestamps, true);
  assert.equal(view.rows().length, 1);
  feed.dispose();
});

test('while the view is away nothing is posted; lines are kept for when it comes back', () => {
  const { feed, output, clock, posted, view } = setup();
  feed.resend();
  feed.pause();
  const before = posted.length;
  output.fire({ id: 'w1', name: 'web', instance: 0, lines: [out('while hidden', 5)] });
  clock.advance(100);
  assert.equal(posted.length, before);
  feed.resend();
  assert.deepEqual(view.rows().map((r) => r.text), ['while hidden']);
  feed.dispose();
});

test('an engine batch shows the same rows as its lines would', () => {
  const rows = (withBatch: boolean) => {
    const { feed, output, clock, view } = setup([{ id: 'w1', name: 'web', instance: 0, adhoc: false, lines: [] }]);
    feed.resend();
    const raws: string[] = [];
    raws[1] = '\u001b[31mtwo';
    const batch = LineBatch.read('stderr', 100, ['one', 'two'], raws);
    output.fire({ id: 'w1', name: 'web', instance: 0, lines: batch.toArray(), ...(withBatch && { batch }) });
    output.fire({ id: 'w1', name: 'web', instance: 0, lines: [out('mixed', 200)], ...(withBatch && { batch: LineBatch.of([out('mixed', 200)]) }) });
    clock.advance(100);
    return view.rows().map((r) => `${r.label} ${r.stream} ${r.at} ${r.text}`);
  };
  assert.deepEqual(rows(true), rows(false));
  assert.equal(rows(true).length, 3);
});
