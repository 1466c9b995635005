import * as fs from 'node:fs/promises';

export interface DotenvResult {
  vars: Record<string, string>;
  /** One sentence per line that could not be read, with its line number. */
  errors: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function unquote(value: string, lineNo: number, errors: string[]): string {
  const quote = value[0];
  if (quote !== '"' && quote !== "'") {
    const hash = value.search(/\s#/);
    return (hash >= 0 ? value.slice(0, hash) : value).trim();
  }
  const close = value.indexOf(quote, 1);
  if (close < 0) {
    errors.push(`line ${lineNo}: the ${quote === '"' ? 'double' : 'single'} quote is not closed.`);
    return value.slice(1);
  }
  const inner = value.slice(1, close);
  return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"') : inner;
}

/** Reads a dotenv file: `NAME=value`, optional `export `, `#` comments, single or double quotes. */
export function parseDotenv(text: string): DotenvResult {
  const vars: Record<string, string> = {};
  const errors: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const body = line.startsWith('export ') ? line.slice(7).trimStart() : line;
    const eq = body.indexOf('=');
    if (eq <= 0) {
      errors.push(`line ${i + 1}: expected NAME=value.`);
      return;
    }
    const name = body.slice(0, eq).trim();
    if (!NAME.test(name)) {
      errors.push(`line ${i + 1}: "${name}" is not a valid variable name.`);
      return;
    }
    vars[name] = unquote(body.slice(eq + 1).trim(), i + 1, errors);
  });
  return { vars, errors };
}

/** An env file larger than this is refused: it is a mistake (a log, a dump), and reading it would take the editor's memory. */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

export type EnvFileRead = { vars: Record<string, string> } | { problem: string };

/**
 * Reads and parses an env file without blocking the event loop and without reading past the cap.
 * A failure comes back as `problem`, a phrase that follows the file's path in a message.
 */
export async function readEnvFile(file: string): Promise<EnvFileRead> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    return { problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { problem: 'is not a file' };
    if (stat.size > MAX_ENV_FILE_BYTES) return { problem: tooBig(stat.size) };
    // One byte more than the cap tells a file that grew since the stat.
    const buffer = Buffer.alloc(MAX_ENV_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_ENV_FILE_BYTES) return { problem: tooBig(bytesRead) };
    return parseEnvBytes(buffer.subarray(0, bytesRead));
  } catch (err) {
    return { problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function tooBig(bytes: number): string {
  return `is too big (${(bytes / 1024 / 1024).toFixed(1)} MB; at most 1 MB)`;
}

/** A file of prose would list every line: the first few say enough. */
const ERRORS_SHOWN = 3;

function parseEnvBytes(bytes: Buffer): EnvFileRead {
  if (bytes.includes(0)) return { problem: 'is not a text file (it contains NUL bytes)' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: 'is not a text file (it is not UTF-8)' };
  }
  const { vars, errors } = parseDotenv(text);
  if (errors.length === 0) return { vars };
  const shown = errors.slice(0, ERRORS_SHOWN).join(' ').replace(/\.$/, '');
  const more = errors.length > ERRORS_SHOWN ? ` (and ${errors.length - ERRORS_SHOWN} more)` : '';
  return { problem: `has lines that are not NAME=value: ${shown}${more}` };
}
