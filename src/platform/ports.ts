import * as fs from 'node:fs';
import { lsofListeners } from './posix/lsofPorts';
import { procPids } from './procfs';
import { commandLineOf, usesPosixBackend } from './processes';
import { maskCredentials } from './redact';

/** A process listening on a TCP port. */
export interface PortHolder {
  port: number;
  pid: number;
  /** Its command line, as /proc (or ps) shows it. */
  command: string;
}

const TCP_TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];
/** The kernel's socket counters for the same tables: a read costs no walk of the connection table. */
const SOCKET_COUNTERS = ['/proc/net/sockstat', '/proc/net/sockstat6'];

/**
 * The TCP lines of the socket counters, as one text: a socket opened or closed (a listener among
 * them) changes it. Undefined where they cannot be read.
 */
export function tcpSocketCounts(files: string[] = SOCKET_COUNTERS): string | undefined {
  let counts = '';
  for (const file of files) {
    try {
      counts += fs
        .readFileSync(file, 'latin1')
        .split('\n')
        .filter((line) => line.startsWith('TCP'))
        .join('\n');
    } catch {
      return undefined;
    }
  }
  return counts;
}

/**
 * A LISTEN line of /proc/net/tcp or tcp6 (state 0A): its local port, uid and inode. Only these
 * lines are taken apart: the tables list every connection of the machine, and the monitor and
 * the readiness probes read them while services start.
 */
const LISTEN_LINE = /^ *\d+: [0-9A-F]+:([0-9A-F]{4}) [0-9A-F]+:[0-9A-F]{4} 0A \S+ \S+ \S+ +(\d+) +\d+ (\d+)/gm;

/** Every listening TCP socket, IPv4 and IPv6 (Node listens on :: by default): its inode and port. */
export function listeningSockets(tables: string[] = TCP_TABLES): Map<string, number> {
  return new Map([...listeners(tables)].map(([inode, { port }]) => [inode, port]));
}

/** Every listening TCP socket by inode: its port, and the user that owns it. */
function listeners(tables: string[]): Map<string, { port: number; uid: number }> {
  const sockets = new Map<string, { port: number; uid: number }>();
  for (const file of tables) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    for (const [, port, uid, inode] of text.matchAll(LISTEN_LINE)) sockets.set(inode, { port: Number.parseInt(port, 16), uid: Number(uid) });
  }
  return sockets;
}

/**
 * What listens on `port`, as keys for holderAmong and findPortHolder: socket inodes from
 * /proc/net/tcp and tcp6, or, on the portable backend (no /proc), the listeners' pids from lsof.
 */
export function listeningInodes(port: number, tables: string[] = TCP_TABLES): Set<string> {
  if (usesPosixBackend) return new Set([...lsofListeners(port).keys()].map(String));
  return new Set([...listeningSockets(tables)].filter(([, p]) => p === port).map(([inode]) => inode));
}

