import { decideRetry } from './backoff';
import { formatDuration } from '../../core/duration';
import { ProcessError } from '../../core/errors';
import type { Event } from '../../core/events';
import { classifyFromOutput, portInUse } from './failureHints';
import { findPortHolder, listeningInodes, type PortHolder } from '../../platform/ports';
import { declaredPort } from '../run/runPorts';
import { descendantsOf, type ProcessTable } from '../../platform/procfs';
import { endsRun, strategyFor } from './strategies';
import { decideRestart } from './restartPolicy';
import { freeInstance } from '../pool/replicas';
import type { Run } from '../run/run';
import type { ProcessSnapshot } from '../run/snapshot';
import { isActive, isFinal } from '../run/stateMachine';
import type { ProcessSpec, RecoveryStrategy } from '../../core/types';

/** The cause of a start refused because the declared port is taken: its message names the holder already. */
const PORT_TAKEN = Symbol('port taken before the start');

/** A service that exits 0 sooner than this after its start probably did not run as meant. */
export const QUICK_EXIT_MS = 5000;

/** What recovery needs from the engine around it. */
export interface RecoveryHost {
  readonly now: () => number;
  /** In [0, 1): jitter. */
  readonly random: () => number;
  readonly table: ProcessTable;
  stopTimeoutMs(): number;
  readonly counts: { timedOut: number; retried: number };
  readonly onDidChange: Event<ProcessSnapshot | undefined>;
  spec(name: string): ProcessSpec | undefined;
  runs(): Iterable<Run>;
  /** Live runs of a definition, lowest instance first. */
  liveInstances(name: string): Run[];
  /** Starts one more instance of a service. */
  startInstance(spec: ProcessSpec, instance: number): Run;
  /** Waits in `backoff`, holding no slot, then queues the run again. */
  backoff(run: Run, delayMs: number, error: ProcessError | null, next: string): void;
}

/**
 * What happens after an attempt ends by itself or stops answering: retries for jobs, the restart
 * policy for services, the recovery strategy per failure class, and the explanation a user reads.
 * The decisions themselves are the pure `decideRetry` and `decideRestart`.
 */
export class RecoveryController {
  constructor(private readonly host: RecoveryHost) {}

  attemptEnded(run: Run, ended: ProcessError | null): void {
    const error = ended && this.explain(run, ended);
    if (error?.code === 'timeout') this.host.counts.timedOut++;
    if (run.adhoc) return run.finish(error);
    if (!error && run.spec.kind === 'service') this.noteQuickExit(run);
    const strategy = strategyFor(run.spec, error?.code ?? null);
    if (error && endsRun(strategy)) {
      this.noteRecovery(run, strategy, `${error.code}: no automatic start (recovery.${error.code} is "${strategy}")`);
      return run.finish(error);
    }
    if (run.spec.kind === 'job') this.jobEnded(run, error);
    else this.serviceEnded(run, error, strategy);
  }

  private jobEnded(run: Run, error: ProcessError | null): void {
    if (!error) return run.finish(null);
    const decision = decideRetry(run.spec.retry, run.attempts, error.code, this.host.random());
    if (!decision.retry) return run.finish(error);
    this.host.counts.retried++;
    this.host.backoff(run, decision.delayMs, error, `attempt ${run.attempts + 1}`);
  }

  /** A service's process ended by itself: its restart policy and recovery strategy decide. */
  private serviceEnded(run: Run, error: ProcessError | null, strategy: RecoveryStrategy): void {
    const now = this.host.now();
    const policy = run.spec.restart;
    const facts = { exitCode: run.exitCode, signal: run.signal, code: error?.code ?? null, ranForMs: now - (run.startedAt ?? now) };
    const decision = decideRestart(policy, facts, { restartTimes: run.restartTimes, consecutive: run.consecutiveRestarts }, now, this.host.random());
    const name = run.spec.name;
    switch (decision.action) {
      case 'complete':
        return run.finish(null);
      case 'fail':
        return run.finish(error ?? new ProcessError('exit-code', `"${name}" exited with code ${run.exitCode}.`));
      case 'give-up':
        return run.finish(
          new ProcessError(
            'crash-loop',
            `"${name}" gave up after ${decision.restarts} restarts in ${formatDuration(policy.windowMs)} (restart.maxRestarts). ` +
              `Last: ${error?.message ?? 'it exited'} Fix the cause, then start it again (Start or Restart).`,
            { exitCode: run.exitCode, signal: run.signal, cause: error },
          ),
        );
      case 'restart':
        break;
    }
    const live = this.host.liveInstances(name);
    const spec = this.host.spec(name);
    if (strategy === 'scaleDown' && spec && live.length > spec.instances.min) {
      this.noteRecovery(run, strategy, `${error?.code ?? 'exit'}: this instance is not restarted; ${live.length - 1} keep running`);
      return run.finish(error);
    }
    if (strategy === 'scaleUp' && spec && live.length < spec.instances.max) {
      this.host.startInstance(spec, freeInstance(live.map((r) => r.instance)));
    }
    run.restarts++;
    run.restartTimes.push(now);
    while (run.restartTimes.length > 0 && run.restartTimes[0] <= now - policy.windowMs) run.restartTimes.shift();
    run.consecutiveRestarts = decision.consecutive;
    // The backoff's own line says it: one line per restart.
    this.noteRecovery(run, strategy, `${error?.code ?? 'exit 0'}: restart ${run.restarts} in ${formatDuration(decision.delayMs)}`, false);
    this.host.backoff(run, decision.delayMs, error, `restart ${run.restarts}`);
  }

