import type { IngestCap } from '../../platform/ingestCap';
import { LineSplitter, MAX_LINE_LENGTH } from '../../platform/lineSplitter';
import type { OutputLine, OutputStream } from '../../platform/outputRing';
import { redact } from '../../platform/redact';

/** How long to wait for the pipes to drain after the whole group is gone. */
const DRAIN_MS = 250;

/**
 * Reads a process's stream as lines, with `secrets` masked, handing each batch to `deliver`
 * (`onChunk` on every chunk, whole line or not); resolves when the stream ends.
 */
export function pipeLines(
  stream: NodeJS.ReadableStream,
  secrets: string[],
  cap: IngestCap | undefined,
  onChunk: () => void,
  deliver: (texts: string[]) => void,
): Promise<void> {
  // Secrets are masked before a long line is cut: a cut through one would show both its halves.
  const splitter = new LineSplitter(MAX_LINE_LENGTH, secrets.length === 0 ? undefined : { mask: (text) => redact(text, secrets), overlap: secrets[0].length });
  stream.on('data', (chunk: Buffer) => {
    onChunk();
    cap?.take(stream, chunk.length);
    deliver(splitter.push(chunk));
  });
  return new Promise((resolve) => {
    const end = () => {
      deliver(splitter.end());
      resolve();
    };
    stream.once('end', end);
    stream.once('close', end);
    stream.once('error', end);
  });
}

/** Output lines of one stream, stamped `at`, with `secrets` masked. */
export function toOutputLines(texts: string[], kind: OutputStream, secrets: string[], at: number): OutputLine[] {
  const lines: OutputLine[] = new Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    lines[i] = { stream: kind, text: secrets.length === 0 ? texts[i] : redact(texts[i], secrets), at };
  }
  return lines;
}

/**
 * Waits for the output to end, but not for a stranger that kept the pipe open: gives up once
 * no data came for DRAIN_MS. A capped run may still be reading a backlog after the exit.
 */
export async function drain(streamsClosed: Promise<void>[], lastChunkAt: () => number): Promise<void> {
  let closed = false;
  const all = Promise.all(streamsClosed).then(() => (closed = true));
  do {
    await Promise.race([all, new Promise((r) => setTimeout(r, DRAIN_MS))]);
  } while (!closed && performance.now() - lastChunkAt() < DRAIN_MS);
}
