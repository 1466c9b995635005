import type { ProcessError } from '../../core/errors';
import type { Launcher } from '../../platform/launcher';
import type { LineBatch } from '../../platform/lineBatch';
import type { OutputStream } from '../../platform/outputRing';
import type { ProcessTable } from '../../platform/procfs';
import type { ReapGate } from '../../platform/reapWait';

/** What a run needs from the engine around it; `R` is the run (see `RunContext` in run.ts). */
export interface RunHost<R> {
  launcher: Launcher;
  table: ProcessTable;
  /** The host's environment as runs inherit it, read once (see `inheritedEnvironment`). */
  inheritedEnv: Readonly<Record<string, string>>;
  now: () => number;
  /** Holds a start back until the definition's previous process tree is reaped. */
  reaped: ReapGate;
  /** Grace between SIGTERM and SIGKILL when a timeout kills an attempt. */
  stopTimeoutMs(): number;
  onChange(run: R): void;
  /** `restored`: lines read back from elsewhere (a log file), not from the process now. */
  onOutput(run: R, lines: LineBatch, restored?: boolean): void;
  /** Who follows the run's text as written (escapes kept), live; undefined when nobody does. */
  liveOutput(run: R, stream: OutputStream): ((text: string) => void) | undefined;
  /** A liveness probe failed past its threshold; the engine applies the `hung` strategy. */
  onHung(run: R, message: string): void;
  /** The run wanted a pty and runs on pipes; said once per run (its output has the line already). */
  onNoPty(run: R, reason: string): void;
  /** Why the run's declared `port` forbids a start now (another process listens there); null when free. */
  portTaken(run: R): ProcessError | null;
  /** An attempt ended by itself (not by a stop): the engine retries it or finishes the run. */
  onAttemptEnd(run: R, error: ProcessError | null): void;
}
