import type { ErrorCode } from './errors';
import type { ProblemMatcher } from './problemMatchers';

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

/** Queue order: a freed slot goes to the highest priority first, first in first out within one. */
export type Priority = 'low' | 'normal' | 'high' | 'critical';

/** Retries of a failed job attempt, with exponential backoff. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 means none. */
  maxRetries: number;
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** The delay never grows past this. */
  maxDelayMs: number;
  /** Each retry waits this many times longer than the one before. */
  multiplier: number;
  /** A fraction 0-1 of the delay, applied as plus or minus at random; 0 for none. */
  jitter: number;
}

/** What a dependency must reach before a dependent starts. */
export type DependencyCondition = 'started' | 'completed' | 'healthy';

export interface Dependency {
  name: string;
  condition: DependencyCondition;
  /**
   * A job dependency runs again each time its dependent starts (a running one is awaited); with
   * `reuse`, a successful run since its settings last changed is used instead. Jobs only.
   */
  reuse?: boolean;
}

/** Replicas of a service. */
export interface InstanceRange {
  /** Never scaled (or idled) below this. */
  min: number;
  /** Never scaled above this. */
  max: number;
  /** Started by a spawn. */
  initial: number;
}

/** When a service is started again after its process ended by itself. */
export type RestartMode = 'never' | 'on-failure' | 'always';

/** Automatic restarts of a service within one run. */
export interface RestartPolicy {
  policy: RestartMode;
  /** Exit codes that count as success (0 always does): `on-failure` does not restart on them. */
  successExitCodes: number[];
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** A fraction 0-1 of the delay, applied as plus or minus at random. */
  jitter: number;
  /** A process that stayed up this long resets the backoff to its first delay. */
  resetAfterMs: number;
  /** More restarts than this inside `windowMs` gives up: the run fails with `crash-loop`. */
  maxRestarts: number;
  windowMs: number;
}

/** What to do about a failure of one class. */
export type RecoveryStrategy = 'restart' | 'replace' | 'scaleUp' | 'scaleDown' | 'notify' | 'none';

export type ProbeType = 'http' | 'tcp' | 'exec' | 'log' | 'problems';

/** One health probe. Only the fields its type needs are set. */
export interface ProbeSpec {
  type: ProbeType;
  /** http: the URL to GET. */
  url?: string;
  /** http: the status that means healthy; any 2xx when absent. */
  expectStatus?: number;
  /** tcp: where to connect. */
  host?: string;
  port?: number;
  /** exec: a command that exits 0 when healthy (no shell). */
  command?: string;
  args?: string[];
  /** log: a regular expression a line of output must match (readiness only). */
  pattern?: string;
  /** problems: the definition's problem matchers; ready when a background round ends with no errors. */
  matchers?: ProblemMatcher[];
  intervalMs: number;
  timeoutMs: number;
  initialDelayMs: number;
  /** Consecutive failures that make the probe fail. */
  failureThreshold: number;
  /** Consecutive successes that make the probe pass. */
  successThreshold: number;
}

export interface HealthCheck {
  /** Gates `dependsOn` with condition `healthy`; polled until ready, then stopped. */
  readiness?: ProbeSpec;
  /** Polled while running; failing past its threshold applies the `hung` strategy. */
  liveness?: ProbeSpec;
}

/** A validated definition, ready for the engine: every variable expanded, every path absolute. */
/** Where a definition comes from: the settings, or a file the project already has (see `devProcesses.detect`). */
export type SpecSource = 'settings' | 'npm' | 'tasks' | 'Procfile' | 'process-compose' | 'compose';

