import type { Event } from '../core/events';
import type { ProcessSnapshot } from '../engine/run/snapshot';

/**
 * Where a run stands once a tool stops waiting for it: a service `ready`, a job `completed`, a
 * run `failed` or `stopped` (terminated); or, at the timeout, a service `not-ready` or a job
 * `still-running` (both keep going).
 */
export type Outcome = 'ready' | 'completed' | 'failed' | 'stopped' | 'not-ready' | 'still-running';

export interface RunSource {
  get(id: string): ProcessSnapshot | undefined;
  onDidChange: Event<unknown>;
}

/** The outcome a run has reached for good, or undefined while it is still on its way. */
export function settledOutcome(run: ProcessSnapshot): Outcome | undefined {
  switch (run.state) {
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'terminated':
      return 'stopped';
    case 'running':
      return run.kind === 'service' && run.ready ? 'ready' : undefined;
    default:
      return undefined;
  }
}

/**
 * Waits until the run is ready (a service) or done (a job), failed or stopped, or `timeoutMs`
 * passed; resolves to the outcome and the run as it is then. Never rejects: a run that vanished
 * (cleared from the history) counts as stopped.
 */
export function awaitOutcome(source: RunSource, id: string, timeoutMs: number, signal?: AbortSignal): Promise<{ outcome: Outcome; run: ProcessSnapshot | undefined }> {
  return new Promise((resolve) => {
    const check = (timedOut: boolean): boolean => {
      const run = source.get(id);
      const outcome = run ? settledOutcome(run) : 'stopped';
      if (outcome === undefined && !timedOut) return false;
      finish({ outcome: outcome ?? (run!.kind === 'service' ? 'not-ready' : 'still-running'), run });
      return true;
    };
    const finish = (result: { outcome: Outcome; run: ProcessSnapshot | undefined }) => {
      clearTimeout(timer);
      subscription.dispose();
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => check(true);
    const timer = setTimeout(() => check(true), timeoutMs);
    timer.unref?.();
    const subscription = source.onDidChange(() => check(false));
    signal?.addEventListener('abort', onAbort);
    check(signal?.aborted ?? false);
  });
}
