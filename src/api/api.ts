import type * as vscode from 'vscode';
import { ProcessError, type ErrorCode } from '../core/errors';
import type { ProcessEngine } from '../engine/engine';
import { firstAtOrAfter } from '../platform/outputRing';
import type { McpLaunch } from '../agents/mcpLaunch';
import type { MonitorApi } from '../engine/monitor/types';
import type { Priority, ProcessKind, RecoveryStrategy, RunState, SpecSource } from '../core/types';

// The public API is declared here, apart from the engine's own structures, so that a change
// inside the engine cannot change what other extensions see without this file changing too.
// Only the core vocabulary (states, error codes, priorities) is shared with the engine.

export type { ErrorCode, Priority, ProcessKind, RecoveryStrategy, RunState, SpecSource };

/** A probe's verdict; `none` when the definition has no such probe. */
export type ProbeVerdict = 'none' | 'pending' | 'passing' | 'failing';

/** One run as other extensions see it. Times are epoch milliseconds; null means "not yet". */
export interface ProcessSnapshot {
  /** Opaque; the same across automatic retries and restarts, new for a restart or retry you ask for. */
  id: string;
  /** The definition's name, or the command line of a typed command. */
  name: string;
  kind: ProcessKind;
  state: RunState;
  pid: number | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  startedAt: number | null;
  endedAt: number | null;
  /** Automatic restarts within this run (services). */
  restarts: number;
  /** Attempts so far, counting the first (jobs). */
  attempts: number;
  /** Why it failed or was stopped, when it did not complete. */
  error: { code: ErrorCode; message: string } | null;
  /** The command line as started. */
  commandLine: string;
  /** Started from a typed command line rather than from a definition. */
  adhoc: boolean;
  priority: Priority;
  /** Which replica of a service (0, 1, ...); 0 for a job. */
  instance: number;
  /** Place in the start queue, from 1, while queued. */
  queuePosition: number | null;
  /** When a run waiting in backoff tries again. */
  nextAttemptAt: number | null;
  /** Running and, when it has a readiness probe, ready. */
  ready: boolean;
  /** Its probes while it runs. */
  health: { readiness: ProbeVerdict; liveness: ProbeVerdict; lastProbeMs: number | null; message: string | null } | null;
  /** What recovery last did for it, and why. */
  lastRecovery: { strategy: RecoveryStrategy; reason: string; at: number } | null;
  /** Taken over from an earlier window, so its earlier output is not available. */
  adopted: boolean;
  /** Who holds the port its last attempt could not listen on; `runId` when that is one of ours. */
  portConflict: { port: number; pid: number; command: string; runId: string | null } | null;
  /** TCP ports (IPv4 and IPv6) its processes listen on, sorted, read at each monitor round; [] when none or not running. */
  ports: number[];
  /** The file its command resolved to on its PATH. */
  executable: string | null;
  /** A note about a run that did not fail, e.g. a service that exited 0 at once. */
  hint: string | null;
  /** Its current (or last) attempt runs on a pseudo-terminal (`tty: true`, and one could be had). */
  tty: boolean;
  /** Whether its definition changed or was removed since it started (restart to apply). */
  definitionStatus: 'current' | 'changed' | 'removed';
  /** Its definition's `watch` (null without one): where the watch stands, the file that triggered the last action, and globs that match no file yet. */
  watch: {
    status: 'watching' | 'pending' | 'building' | 'restarting' | 'stale' | 'kept-previous' | 'paused' | 'unwatched';
    lastChange: { file: string; at: number } | null;
    /** e.g. "stale: build failed"; null when all is well. */
    message: string | null;
    unmatched: string[];
  } | null;
}

/** One line a run wrote, or one the extension wrote about it (`system`). */
export interface OutputLine {
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
  /** When it was read. */
  at: number;
}

/** Which output `output()` returns. */
export interface OutputOptions {
  /** The text as the program wrote it, colours and cursor movement kept; default plain text. */
  ansi?: boolean;
  /** Only lines read at or after this time (epoch ms). */
  since?: number;
}

/** Counts since the window opened, and the queue and slots now. */
export interface Metrics {
  completed: number;
  failed: number;
  timedOut: number;
  retried: number;
  avgDurationMs: number | null;
  p95DurationMs: number | null;
  /** Processes spawned, one per attempt. */
  created: number;
  destroyed: number;
  active: number;
  queued: number;
  maxConcurrent: number;
  /** When the next delayed or backing-off run is due. */
  nextStartAt: number | null;
}

