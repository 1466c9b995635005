import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatLogLines, parseLogLine, readEarlierOutput, readLogTail, safeFileName } from '../../../src/platform/logLines';
import type { OutputLine } from '../../../src/platform/outputRing';

test('each line carries its ISO time and its stream, a replica its prefix; they read back as they were', () => {
  const at = Date.UTC(2024, 4, 1, 9, 30, 0, 123);
  const lines: OutputLine[] = [
    { stream: 'stdout', text: 'listening on 3000', at },
    { stream: 'stderr', text: 'warn: deprecated', at },
    { stream: 'system', text: 'Started: node server.js (pid 42)', at: at + 1 },
  ];
  const text = formatLogLines(lines, '[#1] ');
  assert.equal(
    text,
    '2024-05-01T09:30:00.123Z out [#1] listening on 3000\n2024-05-01T09:30:00.123Z err [#1] warn: deprecated\n2024-05-01T09:30:00.124Z sys [#1] Started: node server.js (pid 42)\n',
  );
  assert.deepEqual(formatLogLines(lines).trimEnd().split('\n').map((row) => parseLogLine(row, 0)), lines);
  assert.deepEqual(parseLogLine('[... a note ...]', 7), { stream: 'system', text: '[... a note ...]', at: 7 });
});

test('names become safe file names', () => {
  const cases: [string, string][] = [
    ['web', 'web'],
    ['api server', 'api server'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a_b_c_d_e_f_g_h_i_j'],
    ['..', '__'],
    ['../../etc/passwd', '_._.._etc_passwd'],
    ['.hidden', '_hidden'],
    ['web.1', 'web_1'],
    ['v1.2', 'v1_2'],
    ['trailing.', 'trailing_'],
    ['tab\there\nnl', 'tab_here_nl'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['com1', '_com1'],
    ['console', 'console'],
  ];
  for (const [name, safe] of cases) assert.equal(safeFileName(name), safe, name);
  const long = safeFileName('x'.repeat(300));
  assert.ok(long.length <= 120);
  assert.notEqual(long, safeFileName(`${'x'.repeat(299)}y`));
});

test('the tail of a log file reads back its last whole lines; a missing file or a symlink gives none', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-tail-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'web.log');
  const at = Date.UTC(2024, 0, 1);
  fs.writeFileSync(file, formatLogLines(Array.from({ length: 100 }, (_, i) => ({ stream: 'stdout' as const, text: `line ${i}`, at: at + i }))));
  const tail = await readLogTail(file, 200, 1000);
  assert.ok(tail.length > 0 && tail.length < 10);
  assert.deepEqual(tail.at(-1), { stream: 'stdout', text: 'line 99', at: at + 99 });
  assert.ok(tail.every((l) => l.stream === 'stdout'), 'no half line at the start');
  assert.equal((await readLogTail(file, 1 << 20, 3)).length, 3);
  assert.deepEqual(await readLogTail(path.join(dir, 'none.log'), 200, 10), []);
  fs.symlinkSync(file, path.join(dir, 'link.log'));
  assert.deepEqual(await readLogTail(path.join(dir, 'link.log'), 200, 10), []);
});

test('an adopted run\'s earlier output: the lines before it was adopted, between two notes; none without a file', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-earlier-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'web.log');
  const since = Date.UTC(2024, 0, 1, 12);
  const before: OutputLine[] = [
    { stream: 'stdout', text: 'listening', at: since - 2000 },
    { stream: 'stderr', text: 'slow query', at: since - 1000 },
  ];
  // This window's own adoption line may reach the file first: it is not shown twice.
  fs.writeFileSync(file, formatLogLines([...before, { stream: 'system', text: 'Adopted from a previous window', at: since }]));
  const lines = await readEarlierOutput(file, since, 1 << 20, 100, since + 5);
  assert.deepEqual(lines, [
    { stream: 'system', text: `Its earlier output, from the log file ${file}:`, at: since + 5 },
    ...before,
    { stream: 'system', text: 'End of the earlier output.', at: since + 5 },
  ]);
  assert.deepEqual(await readEarlierOutput(path.join(dir, 'none.log'), since, 1 << 20, 100), []);
});
