import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSelection, MAX_LINE_CHARS, MAX_OUTPUT_BYTES, MAX_OUTPUT_LINES, selectOutput } from '../../../src/agents/outputQuery';
import { parseOutput, ToolInputError } from '../../../src/agents/toolInput';
import type { OutputLine } from '../../../src/platform/outputRing';
import { REDACTED } from '../../../src/platform/redact';

function lines(texts: string[], at = (i: number) => 1000 + i): OutputLine[] {
  return texts.map((text, i) => ({ stream: 'stdout', text, at: at(i) }));
}
const numbered = (n: number) => lines(Array.from({ length: n }, (_, i) => `line ${i + 1}`));

test('tail keeps the last lines, numbered from 1 in the kept output', () => {
  const s = selectOutput(numbered(10), { tail: 3 });
  assert.deepEqual(s.lines.map((l) => l.n), [8, 9, 10]);
  assert.equal(formatSelection(s, false), '8: line 8\n9: line 9\n10: line 10');
  assert.equal(s.leftOut, 7);
});

test('no answer holds more than the line bound, whatever tail asks', () => {
  const s = selectOutput(numbered(MAX_OUTPUT_LINES + 500), { tail: 1e9 });
  assert.equal(s.lines.length, MAX_OUTPUT_LINES);
  assert.equal(s.lines.at(-1)!.n, MAX_OUTPUT_LINES + 500, 'the newest lines are kept');
});

test('no answer holds more than the byte bound; long lines are cut and say by how much', () => {
  const long = lines(Array.from({ length: 200 }, (_, i) => `${i} ${'é'.repeat(5000)}`));
  const s = selectOutput(long, { tail: 200 });
  const text = formatSelection(s, false);
  assert.ok(Buffer.byteLength(text) <= MAX_OUTPUT_BYTES + s.lines.length * 8, `${Buffer.byteLength(text)} bytes`);
  assert.ok(s.lines.length < 200 && s.leftOut === 200 - s.lines.length);
  assert.equal(s.lines.at(-1)!.n, 200);
  assert.match(s.lines[0].text, /… \(\d+ more characters\)$/);
  assert.ok(s.lines[0].text.length < MAX_LINE_CHARS + 40);
});

test('a search keeps each match with its context lines, marks them and the gaps', () => {
  const input = numbered(20);
  input[4].text = 'ERROR one';
  input[14].text = 'error two';
  const s = selectOutput(input, { tail: 100, search: { pattern: /error/i, context: 1 } });
  assert.equal(s.matches, 2);
  assert.equal(formatSelection(s, true), ['4- line 4', '5: ERROR one', '6- line 6', '--', '14- line 14', '15: error two', '16- line 16'].join('\n'));
});

test('overlapping contexts merge; tail counts the lines of the answer, the newest kept', () => {
  const input = numbered(10);
  input[3].text = 'hit';
  input[5].text = 'hit';
  const s = selectOutput(input, { tail: 4, search: { pattern: /hit/, context: 2 } });
  assert.deepEqual(s.lines.map((l) => l.n), [5, 6, 7, 8]);
});

test('since keeps the lines read at or after the time', () => {
  const s = selectOutput(numbered(10), { tail: 100, since: 1007 });
  assert.deepEqual(s.lines.map((l) => l.n), [8, 9, 10]);
});

test('credentials are masked in every line, stderr says so', () => {
  const input: OutputLine[] = [{ stream: 'stderr', text: 'GET http://admin:hunter22@db/x?token=abc123', at: 1 }];
  const text = formatSelection(selectOutput(input, { tail: 10 }), false);
  assert.equal(text, `1: [stderr] GET http://admin:${REDACTED}@db/x?token=${REDACTED}`);
});

test('input: defaults, plain text searched literally, and mistakes that say what is expected', () => {
  const plain = parseOutput({ name: 'web', search: 'a.b(' }, 5000);
  assert.equal(plain.query.tail, 100);
  assert.ok(plain.query.search!.pattern.test('x A.B( y'), 'literal and case-insensitive');
  assert.ok(!plain.query.search!.pattern.test('axbb'));
  assert.equal(parseOutput({ name: 'web', sinceSeconds: 2 }, 5000).query.since, 3000);
  const mistakes: [unknown, RegExp][] = [
    [{}, /"name" is required/],
    [{ name: 'web', tail: 0 }, /"tail" must be an integer from 1 to 1000/],
    [{ name: 'web', tail: 'ten' }, /"tail" must be an integer/],
    [{ name: 'web', search: '(', regex: true }, /not a valid regular expression/],
    [{ name: 'web', lines: 3 }, /Unknown field "lines"/],
    ['web', /must be an object/],
  ];
  for (const [input, message] of mistakes) assert.throws(() => parseOutput(input, 0), (err: Error) => err instanceof ToolInputError && message.test(err.message));
});
