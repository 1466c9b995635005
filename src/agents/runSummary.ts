import type { ProcessSnapshot } from '../engine/run/snapshot';
import { isFinal } from '../engine/run/stateMachine';
import { maskCredentials } from '../platform/redact';

/** What an agent is told about one run: the fields that say whether it works and, if not, why. */
export interface RunSummary {
  id: string;
  state: ProcessSnapshot['state'];
  /** Running and, with a readiness probe, passing it. */
  ready: boolean;
  health?: { readiness: string; liveness: string; message: string | null };
  instance?: number;
  pid: number | null;
  ports: number[];
  uptimeSeconds?: number;
  restarts: number;
  attempts: number;
  exitCode?: number;
  signal?: string;
  /** The failure class (kebab-case code) and the sentence that explains it. */
  failure?: { code: string; explanation: string };
  hint?: string;
  portConflict?: { port: number; heldBy: string };
  queuePosition?: number;
  commandLine: string;
  /** The settings changed since it started (restart to apply), or its definition was removed. */
  definition?: 'changed' | 'removed';
}

/** A run as an agent sees it; secrets masked, fields that say nothing left out. */
export function summarizeRun(run: ProcessSnapshot, now: number): RunSummary {
  const out: RunSummary = {
    id: run.id,
    state: run.state,
    ready: run.ready,
    pid: run.pid,
    ports: run.ports,
    restarts: run.restarts,
    attempts: run.attempts,
    commandLine: maskCredentials(run.commandLine),
  };
  if (run.health) out.health = { readiness: run.health.readiness, liveness: run.health.liveness, message: run.health.message && maskCredentials(run.health.message) };
  if (run.instance > 0) out.instance = run.instance;
  if (run.startedAt !== null && !isFinal(run.state)) out.uptimeSeconds = Math.max(0, Math.round((now - run.startedAt) / 1000));
  if (run.exitCode !== null) out.exitCode = run.exitCode;
  if (run.signal) out.signal = run.signal;
  if (run.error) out.failure = { code: run.error.code, explanation: maskCredentials(run.error.message) };
  if (run.hint) out.hint = run.hint;
  if (run.portConflict) {
    const holder = run.portConflict.runId ? `our run ${run.portConflict.runId}` : `pid ${run.portConflict.pid}`;
    out.portConflict = { port: run.portConflict.port, heldBy: `${holder} (${maskCredentials(run.portConflict.command)})` };
  }
  if (run.queuePosition !== null) out.queuePosition = run.queuePosition;
  if (run.definitionStatus !== 'current') out.definition = run.definitionStatus;
  return out;
}

/** The runs worth showing of one definition: every live one, then the latest finished one. */
export function runsWorthShowing(runs: readonly ProcessSnapshot[]): ProcessSnapshot[] {
  const live = runs.filter((r) => !isFinal(r.state));
  const finished = runs.filter((r) => isFinal(r.state));
  const last = finished.reduce<ProcessSnapshot | undefined>((a, r) => (a === undefined || (r.endedAt ?? 0) >= (a.endedAt ?? 0) ? r : a), undefined);
  return last ? [...live, last] : live;
}
