import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputBuffer } from '../../../src/ui/outputBuffer';

test('passes lines through in order when there is room', () => {
  const b = new OutputBuffer(10, 1000);
  b.push('a');
  b.push('b');
  assert.equal(b.drain(), 'a\nb\n');
  assert.equal(b.drain(), '');
});

test('a flood keeps the newest lines and says how many were dropped', () => {
  const b = new OutputBuffer(3, 1_000_000);
  for (let i = 1; i <= 10_000; i++) b.push(`line ${i}`);
  assert.equal(b.drain(), '[... 9997 lines not shown: the output came faster than the panel takes it ...]\nline 9998\nline 9999\nline 10000\n');
});

test('the character bound holds too, but the newest line always stays', () => {
  const b = new OutputBuffer(100, 10);
  b.push('12345');
  b.push('67890');
  b.push('x'.repeat(50));
  assert.equal(b.drain(), `[... 2 lines not shown: the output came faster than the panel takes it ...]\n${'x'.repeat(50)}\n`);
});
