import * as fs from 'node:fs/promises';
import { constants } from 'node:fs';
import { createHash } from 'node:crypto';
import type { LineBatch } from './lineBatch';
import type { OutputLine, OutputStream } from './outputRing';

/** How each stream is marked in a log file, after the line's time. */
const MARKS: Record<OutputStream, string> = { stdout: 'out', stderr: 'err', system: 'sys' };
const STREAMS: Record<string, OutputStream> = { out: 'stdout', err: 'stderr', sys: 'system' };
const LOG_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (out|err|sys) (.*)$/;

/** The longest file name made from a definition's name, before `.N.log`; a longer one is cut and hashed. */
const MAX_NAME_LENGTH = 120;
// Windows refuses these as names with any extension; the files may be read there from a shared folder.
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

// Lines of one read share their time: the stamp is made once for them.
let lastAt = NaN;
let lastStamp = '';

/**
 * Lines as a log file holds them: `2024-05-01T09:30:00.123Z out [#1] text`, one per line, each
 * ending in a newline; `prefix` (a replica's instance) goes before the text.
 */
export function formatLogLines(lines: readonly OutputLine[], prefix = ''): string {
  let text = '';
  let head = '';
  let headAt = NaN;
  let headStream: OutputStream | undefined;
  for (const line of lines) {
    // What goes before the text is the same for the lines of one read: made once for them.
    if (line.at !== headAt || line.stream !== headStream) {
      headAt = line.at;
      headStream = line.stream;
      head = headOf(line.at, line.stream, prefix);
    }
    text += head + line.text + '\n';
  }
  return text;
}

/** Like formatLogLines, for a batch: the lines of one read share their head, so it is joined in once. */
export function formatLogBatch(batch: LineBatch, prefix = ''): string {
  if (batch.length === 0) return '';
  if (batch.stream === undefined || !batch.uniform) return formatLogLines(batch.toArray(), prefix);
  return joinedToHead(batch.allTexts(), headOf(batch.at, batch.stream, prefix));
}

/** What goes before a line's text: its time, its stream's mark and the prefix. */
function headOf(at: number, stream: OutputStream, prefix: string): string {
  // Joined, not a template: a batch's join repeats the head once per line, and a flat one costs it less.
  return [stampOf(at), MARKS[stream], prefix].join(' ');
}

/**
 * Each text after the head, each ending in a newline, as one flat string: the first and last
 * texts take the head and the end into the join. Text built by joining each line to its head in
 * turn, or a join with the head and end added around it, is a tree of strings that waits for the
 * disk at up to twice its size and is copied flat before it is encoded.
 */
function joinedToHead(texts: readonly string[], head: string): string {
  const parts = texts.slice();
  parts[0] = head + parts[0];
  parts[parts.length - 1] += '\n';
  return parts.join(`\n${head}`);
}

function stampOf(at: number): string {
  if (at !== lastAt) {
    lastAt = at;
    lastStamp = new Date(Number.isFinite(at) ? at : 0).toISOString();
  }
  return lastStamp;
}

/** A line of a log file as output again; a line we did not write that way (a note) is our own. */
export function parseLogLine(text: string, fallbackAt: number): OutputLine {
  const match = LOG_LINE.exec(text);
  if (!match) return { stream: 'system', text, at: fallbackAt };
  return { stream: STREAMS[match[2]], text: match[3], at: Date.parse(match[1]) };
}

/**
 * A definition's name as a file name: characters unsafe in a file name become `_`, as do a
 * leading dot (no hidden file, no `..`) and a dot before trailing digits (`web.1` would read as
 * a rotation of `web`); a reserved device name gets a `_` before it, and a very long name is cut
 * and given a short hash of the whole so that two long names stay apart.
 */
export function safeFileName(name: string): string {
  let safe = name.replace(/[/\\:*?"<>|\x00-\x1f\x7f]/g, '_').replace(/^\./, '_').replace(/\.(\d+)$/, '_$1').replace(/[. ]$/, '_');
  if (safe === '') safe = '_';
  if (RESERVED.test(safe)) safe = `_${safe}`;
  if (safe.length > MAX_NAME_LENGTH) {
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
    safe = `${safe.slice(0, MAX_NAME_LENGTH - 9)}-${hash}`;
  }
  return safe;
}

/**
 * The last whole lines of a log file, at most `maxBytes` of it, oldest first; none when there
 * is no such file. A symlink in its place is not followed.
 */
export async function readLogTail(file: string, maxBytes: number, maxLines: number): Promise<OutputLine[]> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return [];
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size === 0) return [];
    const start = Math.max(0, stat.size - maxBytes);
    const buffer = Buffer.alloc(stat.size - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    let text = buffer.subarray(0, bytesRead).toString('utf8');
    // Reading from the middle starts in the middle of a line: drop that part.
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    const rows = text.split('\n');
    if (rows[rows.length - 1] === '') rows.pop();
    const at = stat.mtimeMs;
    return rows.slice(-maxLines).map((row) => parseLogLine(row, at));
  } finally {
    await handle.close();
  }
}

/**
 * An adopted run's earlier output, read back from its log file: the lines written before
 * `since` (a window's own lines come after it), between two lines that say where they are from;
 * none when the file has none.
 */
export async function readEarlierOutput(file: string, since: number, maxBytes: number, maxLines: number, now = Date.now()): Promise<OutputLine[]> {
  const earlier = (await readLogTail(file, maxBytes, maxLines)).filter((l) => l.at < since);
  if (earlier.length === 0) return [];
  const note = (text: string): OutputLine => ({ stream: 'system', text, at: now });
  return [note(`Its earlier output, from the log file ${file}:`), ...earlier, note('End of the earlier output.')];
}
