import type { RunState } from '../../core/types';

const transitions: Record<RunState, readonly RunState[]> = {
  queued: ['starting', 'terminated', 'failed'],
  starting: ['running', 'stopping', 'failed', 'completed', 'terminated', 'backoff'],
  // running -> terminated: a stop asked while the leader was already exiting by itself.
  running: ['stopping', 'completed', 'failed', 'backoff', 'terminated'],
  stopping: ['terminated'],
  backoff: ['starting', 'queued', 'terminated', 'failed'],
  completed: [],
  failed: [],
  terminated: [],
};

/** True for the states a run never leaves. */
export function isFinal(state: RunState): boolean {
  return transitions[state].length === 0;
}

/** True while the run has (or may have) a live process. */
export function isActive(state: RunState): boolean {
  return state === 'starting' || state === 'running' || state === 'stopping';
}

export function canTransition(from: RunState, to: RunState): boolean {
  return transitions[from].includes(to);
}

/** Throws on a move the state machine does not allow: a bug, never a user error. */
export function assertTransition(from: RunState, to: RunState): void {
  if (!canTransition(from, to)) {
    throw new Error(`Illegal run state change: ${from} -> ${to}`);
  }
}