export interface Alert {
  id: string;
  runId: string;
  name: string;
  type: 'memory' | 'cpu' | 'idle' | 'errorRate' | 'down' | 'hung';
  severity: 'info' | 'warning' | 'critical' | 'emergency';
  message: string;
  at: number;
  resolved: boolean;
  resolvedAt: number | null;
}

/** A settings entry that could not be used. */
export interface DefinitionProblem {
  /** Its index in `devProcesses.tasks`, or -1 for the whole setting. */
  index: number;
  name?: string;
  /** The field at fault, e.g. `args[2]`. */
  field?: string;
  message: string;
  /** The folder whose settings hold it, in a multi-root window. */
  folder?: string;
  /** The setting it is in when not `devProcesses.tasks` (e.g. `devProcesses.profiles`); `field` is then a path inside it. */
  setting?: string;
}

/** One definition as other extensions see it. */
export interface DefinitionInfo {
  name: string;
  kind: ProcessKind;
  /** Where it comes from: `settings`, or the kind of project file it was detected in. */
  source: SpecSource;
  /** Its groups, when it has one or more. */
  group?: string[];
}

/** What `activate()` returns to other extensions (and to our tests). */
export interface DevProcessesApi {
  /** Every run the engine knows: live ones and the last finished ones. */
  list(): ProcessSnapshot[];
  /** A run by id, or a definition's latest run by name. */
  get(target: string): ProcessSnapshot | undefined;
  /** Recent output of a run (or a definition's latest run), oldest first: plain text, or as written with `ansi`. */
  output(target: string, options?: OutputOptions): OutputLine[];
  /**
   * The valid definitions: the settings' (`source: "settings"`), then those detected in the
   * project's files (`npm: dev`, `tasks: build`, ...), which `spawn`, `kill` and `restart` take by name alike.
   */
  definitions(): DefinitionInfo[];
  /** The settings entries that could not be used, with the reason. */
  problems(): DefinitionProblem[];
  /** Scheduler and pool figures: runs completed, failed, timed out, retried, durations, processes, queue. */
  metrics(): Metrics;
  /** Active and recent alerts, newest first. */
  alerts(): Alert[];
  /** An alert was raised, or resolved (`resolved` is then true). */
  onDidAlert: vscode.Event<Alert>;
  /** Fires whenever a run or the set of definitions changes. */
  onDidChange: vscode.Event<void>;
  /**
   * How to start the MCP server this window offers the editor (`mcpServerDefinitionProviders`),
   * for an agent that starts it itself: its tools act on this window's processes.
   */
  mcpServer(): { command: string; args: string[]; env: Record<string, string> };
}

export function createApi(
  engine: ProcessEngine,
  monitor: MonitorApi,
  problems: () => DefinitionProblem[],
  onDidChange: vscode.Event<void>,
  mcpServer: () => McpLaunch,
): DevProcessesApi {
  return {
    alerts: () => monitor.alerts(),
    onDidAlert: monitor.onDidAlert,
    definitions: () => engine.definitions().map((s) => ({ name: s.name, kind: s.kind, source: s.source ?? 'settings', ...(s.groups && { group: [...s.groups] }) })),
    problems,
    metrics: () => engine.metrics(),
    list: () => engine.list(),
    get: (target) => engine.get(target),
    output: (target, options = {}) => outputLines(engine, target, options),
    onDidChange,
    mcpServer: () => {
      const { command, args, env } = mcpServer();
      return { command, args: [...args], env: { ...env } };
    },
  };
}

function outputLines(engine: ProcessEngine, target: string, { ansi = false, since }: OutputOptions): OutputLine[] {
  if (since !== undefined && !Number.isFinite(since)) throw new ProcessError('invalid-argument', `output(): "since" must be a time in epoch milliseconds, not ${JSON.stringify(since)}.`);
  const lines = engine.output(target);
  const from = since === undefined ? 0 : firstAtOrAfter(lines, since);
  const out: OutputLine[] = [];
  for (let i = from; i < lines.length; i++) {
    const { stream, text, at, raw } = lines[i];
    out.push({ stream, text: ansi && raw !== undefined ? raw : text, at });
  }
  return out;
}
