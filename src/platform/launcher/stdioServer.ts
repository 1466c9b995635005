import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Disposable } from '../../core/events';
import { isGone, type ProcessTable } from '../procfs';
import { processTable } from '../processes';
import type { LaunchStreams } from './launchStreams';
import { MAX_HEADER_BYTES, parseStdioHeader } from './protocol';

/** Linux allows 107 bytes in a socket path; a long TMPDIR falls back to /tmp. */
const MAX_SOCKET_PATH = 100;
const DIR_PREFIX = 'dpm-launcher-';
/** In each socket directory: "PID STARTTIME" of the host that made it, so a later one can tell it is dead. */
export const OWNER_FILE = 'owner';

/** A fresh directory only we can reach (0700), its owner recorded so a later host can remove it once we are gone. */
export function privateDir(table: ProcessTable): string {
  const wanted = path.join(os.tmpdir(), DIR_PREFIX);
  const base = wanted.length + 10 <= MAX_SOCKET_PATH ? wanted : path.join('/tmp', DIR_PREFIX);
  removeStaleSocketDirs(path.dirname(base), table);
  // mkdtemp makes the directory 0700: no other user can reach the socket.
  const dir = fs.mkdtempSync(base);
  const me = table.stat(process.pid);
  if (me) fs.writeFileSync(path.join(dir, OWNER_FILE), `${process.pid} ${me.startTime}\n`, { mode: 0o600, flag: 'wx' });
  return dir;
}

/** The recorded owner of a socket directory is provably gone: no such process, or its pid was reused. */
function ownerGone(dir: string, uid: number, table: ProcessTable): boolean {
  try {
    const stat = fs.lstatSync(dir);
    if (!stat.isDirectory() || stat.uid !== uid) return false;
    const owner = /^(\d+) (\d+)\n?$/.exec(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
    if (!owner) return false;
    const pid = Number(owner[1]);
    return isGone(table, pid) || table.stat(pid)?.startTime !== Number(owner[2]);
  } catch {
    // No owner recorded, or not ours to read: not provably dead.
    return false;
  }
}

/**
 * Removes the socket directories that hosts which died without cleaning up (killed, crashed) left
 * in `parent`: only our user's, and only where the recorded owner is provably gone. Returns them.
 */
export function removeStaleSocketDirs(parent: string, table: ProcessTable = processTable): string[] {
  const uid = process.getuid?.();
  // Without a process table nothing can be proved dead.
  if (uid === undefined || !table.stat(process.pid)) return [];
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = path.join(parent, name);
    if (!name.startsWith(DIR_PREFIX) || !ownerGone(dir, uid, table)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
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
