import type { Socket } from 'node:net';

/** Longer than any message but a welcome with its replays: a peer that sends more is not ours. */
const MAX_LINE_BYTES = 256 * 1024 * 1024;

/**
 * Messages as JSON, one per line, over a socket (the helper's session socket). A line that is not
 * JSON, or too long, ends the connection.
 */
export function onJsonLines(socket: Socket, listener: (message: unknown) => void): void {
  let pending: Buffer[] = [];
  let size = 0;
  socket.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, start)) {
      pending.push(chunk.subarray(start, end));
      const line = Buffer.concat(pending).toString('utf8');
      pending = [];
      size = 0;
      start = end + 1;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        return void socket.destroy();
      }
      listener(message);
      if (socket.destroyed) return;
    }
    pending.push(chunk.subarray(start));
    size += chunk.length - start;
    if (size > MAX_LINE_BYTES) socket.destroy();
  });
}

export function writeJson(socket: Socket, message: unknown): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
}