  /** A service that exits 0 at once is usually a watcher run without its TTY or watch flag: say so. */
  private noteQuickExit(run: Run): void {
    const now = this.host.now();
    const ranForMs = (run.exitedAt ?? now) - (run.startedAt ?? now);
    if (ranForMs >= QUICK_EXIT_MS) return;
    run.hint = `"${run.spec.name}" exited 0 after ${formatDuration(ranForMs)}: a service is expected to keep running; does it need a TTY or a --watch flag?`;
    run.system(run.hint);
  }

  /** A liveness probe failed past its threshold: apply the `hung` strategy (default restart). */
  handleHung(run: Run, message: string): void {
    const error = new ProcessError('hung', `"${run.spec.name}" stopped answering: ${message}.`);
    const strategy = strategyFor(run.spec, 'hung');
    if (endsRun(strategy)) {
      this.noteRecovery(run, strategy, `hung: left running (recovery.hung is "${strategy}")`);
      return;
    }
    const spec = this.host.spec(run.spec.name);
    if (strategy !== 'replace' || !spec) {
      run.terminate(error);
      return;
    }
    // Start the replacement first and stop the hung one only once the new one is ready.
    this.noteRecovery(run, strategy, 'hung: starting a replacement, stopping this one once it is ready');
    const fresh = this.host.startInstance(spec, freeInstance(this.host.liveInstances(spec.name).map((r) => r.instance)));
    const watch = this.host.onDidChange((snap) => {
      if (snap?.id !== fresh.id) return;
      if (fresh.ready) {
        watch.dispose();
        void run.stop(this.host.stopTimeoutMs());
      } else if (isFinal(fresh.state)) {
        watch.dispose();
        run.terminate(error);
      }
    });
  }

  /**
   * Reads the run's last output for what the exit code cannot say: resource exhaustion, or a port
   * another process holds (named, and marked when it is one of ours so the UI can offer to stop it).
   */
  private explain(run: Run, error: ProcessError): ProcessError {
    // The check before the start named the holder already.
    if (error.cause === PORT_TAKEN) return error;
    const recent = run.output.toArray(50).filter((l) => l.stream !== 'system').map((l) => l.text);
    const code = classifyFromOutput(error.code, recent);
    let message = code === error.code ? error.message : `${error.message.replace(/\.$/, '')}: its output shows it ran out of resources.`;
    run.portConflict = null;
    const port = portInUse(recent);
    if (port !== undefined) {
      const holder = findPortHolder(port);
      if (holder) {
        message = `${message.replace(/\.$/, '')}: port ${port} is in use by ${this.noteHolder(run, holder)}.`;
      } else {
        message = `${message.replace(/\.$/, '')}: port ${port} is already in use.`;
      }
    }
    if (code === error.code && message === error.message) return error;
    return new ProcessError(code, message, { exitCode: error.exitCode, signal: error.signal, cause: error });
  }

  /**
   * The check before a start of a definition that declares its `port`: a process already
   * listening there fails the start before anything is spawned (`spawn-failed`), named, and
   * marked when it is one of ours so the UI can offer to stop it. Null when the port is free.
   */
  portTaken(run: Run): ProcessError | null {
    run.portConflict = null;
    const port = declaredPort(run.spec, run.instance);
    if (port === undefined) return null;
    const inodes = listeningInodes(port);
    if (inodes.size === 0) return null;
    const holder = findPortHolder(port, inodes);
    const who = holder ? this.noteHolder(run, holder) : 'a process that cannot be seen from here';
    return new ProcessError('spawn-failed', `"${run.spec.name}" was not started: its port ${port} is in use by ${who}.`, { cause: PORT_TAKEN });
  }

  /** Records who holds the run's port (see `portConflict`); the holder as a message names it. */
  private noteHolder(run: Run, holder: PortHolder): string {
    const owner = this.runHolding(holder.pid);
    run.portConflict = { port: holder.port, pid: holder.pid, command: run.redact(holder.command), runId: owner?.id ?? null };
    const ours = owner ? `, which is "${owner.spec.name}" here` : '';
    return `pid ${holder.pid} (${run.portConflict.command.slice(0, 80)})${ours}`;
  }

  /** The live run whose process tree holds `pid`. */
  private runHolding(pid: number): Run | undefined {
    const all = this.host.table.all();
    return [...this.host.runs()].find(
      (r) => isActive(r.state) && r.pid !== null && (r.pid === pid || descendantsOf(this.host.table, r.pid, all).some((d) => d.pid === pid)),
    );
  }

  private noteRecovery(run: Run, strategy: RecoveryStrategy, reason: string, say = true): void {
    run.lastRecovery = { strategy, reason, at: this.host.now() };
    if (say) run.system(`Recovery: ${strategy} (${reason}).`);
  }

}
