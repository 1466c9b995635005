import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { makeEngine, nodeSpec, waitFor, waitForLine } from '../helpers';
import { Emitter } from '../../../src/core/events';
import type { WriteEvent } from '../../../src/engine/engine';
import { TerminalFeed } from '../../../src/ui/terminalFeed';
import { TerminalInput } from '../../../src/ui/terminalInput';

/** A feed that collects what a terminal would be sent. */
function collect(t: { after(fn: () => unknown): void }, ...args: [ConstructorParameters<typeof TerminalFeed>[0], ConstructorParameters<typeof TerminalFeed>[1], ConstructorParameters<typeof TerminalFeed>[3]?]) {
  const written: string[] = [];
  const feed = new TerminalFeed(args[0], args[1], (d) => written.push(d), { flushMs: 1, ...args[2] });
  t.after(() => feed.dispose());
  return { feed, text: () => written.join('') };
}

test('a terminal replays colours and the prompt, then follows live with CRLF line ends', async (t) => {
  const engine = makeEngine(t, [nodeSpec('colors', 'colors.js')]);
  const id = await engine.spawn('colors');
  await waitForLine(engine, id, /progress 100%/);
  await waitFor(() => engine.unfinishedOutput(id) !== '', 'the prompt');
  const { feed, text } = collect(t, engine, { name: 'colors' });
  feed.start();
  await waitFor(() => text().includes('? name: '), 'the replay');
  assert.ok(text().includes('\u001b[31mred\u001b[0m plain\r\n'), JSON.stringify(text()));
  assert.ok(text().includes('progress 1%\rprogress 50%\rprogress 100%\r\n'));
  assert.match(text(), /\u001b\[2mStarted: .*\u001b\[0m\r\n/, 'our own lines are dimmed');
  assert.ok(!/[^\r]\n/.test(text()), 'every newline is CRLF');
  const input = new TerminalInput(engine, { name: 'colors' }, feed);
  input.handle('ab');
  input.handle('\u007f');
  input.handle('c\r');
  // On pipes the line goes on Enter, as a terminal in line mode sends it, and is echoed here.
  await waitForLine(engine, id, /got 61630a$/);
  await waitFor(() => text().includes('ab\b \bc\r\n'), 'the echo');
  input.handle('\u0003');
  await waitForLine(engine, id, /interrupted$/);
  await engine.whenDone(id);
  await waitFor(() => text().includes('Press Enter to restart'), 'the restart offer');
  assert.match(text(), /exited with code 130/);
  input.handle('\r');
  await waitFor(() => engine.list().filter((r) => r.name === 'colors').length === 2, 'a new run');
  await waitFor(() => text().split('Started:').length === 3, 'the new run in the same terminal');
});

test('closing a terminal (disposing its feed) never stops the process', async (t) => {
  const engine = makeEngine(t, [nodeSpec('colors', 'colors.js')]);
  const id = await engine.spawn('colors');
  const { feed } = collect(t, engine, { name: 'colors' });
  feed.start();
  await waitForLine(engine, id, /progress 100%/);
  feed.dispose();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(engine.get(id)?.state, 'running');
});

test('replicas share a terminal with a prefix per line; their unfinished lines never mix', async (t) => {
  const spec = nodeSpec('rep', 'replicas-colors.js', [], { instances: { initial: 2, min: 2, max: 2 } });
  const engine = makeEngine(t, [spec]);
  const { feed, text } = collect(t, engine, { name: 'rep' });
  feed.start();
  await engine.spawn('rep');
  await waitFor(() => (text().match(/whole/g) ?? []).length === 2, 'both whole lines');
  const lines = text().split('\r\n');
  for (const n of [0, 1]) {
    assert.ok(lines.some((l) => l.includes(`[#${n}]`) && l.includes(`replica ${n}`)), text());
    // The piece and its rest may be split by the other replica's piece, but each piece sits after a prefix.
    assert.ok(lines.some((l) => /\[#\d\]/.test(l) && l.includes(`half ${n}`)), text());
  }
});

test('one replica per terminal shows only its own lines, without a prefix', async (t) => {
  const spec = nodeSpec('rep', 'replicas-colors.js', [], { instances: { initial: 2, min: 2, max: 2 } });
  const engine = makeEngine(t, [spec]);
  const { feed, text } = collect(t, engine, { name: 'rep', instance: 1 });
  feed.start();
  await engine.spawn('rep');
  await waitFor(() => text().includes('whole 1'), 'the line');
  assert.ok(!text().includes('replica 0') && !text().includes('[#'), text());
});

test('under a flood the terminal skips the oldest text and says so, within its bound', async (t) => {
  const engine = makeEngine(t, [nodeSpec('flood', 'flood.js', ['20'], { kind: 'job' })]);
  const writes: number[] = [];
  let all = '';
  const feed = new TerminalFeed(engine, { name: 'flood' }, (d) => (writes.push(d.length), (all = d.length < 4096 ? all + d : all)), { flushMs: 50, maxPendingChars: 256 * 1024 });
  t.after(() => feed.dispose());
  feed.start();
  const id = await engine.spawn('flood');
  await engine.whenDone(id);
  feed.flush();
  assert.ok(Math.max(...writes) <= 256 * 1024 + 65 * 1024 * 2 + 200, `largest write ${Math.max(...writes)}`);
});

test('a definition that never ran: the terminal says how to start it, and Enter does', async (t) => {
  const engine = makeEngine(t, [nodeSpec('colors', 'colors.js')]);
  const { feed, text } = collect(t, engine, { name: 'colors' });
  feed.start();
  await waitFor(() => text().includes('is not running. Press Enter to start it.'), 'the note');
  new TerminalInput(engine, { name: 'colors' }, feed).handle('\r');
  await waitFor(() => text().includes('progress 100%'), 'its output');
});

test('live text gets CRLF line ends the same way with and without a \\r in it', () => {
  const writes = new Emitter<WriteEvent>();
  const none = () => ({ dispose() {} });
  const engine = { onDidWrite: writes.event, onDidOutput: none, onDidChange: none, list: () => [], output: () => [], unfinishedOutput: () => '', definition: () => undefined } as unknown as ConstructorParameters<typeof TerminalFeed>[0];
  const written: string[] = [];
  const feed = new TerminalFeed(engine, { name: 'w' }, (d) => written.push(d), { flushMs: 1e6, endNote: false });
  feed.start();
  feed.flush();
  written.length = 0;
  const texts = ['a\nb\n', 'no newline', '\n', 'x\r\ny\n', 'bar\r', '\nz\n\n', 'progress 1%\rprogress 2%\n'];
  for (const text of texts) writes.fire({ id: 'r', name: 'w', instance: 1, stream: 'stdout', text });
  feed.flush();
  feed.dispose();
  assert.equal(written.join(''), texts.map((t) => t.replace(/\r?\n/g, '\r\n')).join(''));
});

test('text made CRLF only when flushed stays within the bound as written, the newest kept whole', () => {
  const writes = new Emitter<WriteEvent>();
  const none = () => ({ dispose() {} });
  const engine = { onDidWrite: writes.event, onDidOutput: none, onDidChange: none, list: () => [], output: () => [], unfinishedOutput: () => '', definition: () => undefined } as unknown as ConstructorParameters<typeof TerminalFeed>[0];
  const written: string[] = [];
  const max = 1000;
  const feed = new TerminalFeed(engine, { name: 'w' }, (d) => written.push(d), { flushMs: 1e6, endNote: false, maxPendingChars: max });
  feed.start();
  feed.flush();
  written.length = 0;
  // Short lines: CRLF makes each a half longer than it came, which the bound must still count.
  const texts = Array.from({ length: 60 }, (_, i) => `${String(i % 10)}\n`.repeat(30));
  for (const text of texts) writes.fire({ id: 'r', name: 'w', instance: 1, stream: 'stdout', text });
  feed.flush();
  feed.dispose();
  assert.equal(written.length, 1);
  const [note, shown] = written[0].split(/\]\u001b\[0m\r\n/);
  assert.match(note, /KB of output skipped to keep up/);
  assert.ok(shown.length <= max, `${shown.length} chars handed over`);
  const all = texts.map((t) => t.replace(/\n/g, '\r\n')).join('');
  assert.ok(all.endsWith(shown) && shown.length >= max - 90, 'the newest text, whole parts of it');
});
