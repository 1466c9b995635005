/**
 * Why a run failed or ended. One kebab-case union shared by the engine, the API and the
 * recovery strategies; code never matches on message text.
 */
export type ErrorCode =
  /** The command could not be started (not found, bad working directory, bad env file). */
  | 'spawn-failed'
  /** The OS refused to run the command (EACCES, EPERM). */
  | 'permission'
  /** The run took longer than its timeout and was killed. */
  | 'timeout'
  /** The process ended on a signal it did not get from us. */
  | 'crashed'
  /** The process exited with a non-zero code. */
  | 'exit-code'
  /** The process or the machine ran out of something (EMFILE, EAGAIN, ENOMEM, memory limit). */
  | 'resource-exhausted'
  /** A liveness probe stopped answering. */
  | 'hung'
  /** A run this one depends on failed. */
  | 'dependency-failed'
  /** Stopped or cancelled on request. */
  | 'canceled'
  /** Restarted too often inside its window; gave up. */
  | 'crash-loop'
  /**
   * The process ended after the launcher that started it died, so its exit status is unknown. A
   * service is restarted per its restart policy as if it had failed; a job is not retried.
   */
  | 'launcher-lost'
  // Caller mistakes: an action asked of the engine that does not apply. They reject that call
  // and never end a run, so no restart policy or recovery strategy ever sees them.
  /** No definition, run or process has the name or id given. */
  | 'not-found'
  /** The run is in a state where that action does not apply (retry a live run, send input to a stopped one). */
  | 'invalid-state'
  /** A service already runs as many instances as its `instances.max` allows (or as few as `instances.min`). */
  | 'limit-reached'
  /** An argument the action cannot take: an unknown priority, an empty command line, a job where a service is needed. */
  | 'invalid-argument';

/** The codes of caller mistakes: a rejected call, never a process failure. */
const CALLER_MISTAKES: ReadonlySet<ErrorCode> = new Set(['not-found', 'invalid-state', 'limit-reached', 'invalid-argument']);

/** Whether a code names a mistake in what was asked rather than something a process did. */
export function isCallerMistake(code: ErrorCode): boolean {
  return CALLER_MISTAKES.has(code);
}

export interface ProcessErrorDetails {
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  cause?: unknown;
}

/** The one error type of the engine: a code to act on, a message to show, the original cause. */
export class ProcessError extends Error {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;

  constructor(
    readonly code: ErrorCode,
    message: string,
    details: ProcessErrorDetails = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'ProcessError';
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
  }
}

const permissionCodes = new Set(['EACCES', 'EPERM']);
const exhaustedCodes = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'ENOMEM']);

/** One argument or variable given to a process, and its size: what an E2BIG message names. */
export interface SpawnInput {
  /** As the settings name it: `args[2]`, `env.BIG`. */
  field: string;
  bytes: number;
}

/** Maps an error from spawning (a Node system error) to a code and a sentence naming the run. */
export function classifySpawnError(name: string, command: string, err: unknown, largest?: SpawnInput): ProcessError {
  const sys = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (sys === 'E2BIG') {
    const which = largest ? `; the largest is "${largest.field}" (${Math.ceil(largest.bytes / 1024)} KB)` : '';
    return new ProcessError('spawn-failed', `"${name}" could not start: its arguments and environment are too big for the system (E2BIG)${which}.`, { cause: err });
  }
  if (sys === 'ENOENT') {
    return new ProcessError('spawn-failed', `"${name}" could not start: command "${command}" was not found (ENOENT).`, { cause: err });
  }
  if (permissionCodes.has(sys)) {
    return new ProcessError('permission', `"${name}" could not start: permission denied to run "${command}" (${sys}).`, { cause: err });
  }
  if (exhaustedCodes.has(sys)) {
    return new ProcessError('resource-exhausted', `"${name}" could not start: the system is out of resources (${sys}).`, { cause: err });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new ProcessError('spawn-failed', `"${name}" could not start: ${reason}`, { cause: err });
}

/**
 * Classifies an exit that nobody asked for; null means success. Neither a code nor a signal means
 * nobody could read the status (the launcher, its parent, died first): never call that a code.
 */
export function classifyExit(name: string, exitCode: number | null, signal: NodeJS.Signals | null): ProcessError | null {
  if (exitCode === null && signal === null) {
    return new ProcessError('launcher-lost', `"${name}" ended, but the launcher died; exit status unknown.`);
  }
  if (signal) {
    return new ProcessError('crashed', `"${name}" crashed: killed by ${signal}.`, { exitCode, signal });
  }
  if (exitCode !== 0) {
    return new ProcessError('exit-code', `"${name}" failed: exited with code ${exitCode}.`, { exitCode, signal });
  }
  return null;
}
