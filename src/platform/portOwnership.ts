import * as os from 'node:os';
import { findPortHolder, holderAmong, listeningInodes } from './ports';
import { descendantsOf, type ProcessTable } from './procfs';
import { processesWithEnv, processName } from './processes';
import type { ProbeSpec } from '../core/types';

const LOOPBACK = /^(localhost|127(?:\.\d+){3}|::1|0\.0\.0\.0|::|\[::1\]|\[::\])$/i;

/** A host that names this machine: a probe of it reaches a socket this machine's process table can show. */
function isLocalHost(host: string): boolean {
  if (LOOPBACK.test(host)) return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === os.hostname()) return true;
  return Object.values(os.networkInterfaces()).some((list) => list?.some((a) => a.address === bare));
}

/** The local port an http or tcp probe connects to; undefined for another machine or another type. */
export function probedPort(probe: ProbeSpec): number | undefined {
  if (probe.type === 'tcp' && probe.port !== undefined) return isLocalHost(probe.host ?? '127.0.0.1') ? probe.port : undefined;
  if (probe.type !== 'http' || probe.url === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(probe.url);
  } catch {
    return undefined;
  }
  if (!isLocalHost(url.hostname)) return undefined;
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
}

/** What a run's processes are, for the question "is this socket ours?". */
export interface RunProcesses {
  table: ProcessTable;
  /** The leader; null before the spawn is confirmed. */
  pid: number | null;
  /** NAME=value every process of the run inherits (finds what left the tree). */
  envMarker: string | undefined;
}

/**
 * Why a passing readiness probe does not count: the port it reached is held by a process outside
 * the run (another server answered before ours listened). Null when the listener is the run's own,
 * or when no listener can be seen here (another host, another network namespace).
 */
export function foreignPortHolder(probe: ProbeSpec, run: RunProcesses): string | null {
  const port = probedPort(probe);
  if (port === undefined || run.pid === null) return null;
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  // The leader first: a server usually listens itself, and its fds cost less than reading every process's stat for its tree.
  if (holderAmong([run.pid], inodes) !== undefined) return null;
  if (holderAmong(descendantsOf(run.table, run.pid).map((s) => s.pid), inodes) !== undefined) return null;
  if (run.envMarker !== undefined && holderAmong(processesWithEnv(run.envMarker), inodes) !== undefined) return null;
  const holder = findPortHolder(port, inodes);
  if (!holder) return `${port} is held by another process, not by this run`;
  return `${port} is held by ${processName(holder.pid) ?? 'a process'} (pid ${holder.pid}), not by this run`;
}
