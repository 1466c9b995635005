import type { ProcessKind, RunState } from '../core/types';

// The `contextValue` of each tree row. package.json's menus match them with `viewItem =~ /.../`,
// and a unit test checks every such pattern against `allContextValues()`.

/** A run row names its state, except that every live state (starting, running, stopping) is `running`. */
const RUN_STATE_CONTEXT: Record<RunState, string> = {
  queued: 'queued',
  starting: 'running',
  running: 'running',
  stopping: 'running',
  backoff: 'backoff',
  completed: 'completed',
  failed: 'failed',
  terminated: 'terminated',
};

export const PROBLEM_CONTEXT = 'problem';
export const ADHOC_CONTEXT = 'adhoc';
/** A group's row in the view by group (see groupTree.ts). */
export const GROUP_CONTEXT = 'group';
/** The context key (setContext) the view's title bar shows "Group by Group" or "Show as One List" by. */
export const GROUPED_CONTEXT_KEY = 'devProcesses.treeGrouped';

export const DETECTED_CONTEXT = 'detected';
export const DETECTED_SOURCE_CONTEXT = 'detectedSource';

/**
 * "definition:<running|idle>:<service|job|removed>[:failed][:detected]"; `kind` undefined for a
 * definition removed from the settings, `detected` for one found in a project file (read-only: "Add to Settings").
 */
export function definitionContext(live: boolean, kind: ProcessKind | undefined, failed: boolean, detected = false): string {
  return `definition:${live ? 'running' : 'idle'}:${kind ?? 'removed'}${failed ? ':failed' : ''}${detected ? ':detected' : ''}`;
}

/** "run:<running|queued|backoff|completed|failed|terminated>", and ":ports" on a live run that listens (Open in Browser). */
export function runContext(state: RunState, listening = false): string {
  const base = `run:${RUN_STATE_CONTEXT[state]}`;
  return listening && base === 'run:running' ? `${base}:ports` : base;
}

/** Every value a row can have. */
export function allContextValues(): string[] {
  const definitions = [true, false].flatMap((live) =>
    (['service', 'job', undefined] as const).flatMap((kind) =>
      [true, false].flatMap((failed) => [definitionContext(live, kind, failed), ...(kind ? [definitionContext(live, kind, failed, true)] : [])]),
    ),
  );
  const runs = (Object.keys(RUN_STATE_CONTEXT) as RunState[]).flatMap((state) => [runContext(state), runContext(state, true)]);
  return [...new Set([...definitions, ...runs, PROBLEM_CONTEXT, ADHOC_CONTEXT, GROUP_CONTEXT, DETECTED_CONTEXT, DETECTED_SOURCE_CONTEXT])];
}
