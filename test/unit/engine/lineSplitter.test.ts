import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter, stripAnsi } from '../../../src/engine/lineSplitter';

test('joins partial lines across chunks and handles CRLF', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(Buffer.from('hel')), []);
  assert.deepEqual(s.push(Buffer.from('lo\r\nwor')), ['hello']);
  assert.deepEqual(s.push(Buffer.from('ld\n\n')), ['world', '']);
  assert.deepEqual(s.end(), []);
});

test('a CRLF split between chunks still ends one line', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('a\r'), []);
  assert.deepEqual(s.push('\nb\n'), ['a', 'b']);
});

test('a multi-byte character split between chunks is decoded whole', () => {
  const s = new LineSplitter();
  const bytes = Buffer.from('é€\n');
  assert.deepEqual(s.push(bytes.subarray(0, 1)), []);
  assert.deepEqual(s.push(bytes.subarray(1, 3)), []);
  assert.deepEqual(s.push(bytes.subarray(3)), ['é€']);
});

test('invalid UTF-8 becomes replacement characters, never an error', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(Buffer.from([0xc3, 0x28, 0x0a])), ['\uFFFD(']);
});

test('carriage-return progress keeps only the last state', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('10%\r20%\r100%\r\n'), ['100%']);
  assert.deepEqual(s.push('done\r\r\n'), ['done']);
});

test('ANSI colours and OSC titles are removed', () => {
  assert.equal(stripAnsi('\u001b[1;32mok\u001b[0m \u001b]0;title\u0007x'), 'ok x');
  assert.equal(stripAnsi('plain'), 'plain');
});

test('a line that never ends is cut into bounded pieces', () => {
  const s = new LineSplitter(10);
  assert.deepEqual(s.push('a'.repeat(25)), ['a'.repeat(10), 'a'.repeat(10)]);
  assert.deepEqual(s.end(), ['aaaaa']);
  assert.deepEqual(new LineSplitter(4).push('abcdefghij\n'), ['abcd', 'efgh', 'ij']);
});

test('the last line without a newline comes out at the end', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('tail'), []);
  assert.deepEqual(s.end(), ['tail']);
});
