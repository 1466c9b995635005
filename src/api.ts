import type * as vscode from 'vscode';
import type { ProcessEngine } from './engine/engine';
import type { EngineMetrics } from './engine/metrics';
import type { Alert, MonitorApi } from './engine/monitor/types';
import type { OutputLine } from './engine/outputRing';
import type { ProcessSnapshot } from './engine/snapshot';
import type { DefinitionError } from './engine/types';

export type { ProcessSnapshot } from './engine/snapshot';

/** What `activate()` returns to other extensions (and to our tests). */
export interface DevProcessesApi {
  /** Every run the engine knows: live ones and the last finished ones. */
  list(): ProcessSnapshot[];
  /** A run by id, or a definition's latest run by name. */
  get(target: string): ProcessSnapshot | undefined;
  /** Recent output of a run, oldest first. */
  output(target: string): OutputLine[];
  /** The valid definitions, as read from the settings. */
  definitions(): { name: string; kind: 'service' | 'job' }[];
  /** The settings entries that could not be used, with the reason. */
  problems(): DefinitionError[];
  /** Scheduler and pool figures: runs completed, failed, timed out, retried, durations, processes, queue. */
  metrics(): EngineMetrics;
  /** Active and recent alerts, newest first. */
  alerts(): Alert[];
  /** An alert was raised, or resolved (`resolved` is then true). */
  onDidAlert: vscode.Event<Alert>;
  /** Fires whenever a run or the set of definitions changes. */
  onDidChange: vscode.Event<void>;
}

export function createApi(
  engine: ProcessEngine,
  monitor: MonitorApi,
  problems: () => DefinitionError[],
  onDidChange: vscode.Event<void>,
): DevProcessesApi {
  return {
    alerts: () => monitor.alerts(),
    onDidAlert: monitor.onDidAlert,
    definitions: () => engine.definitions().map((s) => ({ name: s.name, kind: s.kind })),
    problems,
    metrics: () => engine.metrics(),
    list: () => engine.list(),
    get: (target) => engine.get(target),
    output: (target) => engine.output(target),
    onDidChange,
  };
}
