import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileQuery, countText, escapeHtml, FilterIndex, matchRanges, rowHtml, type Filters } from '../../../media/logs/filter';
import { LogLines, STDERR, STDOUT, SYSTEM, type LogLine } from '../../../src/shared/logLines';
import type { LogSource } from '../../../src/shared/logsProtocol';

const sources = new Map<number, LogSource>([
  [0, { key: 0, runId: 'w', name: 'web', label: 'web', color: 0 }],
  [1, { key: 1, runId: 'd', name: 'db', label: 'db', color: 1 }],
]);
const l = (at: number, text: string, src = 0, stream = STDOUT): LogLine => ({ at, src, stream, text });
const none: Filters = { hidden: new Set(), stderrOnly: false, pattern: null };

function visible(index: FilterIndex, lines: LogLines): string[] {
  const out: string[] = [];
  for (let i = 0; i < index.count; i++) out.push(lines.line(index.at(i)).text);
  return out;
}

function fixture(): LogLines {
  const lines = new LogLines({ maxLines: 100, maxChars: 1e6 });
  lines.insert([l(1, 'GET /api 200'), l(2, 'connected', 1), l(3, 'Error: boom', 0, STDERR), l(4, 'slow query 1200ms', 1, STDERR), l(5, 'get /health 200')]);
  return lines;
}

test('search by text (case-insensitive unless asked), by regex, by stderr and by process', () => {
  const lines = fixture();
  const index = new FilterIndex(none, sources);
  const pattern = (text: string, regex = false, caseSensitive = false) => {
    const c = compileQuery({ text, regex, caseSensitive });
    assert.ok(c.ok);
    return c.pattern;
  };
  index.rebuild(lines);
  assert.equal(index.count, 5);
  index.rebuild(lines, { ...none, pattern: pattern('get') });
  assert.deepEqual(visible(index, lines), ['GET /api 200', 'get /health 200']);
  index.rebuild(lines, { ...none, pattern: pattern('get', false, true) });
  assert.deepEqual(visible(index, lines), ['get /health 200']);
  index.rebuild(lines, { ...none, pattern: pattern('\\d{4}ms', true) });
  assert.deepEqual(visible(index, lines), ['slow query 1200ms']);
  index.rebuild(lines, { ...none, pattern: pattern('/api (', false) });
  assert.deepEqual(visible(index, lines), [], 'regex characters are literal without the regex toggle');
  index.rebuild(lines, { ...none, stderrOnly: true });
  assert.deepEqual(visible(index, lines), ['Error: boom', 'slow query 1200ms']);
  index.rebuild(lines, { ...none, hidden: new Set(['web']) });
  assert.deepEqual(visible(index, lines), ['connected', 'slow query 1200ms']);
  index.rebuild(lines, { hidden: new Set(['db']), stderrOnly: true, pattern: pattern('boom') });
  assert.deepEqual(visible(index, lines), ['Error: boom']);
});

test('an invalid regex is a message, never an exception', () => {
  const c = compileQuery({ text: '(unclosed', regex: true, caseSensitive: false });
  assert.equal(c.ok, false);
  if (!c.ok) assert.match(c.error, /unterminated group/i);
  assert.deepEqual(compileQuery({ text: '', regex: true, caseSensitive: false }), { ok: true, pattern: null });
});

test('the index follows inserts (late lines too) and the oldest dropping, reporting what left the top', () => {
  const lines = new LogLines({ maxLines: 4, maxChars: 1e6 });
  const index = new FilterIndex({ ...none, stderrOnly: true }, sources);
  lines.insert([l(1, 'e1', 0, STDERR), l(2, 'o1'), l(3, 'e2', 0, STDERR)]);
  index.rebuild(lines);
  assert.deepEqual(visible(index, lines), ['e1', 'e2']);
  let gone = index.update(lines, lines.insert([l(2.5, 'late', 1, STDERR)]));
  assert.equal(gone, 0);
  assert.deepEqual(visible(index, lines), ['e1', 'late', 'e2']);
  gone = index.update(lines, lines.insert([l(4, 'e3', 0, STDERR), l(5, 'o2')]));
  assert.deepEqual(visible(index, lines), ['late', 'e2', 'e3']);
  assert.equal(gone, 1);
  const all = new FilterIndex(none, sources);
  all.rebuild(lines);
  gone = all.update(lines, lines.insert([l(6, 'o3')]));
  assert.equal(gone, 1);
  assert.deepEqual(visible(all, lines), ['e2', 'e3', 'o2', 'o3']);
});

test('matches are highlighted left to right, bounded, and empty matches do not loop', () => {
  const c = compileQuery({ text: 'a', regex: false, caseSensitive: false });
  assert.ok(c.ok);
  assert.deepEqual(matchRanges('banana', c.pattern), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(matchRanges('a'.repeat(10_000), c.pattern).length, 200);
  const star = compileQuery({ text: 'x*', regex: true, caseSensitive: false });
  assert.ok(star.ok);
  assert.deepEqual(matchRanges('abxxc😀', star.pattern), [[2, 4]]);
});

test('a hostile line is shown as text: markup is escaped, attributes cannot be broken out of', () => {
  assert.equal(escapeHtml(`<script>alert("x")</script></div>&'`), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;/div&gt;&amp;&#39;');
  const evil: LogSource = { key: 7, runId: 'r', name: '"><img src=x onerror=alert(1)>', label: '"><img src=x onerror=alert(1)>', color: 9 };
  const text = `</div><script>alert(1)</script>${'x'.repeat(65_536)}`;
  const html = rowHtml({ ts: '<b>', source: evil, stream: STDERR, text, ranges: [[2, 5]], paletteSize: 8 });
  assert.ok(!html.includes('<script>'));
  assert.ok(!html.includes('<img'));
  assert.ok(!html.includes('<b>'));
  assert.ok(html.startsWith('<div class="row stderr"><span class="ts">&lt;b&gt;</span><span class="name c1" data-src="7"'));
  assert.ok(html.includes('&lt;/<mark>div</mark>&gt;'));
  assert.ok(html.length > 65_536, 'the whole 64 KB line is there');
  assert.ok(rowHtml({ ts: '', source: undefined, stream: SYSTEM, text: 'x', ranges: [], paletteSize: 8 }).startsWith('<div class="row system">'));
});

test('counts read "12,345 lines, 87 match"', () => {
  assert.equal(countText(12_345, 87), '12,345 lines, 87 match');
  assert.equal(countText(1, undefined), '1 line');
  assert.equal(countText(2, 1), '2 lines, 1 matches');
});