/** The socket inodes a process holds open, looking at most at `limit` of its fds (`whole` if that was all); empty when it is gone or not ours to read. */
function socketInodes(pid: number, limit = Infinity): { inodes: string[]; looked: number; whole: boolean } {
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return { inodes: [], looked: 0, whole: true };
  }
  const inodes: string[] = [];
  const looked = Math.min(fds.length, limit);
  for (let i = 0; i < looked; i++) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fds[i]}`);
    } catch {
      continue;
    }
    if (target.startsWith('socket:[')) inodes.push(target.slice(8, -1));
  }
  return { inodes, looked, whole: looked === fds.length };
}

/**
 * File descriptors one scan looks at, over every tree: reading /proc runs on the extension host's
 * thread, so a tree of hundreds of processes must not stall it. Trees are read leader first, where
 * a dev server listens.
 */
export const PORT_SCAN_FD_BUDGET = 2000;
/** Rounds a new listening socket no tree was seen holding is looked for again (its process may have joined a tree late). */
const PENDING_ROUNDS = 5;
/**
 * Reads of the tables a scan may skip in a row while the socket counters stand still: a socket
 * closed and another opened between two scans leave the counters as they were, so the tables are
 * still read now and then.
 */
const SKIPS_WHILE_UNCHANGED = 5;

/**
 * The TCP ports process trees listen on, read round after round. /proc/net/tcp{,6} is read when
 * the kernel's socket counters moved since the last read (a read of the tables walks the whole
 * connection table; the counters cost nothing), or after a few rounds without a read; the fds of
 * the trees' processes (costly: one readlink per fd) are read only when a listening socket
 * appeared that no tree is known to hold. So a quiet machine costs two small reads a round.
 */
export class PortScanner {
  /** Listening sockets each tree (by key) is known to hold. */
  private owned = new Map<string, Set<string>>();
  /** New sockets no tree held yet, with the rounds left to look for them. */
  private pending = new Map<string, number>();
  private known = new Set<string>();
  /** The processes whose fds the last look read whole. */
  private fdsRead = new Set<number>();
  /** The ports of each tree (by key) as last read, and the counters then. */
  private last: { counts: string; ports: Map<string, number[]> } | undefined;
  private skipped = 0;

  constructor(
    private readonly tables: string[] = TCP_TABLES,
    private readonly counts: () => string | undefined = tcpSocketCounts,
    /** The user this process runs as: whose new sockets a scan looks for in the trees. */
    private readonly uid = process.getuid?.(),
  ) {}

  /** One round: the ports (sorted, unique) of each tree, given as its key and its pids, leader first. */
  scan(trees: readonly { key: string; pids: readonly number[] }[]): number[][] {
    const counts = this.counts();
    const last = this.last;
    if (counts !== undefined && last?.counts === counts && this.pending.size === 0 && this.skipped < SKIPS_WHILE_UNCHANGED && trees.every((t) => last.ports.has(t.key))) {
      this.skipped++;
      return trees.map((t) => last.ports.get(t.key)!);
    }
    this.skipped = 0;
    const ports = this.read(trees);
    this.last = counts === undefined ? undefined : { counts, ports: new Map(trees.map((t, i) => [t.key, ports[i]])) };
    return ports;
  }

  private read(trees: readonly { key: string; pids: readonly number[] }[]): number[][] {
    const found = listeners(this.tables);
    const sockets = new Map([...found].map(([inode, { port }]) => [inode, port]));
    let fresh = false;
    for (const [inode, { uid }] of found) {
      // Another user's socket is not looked for: its process's fds could not be read anyway (root can read them all).
      if (this.known.has(inode) || (this.uid !== undefined && this.uid !== 0 && uid !== this.uid)) continue;
      this.pending.set(inode, PENDING_ROUNDS);
      fresh = true;
    }
    this.known = new Set(sockets.keys());
    for (const inode of this.pending.keys()) if (!sockets.has(inode)) this.pending.delete(inode);
    const owned = new Map<string, Set<string>>();
    for (const { key } of trees) owned.set(key, new Set([...(this.owned.get(key) ?? [])].filter((inode) => sockets.has(inode))));
    if (this.pending.size > 0) this.lookFor(trees, owned, fresh);
    this.owned = owned;
    return trees.map(({ key }) => [...new Set([...owned.get(key)!].map((inode) => sockets.get(inode)!))].sort((a, b) => a - b));
  }

  /**
   * Reads the trees' fds for the pending sockets. A socket is looked for everywhere once, when it
   * appears; the rounds after, only in processes not read since, which may have joined a tree late.
   */
  private lookFor(trees: readonly { key: string; pids: readonly number[] }[], owned: Map<string, Set<string>>, everywhere: boolean): void {
    let left = PORT_SCAN_FD_BUDGET;
    const read = new Set<number>();
    for (const { key, pids } of trees) {
      for (const pid of pids) {
        if (left <= 0 || this.pending.size === 0) break;
        if (!everywhere && this.fdsRead.has(pid)) {
          read.add(pid);
          continue;
        }
        const { inodes, looked, whole } = socketInodes(pid, left);
        left -= looked + 1;
        if (whole) read.add(pid);
        for (const inode of inodes) {
          if (!this.pending.has(inode)) continue;
          owned.get(key)!.add(inode);
          this.pending.delete(inode);
        }
      }
    }
    this.fdsRead = read;
    for (const [inode, rounds] of this.pending) {
      if (rounds <= 1) this.pending.delete(inode);
      else this.pending.set(inode, rounds - 1);
    }
  }
}

/** The first of `pids` with an open fd on one of the socket `inodes`; undefined if none we can see. */
export function holderAmong(pids: Iterable<number>, inodes: ReadonlySet<string>): number | undefined {
  if (inodes.size === 0) return undefined;
  if (usesPosixBackend) {
    for (const pid of pids) if (inodes.has(String(pid))) return Number(pid);
    return undefined;
  }
  for (const pid of pids) if (socketInodes(pid).inodes.some((inode) => inodes.has(inode))) return Number(pid);
  return undefined;
}

/** The process that listens on `port`, found through the socket inode in /proc/PID/fd; undefined if none we can see. */
export function findPortHolder(port: number, inodes = listeningInodes(port)): PortHolder | undefined {
  const pid = usesPosixBackend ? Number([...inodes][0] ?? NaN) : holderAmong(procPids(), inodes);
  if (pid === undefined || Number.isNaN(pid)) return undefined;
  const command = commandLineOf(pid) ?? ''; // '': gone meanwhile
  // Another process's command line may carry a password or a token: shown, so masked.
  return { port, pid, command: maskCredentials(command) };
}
