import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Emitter } from '../../../src/core/events';
import type { OutputEvent } from '../../../src/engine/engine';
import type { ProcessSpec } from '../../../src/core/types';
import { OutputFeed } from '../../../src/ui/outputFeed';

function fakeEngine(replicas: Record<string, number> = {}) {
  const output = new Emitter<OutputEvent>();
  const engine = {
    onDidOutput: output.event,
    definition: (name: string) => ({ instances: { min: 1, max: replicas[name] ?? 1, initial: 1 } }) as ProcessSpec,
  };
  return { engine, output };
}

const line = (text: string) => ({ stream: 'stdout' as const, text, at: 0 });

test('one append per definition per flush, replicas prefixed with their instance', () => {
  const { engine, output } = fakeEngine({ web: 2 });
  const appended: [string, string][] = [];
  const feed = new OutputFeed(engine, (name, text) => appended.push([name, text]), 60_000);
  output.fire({ id: 'a', name: 'web', instance: 1, lines: [line('one')] });
  output.fire({ id: 'b', name: 'web', instance: 2, lines: [line('two')] });
  output.fire({ id: 'c', name: 'db', instance: 1, lines: [line('ready')] });
  assert.deepEqual(appended, []);
  feed.flush();
  assert.deepEqual(appended, [
    ['web', '[#1] one\n[#2] two\n'],
    ['db', 'ready\n'],
  ]);
  feed.dispose();
});

test('flushes by itself after its delay, and nothing after dispose', async () => {
  const { engine, output } = fakeEngine();
  const appended: string[] = [];
  const feed = new OutputFeed(engine, (_name, text) => appended.push(text), 5);
  output.fire({ id: 'a', name: 'job', instance: 1, lines: [line('x')] });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(appended, ['x\n']);
  feed.dispose();
  output.fire({ id: 'a', name: 'job', instance: 1, lines: [line('y')] });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(appended, ['x\n']);
});

test('every typed command line writes to one channel; our own lines go through the display rewrite', () => {
  const { engine, output } = fakeEngine();
  const appended: [string, string][] = [];
  const feed = new OutputFeed(engine, (name, text) => appended.push([name, text]), 60_000, (text) => text.replace('/ws/', ''));
  output.fire({ id: 'a', name: 'echo one', adhoc: true, instance: 0, lines: [line('one')] });
  output.fire({ id: 'b', name: 'ls /ws/x', adhoc: true, instance: 0, lines: [{ stream: 'system', text: 'Started: ls /ws/x', at: 0 }, line('/ws/x')] });
  feed.flush();
  assert.equal(appended.length, 1);
  assert.equal(appended[0][0], 'Command lines');
  assert.match(appended[0][1], /^one\n\[.+\] Started: ls x\n\/ws\/x\n$/);
  feed.dispose();
});

test('a change of timestamps applies to the lines flushed after it', () => {
  const { engine, output } = fakeEngine();
  const appended: string[] = [];
  const feed = new OutputFeed(engine, (_name, text) => appended.push(text), 60_000);
  const at = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
  output.fire({ id: 'a', name: 'job', instance: 1, lines: [{ stream: 'stdout', text: 'before', at }] });
  feed.flush();
  feed.timestamps = 'iso';
  output.fire({ id: 'a', name: 'job', instance: 1, lines: [{ stream: 'stdout', text: 'after', at }] });
  feed.flush();
  assert.deepEqual(appended, ['before\n', '2024-01-02T03:04:05.006Z after\n']);
  feed.dispose();
});
