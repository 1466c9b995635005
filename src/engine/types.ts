/** What a definition runs as: a long-running service or a job that runs to completion. */
export type ProcessKind = 'service' | 'job';

/**
 * The life of a run. Terminal states are `completed`, `failed` and `terminated`.
 * - `queued`: waiting for a slot or a dependency.
 * - `starting`: spawned, the OS has not confirmed the process yet.
 * - `running`: the leader process is alive.
 * - `stopping`: a stop was asked; waiting for the whole process group to go.
 * - `backoff`: waiting before an automatic retry or restart.
 * - `completed`: exited 0 (or a configured success code).
 * - `failed`: exited non-zero, crashed, timed out or could not start, and no more tries.
 * - `terminated`: stopped by the user (or cancelled while queued).
 */
export type RunState =
  | 'queued'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'backoff'
  | 'completed'
  | 'failed'
  | 'terminated';

/** A validated definition, ready for the engine: every variable expanded, every path absolute. */
export interface ProcessSpec {
  /** Unique within the window. */
  name: string;
  kind: ProcessKind;
  command: string;
  args: string[];
  /** Absolute working directory. */
  cwd: string;
  /** Values set by the definition; merged over the host environment and the env file. */
  env: Record<string, string>;
  /** Absolute path of a dotenv file, read at each start so edits apply on restart. */
  envFile?: string;
  /** Run `command` (with `args` appended) through `/bin/sh -c`. */
  shell: boolean;
  /** Start when the workspace opens. */
  autoStart: boolean;
}

/** A problem with one entry of `devProcesses.tasks`; the other entries keep working. */
export interface DefinitionError {
  /** Index of the entry in the `devProcesses.tasks` array. */
  index: number;
  /** The entry's name when it has a usable one. */
  name?: string;
  /** The field at fault, e.g. `command` or `args[2]`; absent for a whole-entry problem. */
  field?: string;
  /** A sentence a user can act on, naming the entry and the field. */
  message: string;
  /** The folder whose settings hold the entry, in a multi-root window; absent for workspace-wide settings. */
  folder?: string;
}

/** The result of reading `devProcesses.tasks`. */
export interface DefinitionSet {
  specs: ProcessSpec[];
  errors: DefinitionError[];
}
