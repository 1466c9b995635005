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

/** Socket inodes listening on `port`, from /proc/net/tcp and tcp6 (Node listens on :: by default). */
export function listeningInodes(port: number, tables: string[] = ['/proc/net/tcp', '/proc/net/tcp6']): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
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
      if (cols.length > 9 && cols[3] === '0A' && cols[1].endsWith(`:${hexPort}`)) inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** The first of `pids` with an open fd on one of the socket `inodes`; undefined if none we can see. */
export function holderAmong(pids: Iterable<number>, inodes: ReadonlySet<string>): number | undefined {
  if (inodes.size === 0) return undefined;
  const wanted = new Set([...inodes].map((i) => `socket:[${i}]`));
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (wanted.has(target)) return Number(pid);
    }
  }
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
