import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AfterReturn } from '../../../src/core/afterReturn';

test('the steps run in order once the caller has returned, and done settles after the last', async () => {
  const log: string[] = [];
  const later = new AfterReturn();
  later.add(() => void log.push('first'));
  later.add(() => void log.push('second'));
  log.push('returned');
  await Promise.resolve();
  assert.deepEqual(log, ['returned'], 'not even in a microtask of the caller');
  await later.done;
  assert.deepEqual(log, ['returned', 'first', 'second']);
});

test('what the steps made is released with it, newest first', async () => {
  const log: string[] = [];
  const later = new AfterReturn();
  later.add(() => ({ dispose: () => log.push('a') }));
  later.add(() => undefined);
  later.add(() => ({ dispose: () => log.push('b') }));
  await later.done;
  later.dispose();
  later.dispose();
  assert.deepEqual(log, ['b', 'a']);
});

test('a throwing step does not keep the others from running; done rejects with its error', async () => {
  const log: string[] = [];
  const later = new AfterReturn();
  const boom = new Error('boom');
  later.add(() => {
    throw boom;
  });
  later.add(() => void log.push('after'));
  await assert.rejects(later.done, (err) => err === boom);
  assert.deepEqual(log, ['after']);
});

test('disposed before its turn, it runs nothing and done still settles', async () => {
  const log: string[] = [];
  const later = new AfterReturn();
  later.add(() => void log.push('never'));
  later.dispose();
  await later.done;
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, []);
});
