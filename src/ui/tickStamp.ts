import type { RunSample } from '../engine/monitor/types';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { uptimeStep } from './format';

/**
 * What a ticking row's moving text depends on, as numbers: each run's uptime in the steps it is
 * shown in, the monitor's newest figures, and the second for anything else that counts (a
 * countdown, a queued wait, a watch's "changed 5 s ago"). The tree's ticker builds a row's text
 * only when these changed: building it for every row each second was most of what the view
 * allocated with many services idle, and allocation at that rate keeps the host's heap large.
 * Filled into `into`, which is cleared first.
 */
export function fillTickStamp(
  into: number[],
  runs: readonly ProcessSnapshot[],
  now: number,
  latest: (runId: string) => RunSample | undefined,
): void {
  into.length = 0;
  const second = Math.floor(now / 1000);
  for (const run of runs) {
    const clock = run.state === 'running' && run.startedAt !== null ? uptimeStep(now - run.startedAt) : second;
    const sample = latest(run.id);
    into.push(clock, sample?.cpuPercent ?? -1, sample?.rssBytes ?? -1);
  }
  if (runs[0]?.watch?.lastChange) into.push(second);
}

export function sameStamp(a: readonly number[] | undefined, b: readonly number[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
