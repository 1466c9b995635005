import * as fs from 'node:fs';
import { procPids } from './procfs';
import { maskCredentials } from './redact';

/** A process listening on a TCP port. */
export interface PortHolder {
  port: number;
  pid: number;
  /** Its command line, as /proc shows it. */
  command: string;
}

const TCP_TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];

/** Every listening TCP socket, IPv4 and IPv6 (Node listens on :: by default): its inode and port. */
export function listeningSockets(tables: string[] = TCP_TABLES): Map<string, number> {
  const sockets = new Map<string, number>();
  for (const file of tables) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st ... inode(9); st 0A is LISTEN.
      if (cols.length > 9 && cols[3] === '0A') sockets.set(cols[9], Number.parseInt(cols[1].slice(cols[1].lastIndexOf(':') + 1), 16));
    }
  }
  return sockets;
}

/** Socket inodes listening on `port`, from /proc/net/tcp and tcp6. */
export function listeningInodes(port: number, tables: string[] = TCP_TABLES): Set<string> {
  return new Set([...listeningSockets(tables)].filter(([, p]) => p === port).map(([inode]) => inode));
}

/** The socket inodes a process holds open; empty when it is gone or not ours to read. */
function socketInodes(pid: number): string[] {
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const inodes: string[] = [];
  for (const fd of fds) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (target.startsWith('socket:[')) inodes.push(target.slice(8, -1));
  }
  return inodes;
}

/**
 * The TCP ports each process tree listens on (sorted, unique), one list per tree given as its
 * pids: the socket tables are read once for all of them.
 */
export function listeningPortsOf(trees: readonly (readonly number[])[]): number[][] {
  const sockets = listeningSockets();
  return trees.map((pids) => {
    const ports = new Set<number>();
    if (sockets.size > 0) for (const pid of pids) for (const inode of socketInodes(pid)) if (sockets.has(inode)) ports.add(sockets.get(inode)!);
    return [...ports].sort((a, b) => a - b);
  });
}

/** The first of `pids` with an open fd on one of the socket `inodes`; undefined if none we can see. */
export function holderAmong(pids: Iterable<number>, inodes: ReadonlySet<string>): number | undefined {
  if (inodes.size === 0) return undefined;
  for (const pid of pids) if (socketInodes(pid).some((inode) => inodes.has(inode))) return Number(pid);
  return undefined;
}

/** The process that listens on `port`, found through the socket inode in /proc/PID/fd; undefined if none we can see. */
export function findPortHolder(port: number, inodes = listeningInodes(port)): PortHolder | undefined {
  const pid = holderAmong(procPids(), inodes);
  if (pid === undefined) return undefined;
  let command = '';
  try {
    command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    // gone meanwhile
  }
  // Another process's command line may carry a password or a token: shown, so masked.
  return { port, pid, command: maskCredentials(command) };
}