export interface ProcessSpec {
  /** Unique within the window. */
  name: string;
  /** Absent for a definition of the settings. */
  source?: Exclude<SpecSource, 'settings'>;
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
  /** Run on a pseudo-terminal (pipes where none can be had); false or absent for pipes. */
  tty?: boolean;
  /** Start when the workspace opens. */
  autoStart: boolean;
  /** Queue order for jobs. Default `normal`. */
  priority: Priority;
  /** Kill the whole tree and count the attempt as timed out after this long; undefined for none. */
  timeoutMs?: number;
  /** Retries of a failed job attempt; `maxRetries` 0 when none are set. */
  retry: RetryPolicy;
  /** Definitions that must reach a condition first; a bare name in settings means `completed` for a job, `healthy` for a service. */
  dependsOn: Dependency[];
  /** Replicas of a service; `{ min: 1, max: 1, initial: 1 }` unless set. Jobs ignore it. */
  instances: InstanceRange;
  /** Extra instances (above `min`) with no output and no CPU for this long are stopped; undefined for never. */
  idleTimeoutMs?: number;
  /**
   * Output read per second, in MB (10^6 bytes), over stdout and stderr together; past it the
   * engine stops reading and the process waits in its writes. Undefined for no cap.
   */
  maxOutputMBps?: number;
  /** Automatic restarts; services default to `on-failure`, jobs to `never`. */
  restart: RestartPolicy;
  /** A strategy per failure class, over the defaults (`restart` for services, `none` for jobs). */
  recovery: Partial<Record<ErrorCode, RecoveryStrategy>>;
  healthCheck?: HealthCheck;
  /** Problems read from the output (`problemMatcher`); undefined when none. */
  problemMatcher?: ProblemMatcher[];
  /** Alert thresholds, merged over the global `devProcesses.alerts`; undefined when neither sets any. */
  limits?: Limits;
  /** How "Debug" restarts the run and attaches a debugger; undefined when the definition has none. */
  debug?: DebugSpec;
  /** How a stop asks the program to end; SIGTERM and the global grace when absent. */
  stop?: StopSpec;
  /** The TCP port the program listens on, checked before each start: a number, or text with `${instance}` left in. */
  port?: number | string;
  /** Open the run's first port once it becomes ready: in the browser (true) or in the Simple Browser. */
  openOnReady?: true | 'simple';
  /** The groups it belongs to (`group`), each once; undefined for none. */
  groups?: string[];
  /** Restart on a change of these files (services only); undefined when the definition has no `watch`. */
  watch?: WatchSpec;
}

/** What a change of a watched file does: restart the service, also its dependents, or only say so. */
export type WatchAction = 'restart' | 'restart-with-dependents' | 'none';

/** A service's `watch`. */
export interface WatchSpec {
  /** Absolute globs (`cwd` joined with what was written); a folder stands for everything in it. */
  paths: string[];
  /** Globs whose changes are ignored, as written: relative to `cwd`, or a bare name matched at any depth. */
  exclude: string[];
  /** Quiet time after the last change before acting. */
  debounceMs: number;
  action: WatchAction;
  /** A job run first on each change: the service restarts only when it succeeds. */
  build?: string;
  /** Start the new process beside the old one, and stop the old one once the new one is ready. */
  overlap: boolean;
}

/** The signals a stop may start with. */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGQUIT';

/** A definition's own way to stop (`stop`): a signal, a command run first, its own grace. */
export interface StopSpec {
  /** Sent to the process group first; SIGTERM when absent. */
  signal?: StopSignal;
  /** An argv run first, in the definition's cwd and env (no shell), e.g. ["docker", "compose", "down"]. */
  command?: string[];
  /** Milliseconds the program gets to exit before SIGKILL, instead of `devProcesses.stopTimeoutMs`. */
  timeoutMs?: number;
}

/** A definition's `debug`: a preset, or an attach configuration for any debugger. */
export interface DebugSpec {
  /** `node`: NODE_OPTIONS gets `--inspect` on a free port, read back from the run's output. */
  type?: 'node';
  /** A launch.json attach configuration, started as given (the preset's fields are merged under it). */
  attach?: Record<string, unknown>;
  /** Variables the debug run gets over the definition's. */
  env: Record<string, string>;
  /** Arguments the debug run gets after the definition's. */
  args: string[];
  /** Ending the debug session stops the run too; by default the run keeps running. */
  stopWithSession: boolean;
}

/** Per-definition thresholds (`limits`) and global defaults (`devProcesses.alerts`). */
export interface Limits {
  /** Resident memory of the whole process tree, in MB (1024 * 1024 bytes). */
  maxMemoryMB?: number;
  /** CPU of the whole process tree; 100 = one core. */
  maxCpuPercent?: number;
  /** No output for this long (services only). */
  maxIdleMs?: number;
  /** stderr lines per minute. */
  maxErrorRate?: number;
  /** What to do past maxMemoryMB: only alert (default), or restart the service gracefully. */
  onExceed?: 'alert' | 'restart';
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
  /**
   * The setting the problem is in when it is not `devProcesses.tasks` (`index` is then -1, and
   * `field` a path inside the setting's value, e.g. `dev.start[1]`).
   */
  setting?: string;
  /** A change of the field as written that fixes the problem, when it is known. */
  fix?: SettingsFix;
  /**
   * The settings file does not parse (an error, as the JSON editor says too); every other problem
   * is a warning, the severity the editor's own schema check gives the same kinds.
   */
  syntax?: boolean;
}

/**
 * A fix of a field as written: `replace` writes `text` (JSON) in place of the field's key for an
 * unknown field, else of its value (a did-you-mean); `quote` puts the value in quotes.
 */
export type SettingsFix = { kind: 'replace'; text: string } | { kind: 'quote' };

/** The result of reading `devProcesses.tasks`. */
export interface DefinitionSet {
  specs: ProcessSpec[];
  errors: DefinitionError[];
}

/** A port another process holds; `runId` is set when that process belongs to one of our runs. */
export interface PortConflict {
  port: number;
  pid: number;
  command: string;
  runId: string | null;
}
