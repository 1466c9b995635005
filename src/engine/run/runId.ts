import { randomBytes } from 'node:crypto';

/**
 * A run id, which every process of the run carries in its environment: random bits make it
 * unguessable, so a process cannot pass for ours by copying a likely marker.
 */
export function newRunId(prefix: string, seq: number): string {
  return `${prefix}-${seq}-${randomBytes(8).toString('hex')}`;
}
