import type { Disposable } from '../../core/events';
import type { HealthCheck, ProbeSpec } from '../../core/types';
import { ProbeCounter, type ProbeStatus } from './probeCounter';
import { runProbe, type ProbeContext } from './probes';
import { ProblemsReadiness } from './problemsReadiness';

/** What the tree and the API show of a run's health. */
export interface HealthState {
  /** `passing` means ready; `none` when the definition has no readiness probe. */
  readiness: 'none' | ProbeStatus;
  liveness: 'none' | ProbeStatus;
  /** Latency of the last active probe: the process's response time. */
  lastProbeMs: number | null;
  /** The last probe failure, or null. */
  message: string | null;
}

export interface HealthHooks {
  onChange(): void;
  /** Liveness failed past its threshold: the `hung` strategy applies. */
  onHung(message: string): void;
  log(text: string): void;
}

/** Waits, or less if aborted; leaves no listener on the signal either way (one wait per interval). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms).unref();
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Runs a process's readiness and liveness probes while it runs: readiness until it passes,
 * liveness for as long as the process lives. Each loop waits for its probe before the next, so
 * probes never pile up.
 */
export class HealthWatch implements Disposable {
  readonly state: HealthState;
  private readonly abort = new AbortController();
  private readonly logPattern: RegExp | undefined;
  private readonly rounds: ProblemsReadiness | undefined;

  constructor(
    private readonly check: HealthCheck | undefined,
    private readonly ctx: ProbeContext,
    private readonly hooks: HealthHooks,
  ) {
    this.state = {
      readiness: check?.readiness ? 'pending' : 'none',
      liveness: check?.liveness ? 'pending' : 'none',
      lastProbeMs: null,
      message: null,
    };
    if (check?.readiness?.type === 'log' && check.readiness.pattern !== undefined) {
      this.logPattern = new RegExp(check.readiness.pattern);
    }
    if (check?.readiness?.type === 'problems') this.rounds = new ProblemsReadiness(check.readiness.matchers ?? [], ctx.cwd);
  }

  /** True when dependents may start: no readiness probe, or it passed. */
  get ready(): boolean {
    return this.state.readiness === 'none' || this.state.readiness === 'passing';
  }

  /** `readyBefore`: a process taken back after a reload whose readiness had passed; not probed again. */
  start(readyBefore = false): void {
    const { readiness, liveness } = this.check ?? {};
    if (readiness && readyBefore) {
      this.state.readiness = 'passing';
      this.hooks.log('Ready: it was ready before the window reloaded.');
    } else if (readiness && readiness.type !== 'log' && readiness.type !== 'problems') void this.loop(readiness, 'readiness');
    if (liveness && liveness.type !== 'log') void this.loop(liveness, 'liveness');
  }

  /** Whether `onOutput` would look at the lines: a `log` or `problems` readiness probe not passed yet. */
  get wantsOutput(): boolean {
    return this.state.readiness !== 'passing' && (this.rounds !== undefined || this.logPattern !== undefined);
  }

  /** Output lines, for a `log` or `problems` readiness probe. */
  onOutput(lines: readonly string[]): void {
    if (this.state.readiness === 'passing') return;
    if (this.rounds) return this.onRounds(lines);
    if (!this.logPattern) return;
    const line = lines.find((l) => this.logPattern!.test(l));
    if (line === undefined) return;
    this.state.readiness = 'passing';
    this.hooks.log(`Ready: a line matched ${this.logPattern}: ${line.slice(0, 200)}`);
    this.hooks.onChange();
  }

  private onRounds(lines: readonly string[]): void {
    const verdict = this.rounds!.feed(lines);
    if (!verdict) return;
    if (verdict.ready) {
      this.state.readiness = 'passing';
      this.state.message = null;
      this.hooks.log('Ready: a round of the problem matcher ended with no errors.');
    } else {
      this.state.readiness = 'failing';
      this.state.message = `the last round ended with ${verdict.errors} error${verdict.errors === 1 ? '' : 's'}`;
      this.hooks.log(`Not ready: ${this.state.message}.`);
    }
    this.hooks.onChange();
  }

  private async loop(probe: ProbeSpec, kind: 'readiness' | 'liveness'): Promise<void> {
    const { signal } = this.abort;
    const counter = new ProbeCounter(probe.successThreshold, probe.failureThreshold);
    await sleep(probe.initialDelayMs, signal);
    while (!signal.aborted) {
      // A probe that throws (a malformed URL, say) is a failed probe, never an unhandled rejection.
      let result = await runProbe(probe, this.ctx, signal).catch((err: Error) => ({ ok: false, latencyMs: 0, message: err.message }));
      if (signal.aborted) return;
      const foreign = kind === 'readiness' && result.ok ? this.ctx.foreignPort?.(probe) : null;
      if (foreign) result = { ...result, ok: false, message: foreign };
      this.state.lastProbeMs = result.latencyMs;
      this.state.message = result.ok ? null : result.message;
      const changed = counter.record(result.ok);
      this.state[kind] = counter.status;
      if (changed) this.announce(kind, counter.status, result.message);
      this.hooks.onChange();
      if (kind === 'readiness' && counter.status === 'passing') return;
      if (kind === 'liveness' && counter.status === 'failing') {
        this.hooks.onHung(`liveness probe failed ${probe.failureThreshold} time(s) in a row: ${result.message}`);
        return;
      }
      await sleep(probe.intervalMs, signal);
    }
  }

  private announce(kind: 'readiness' | 'liveness', status: ProbeStatus, message: string): void {
    if (kind === 'readiness') this.hooks.log(status === 'passing' ? 'Ready: the readiness probe passed.' : `Not ready: ${message}.`);
    else if (status === 'failing') this.hooks.log(`Liveness probe failing: ${message}.`);
  }

  dispose(): void {
    this.abort.abort();
  }
}
