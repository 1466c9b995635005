import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { RETRY_AFTER_MS, RotatingLogFile, rotatedPath } from '../../../src/platform/logFile';

function tempDir(t: { after(fn: () => unknown): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-logs-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const numbered = (i: number) => `line ${String(i).padStart(6, '0')}\n`;

/** The numbers of every line in the file set, oldest file first. */
function numbersIn(file: string, maxFiles: number): number[] {
  const numbers: number[] = [];
  for (let i = maxFiles - 1; i >= 0; i--) {
    const part = rotatedPath(file, i);
    if (!fs.existsSync(part)) continue;
    for (const row of fs.readFileSync(part, 'utf8').split('\n')) if (row !== '') numbers.push(Number(row.slice(5)));
  }
  return numbers;
}

test('rotated files are named NAME.N.log', () => {
  assert.equal(rotatedPath('/d/web.log', 0), '/d/web.log');
  assert.equal(rotatedPath('/d/web.log', 2), '/d/web.2.log');
});

test('lines written one by one reach the file in order, created 0600 in a folder made for it', async (t) => {
  const file = path.join(tempDir(t), 'made', 'for', 'it', 'job.log');
  const log = new RotatingLogFile({ file, maxBytes: 10 * 1024 * 1024, maxFiles: 3 });
  let expected = '';
  for (let i = 0; i < 20_000; i++) {
    log.write(numbered(i));
    expected += numbered(i);
  }
  await log.close();
  assert.equal(fs.readFileSync(file, 'utf8'), expected);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  log.write('after close\n');
  await log.flush();
  assert.equal(fs.readFileSync(file, 'utf8'), expected);
});

test('rotation keeps each file within maxBytes and at most maxFiles files, the newest lines in order', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'web.log');
  const log = new RotatingLogFile({ file, maxBytes: 1000, maxFiles: 3 });
  for (let i = 0; i < 500; i++) log.write(i % 3 === 0 ? numbered(i) + numbered(++i) : numbered(i));
  await log.close();
  assert.deepEqual(fs.readdirSync(dir).sort(), ['web.1.log', 'web.2.log', 'web.log']);
  for (const name of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    assert.ok(text.length <= 1000, `${name} holds ${text.length} bytes`);
    assert.ok(text.endsWith('\n'), `${name} ends in a whole line`);
  }
  const numbers = numbersIn(file, 3);
  assert.equal(numbers[numbers.length - 1], 499);
  assert.ok(numbers.length > 150, `only ${numbers.length} lines kept`);
  numbers.forEach((n, k) => k > 0 && assert.equal(n, numbers[k - 1] + 1));
});

test('maxFiles 1 keeps the current file only; files left by a larger maxFiles are deleted at rotation', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'db.log');
  for (const stale of ['db.1.log', 'db.2.log', 'db.7.log']) fs.writeFileSync(path.join(dir, stale), 'old\n');
  const log = new RotatingLogFile({ file, maxBytes: 200, maxFiles: 1 });
  for (let i = 0; i < 100; i++) log.write(numbered(i));
  await log.close();
  // db.7.log is not next to the others: it is left (only a contiguous run past maxFiles is swept).
  assert.deepEqual(fs.readdirSync(dir).sort(), ['db.7.log', 'db.log']);
  assert.ok(fs.statSync(file).size <= 200);
  assert.equal(numbersIn(file, 1).at(-1), 99);
});

test('a file already over its size is rotated before the first write', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'api.log');
  fs.writeFileSync(file, 'x'.repeat(600) + '\n');
  const log = new RotatingLogFile({ file, maxBytes: 500, maxFiles: 2 });
  log.write('fresh\n');
  await log.close();
  assert.equal(fs.readFileSync(file, 'utf8'), 'fresh\n');
  assert.equal(fs.readFileSync(rotatedPath(file, 1), 'utf8').length, 601);
});

test('a symlink in the file\'s place is not followed: one error, the target untouched', async (t) => {
  const dir = tempDir(t);
  const target = path.join(dir, 'target.txt');
  fs.writeFileSync(target, 'precious\n');
  const file = path.join(dir, 'evil.log');
  fs.symlinkSync(target, file);
  const errors: NodeJS.ErrnoException[] = [];
  const log = new RotatingLogFile({ file, maxBytes: 1000, maxFiles: 2, onError: (err) => errors.push(err) });
  for (let i = 0; i < 50; i++) log.write(numbered(i));
  await log.close();
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'ELOOP');
  assert.equal(fs.readFileSync(target, 'utf8'), 'precious\n');
  assert.ok(fs.lstatSync(file).isSymbolicLink());
});

