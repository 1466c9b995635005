// Private directories for Unix sockets: 0700, owned by one host process, cleaned up after a
// host that died without removing its own.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { processTable } from './processes';
import { isGone, type ProcessTable } from './procfs';

/** Linux allows 107 bytes in a socket path; a long TMPDIR falls back to /tmp. */
const MAX_SOCKET_PATH = 100;
/**
 * In each socket directory: "PID STARTTIME" of the host that made it, so a later one can tell it
 * is dead; "PID STARTTIME epoch" from a table whose start times are not /proc's (see ProcessTable).
 */
export const OWNER_FILE = 'owner';

/**
 * A new directory for a Unix socket that only our user can reach, named `prefix` and a random
 * tail, in the temp directory; first removes the ones with that prefix that dead hosts left.
 */
export function privateSocketDir(prefix: string, table: ProcessTable = processTable): string {
  const wanted = path.join(os.tmpdir(), prefix);
  const base = wanted.length + 10 <= MAX_SOCKET_PATH ? wanted : path.join('/tmp', prefix);
  removeStaleSocketDirs(path.dirname(base), table, prefix);
  // mkdtemp makes the directory 0700: no other user can reach the socket.
  const dir = fs.mkdtempSync(base);
  const me = table.stat(process.pid);
  const clock = table.startTimeClock ? ` ${table.startTimeClock}` : '';
  if (me) fs.writeFileSync(path.join(dir, OWNER_FILE), `${process.pid} ${me.startTime}${clock}\n`, { mode: 0o600, flag: 'wx' });
  return dir;
}

/** The recorded owner of a socket directory is provably gone: no such process, or its pid was reused. */
function ownerGone(dir: string, uid: number, table: ProcessTable): boolean {
  try {
    const stat = fs.lstatSync(dir);
    if (!stat.isDirectory() || stat.uid !== uid) return false;
    const owner = /^(\d+) (\d+)(?: (epoch))?\n?$/.exec(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
    if (!owner) return false;
    const pid = Number(owner[1]);
    if (isGone(table, pid)) return true;
    // Written by a host on the other process backend: its start time proves nothing here.
    return owner[3] === table.startTimeClock && table.stat(pid)?.startTime !== Number(owner[2]);
  } catch {
    // No owner recorded, or not ours to read: not provably dead.
    return false;
  }
}

/**
 * Removes the socket directories that hosts which died without cleaning up (killed, crashed) left
 * in `parent` (named `prefix`...): only our user's, and only where the recorded owner is provably gone. Returns them.
 */
export function removeStaleSocketDirs(parent: string, table: ProcessTable = processTable, prefix = 'dpm-launcher-'): string[] {
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
    if (!name.startsWith(prefix) || !ownerGone(dir, uid, table)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

