import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Disposable } from '../../core/events';
import type { ProcessTable } from '../procfs';
import { processTable } from '../processes';
import { privateSocketDir } from '../privateDir';
import type { LaunchStreams } from './launchStreams';
import { MAX_HEADER_BYTES, parseStdioHeader } from './protocol';

export { OWNER_FILE, removeStaleSocketDirs } from '../privateDir';

const DIR_PREFIX = 'dpm-launcher-';

/** A fresh directory only we can reach (0700), its owner recorded so a later host can remove it once we are gone. */
export function privateDir(table: ProcessTable): string {
  return privateSocketDir(DIR_PREFIX, table);
}

/**
 * The host's end of the children's stdio: a Unix socket server in a private directory. The
 * helper connects once per stream, names it in a header line, and hands the socket to the child.
 */
export class StdioServer implements Disposable {
  readonly token = randomBytes(16).toString('hex');
  readonly socketPath: string;
  /** Set if the server could not listen; launches then fail with it. */
  error: Error | undefined;
  private readonly dir: string;
  private readonly server: net.Server;
  private readonly waiting = new Map<number, LaunchStreams>();

  constructor(table: ProcessTable = processTable) {
    this.dir = privateDir(table);
    this.socketPath = path.join(this.dir, 's');
    // Half-open allowed: a socket is destroyed at EOF without a shutdown() first (launchStreams.ts).
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server.on('error', (err) => (this.error = err));
    this.server.listen(this.socketPath);
    // A host that exits without disposing still leaves no socket behind in the temp directory.
    process.once('exit', this.removeDir);
  }

  /** Streams of a launch whose sockets are on their way. */
  expect(id: number, streams: LaunchStreams): void {
    this.waiting.set(id, streams);
  }

  /** The launch failed: its sockets will not come, or are not wanted. */
  forget(id: number): void {
    this.waiting.get(id)?.abandon();
    this.waiting.delete(id);
  }

  dispose(): void {
    for (const id of [...this.waiting.keys()]) this.forget(id);
    this.server.close();
    process.off('exit', this.removeDir);
    this.removeDir();
  }

  private readonly removeDir = () => fs.rmSync(this.dir, { recursive: true, force: true });

  private accept(socket: net.Socket): void {
    socket.on('error', () => undefined);
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf(0x0a);
      if (end < 0) {
        if (head.length > MAX_HEADER_BYTES) socket.destroy();
        return;
      }
      socket.off('data', onData);
      socket.pause();
      const header = parseStdioHeader(head.toString('latin1', 0, end), this.token);
      const streams = header && this.waiting.get(header.id);
      if (!header || !streams) return void socket.destroy();
      // The child's first bytes may have come in the same read as the header.
      if (end + 1 < head.length) socket.unshift(head.subarray(end + 1));
      if (streams.attach(header.index, socket)) this.waiting.delete(header.id);
    };
    socket.on('data', onData);
  }
}