test('a file that cannot be written is reported once; after the retry delay it is written again, with a note of the gap', async (t) => {
  const dir = tempDir(t);
  // A file where the folder should be: the folder cannot be made.
  const blocker = path.join(dir, 'logs');
  fs.writeFileSync(blocker, '');
  const file = path.join(blocker, 'job.log');
  let now = 1_000;
  const errors: NodeJS.ErrnoException[] = [];
  const log = new RotatingLogFile({ file, maxBytes: 1000, maxFiles: 2, onError: (err) => errors.push(err), now: () => now });
  log.write(numbered(0));
  await log.flush();
  for (let i = 1; i < 10; i++) log.write(numbered(i));
  await log.flush();
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'EEXIST');
  assert.equal(log.pending, 0);
  fs.rmSync(blocker);
  now += RETRY_AFTER_MS;
  log.write(numbered(10));
  await log.close();
  assert.equal(fs.readFileSync(file, 'utf8'), `[... some output is missing here: it could not be written to this file ...]\n${numbered(10)}`);
});

test('when the disk falls behind it asks to hold back, and lets go once the queue drained', async (t) => {
  const file = path.join(tempDir(t), 'flood.log');
  const pressure: boolean[] = [];
  const log = new RotatingLogFile({ file, maxBytes: 1 << 30, maxFiles: 1, highWaterBytes: 10_000, lowWaterBytes: 1_000, onPressure: (held) => pressure.push(held) });
  for (let i = 0; i < 5_000; i++) log.write(numbered(i));
  assert.deepEqual(pressure, [true]);
  await log.flush();
  assert.deepEqual(pressure, [true, false]);
  assert.equal(numbersIn(file, 1).length, 5_000);
  await log.close();
});

test('the write path makes no synchronous file system call', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'sub', 'async.log');
  const calls: string[] = [];
  // The module object itself, as every caller sees it (not the bundle's copy of its exports).
  const mutableFs = createRequire(__filename)('node:fs') as Record<string, unknown>;
  const originals = new Map<string, unknown>();
  for (const name of Object.keys(mutableFs).filter((n) => n.endsWith('Sync') && typeof mutableFs[n] === 'function')) {
    const original = mutableFs[name] as (...args: unknown[]) => unknown;
    originals.set(name, original);
    mutableFs[name] = (...args: unknown[]) => {
      calls.push(name);
      return original(...args);
    };
  }
  try {
    // The watch sees calls made through an import of the module, as the code under test makes them.
    fs.statSync(dir);
    assert.deepEqual(calls.splice(0), ['statSync']);
    const log = new RotatingLogFile({ file, maxBytes: 2000, maxFiles: 3 });
    for (let i = 0; i < 2000; i++) log.write(numbered(i));
    await log.close();
  } finally {
    for (const [name, original] of originals) mutableFs[name] = original;
  }
  assert.deepEqual(calls, []);
  assert.equal(numbersIn(file, 3).at(-1), 1999);
});

test('a second writer of the same file starts after the first finished its queue', async (t) => {
  const file = path.join(tempDir(t), 'again.log');
  const first = new RotatingLogFile({ file, maxBytes: 1 << 24, maxFiles: 2 });
  // More than one batch: the first writer is still writing when the second gets its lines.
  for (let i = 0; i < 300_000; i++) first.write(numbered(i));
  const closed = first.close();
  const second = new RotatingLogFile({ file, maxBytes: 1 << 24, maxFiles: 2, after: closed });
  for (let i = 300_000; i < 301_000; i++) second.write(numbered(i));
  await second.close();
  const numbers = numbersIn(file, 2);
  assert.equal(numbers.length, 301_000);
  numbers.forEach((n, k) => assert.equal(n, k));
});

test('many-byte characters and rotation mid-batch: every line whole, in order, each file within its size', async (t) => {
  const file = path.join(tempDir(t), 'utf8.log');
  const maxBytes = 4096;
  const log = new RotatingLogFile({ file, maxBytes, maxFiles: 200 });
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(`${String(i).padStart(5, '0')} ${'€ü✓'.repeat(i % 7)}😀\n`);
  // Writes of several lines, so a batch is cut at the rotation mid-write and its rest waits for the next file.
  for (let i = 0; i < lines.length; i += 5) log.write(lines.slice(i, i + 5).join(''));
  await log.close();
  let all = '';
  for (let i = 199; i >= 0; i--) {
    const part = rotatedPath(file, i);
    if (!fs.existsSync(part)) continue;
    const bytes = fs.readFileSync(part);
    assert.ok(bytes.length <= maxBytes, `${part}: ${bytes.length} bytes`);
    assert.equal(bytes[bytes.length - 1], 0x0a, `${part} ends with a whole line`);
    all += bytes.toString('utf8');
  }
  assert.equal(all, lines.join(''));
});
