import { performance } from 'node:perf_hooks';
import { isGone, type ProcessTable, type ProcStat } from '../procfs';
import type { HelperLink } from './helperLink';
import type { HelperReport, HostRequest, LaunchRequest } from './protocol';
import type { RemoteProcess } from './remoteProcess';

/** Heartbeats the helper may miss before it counts as stuck. */
const MISSED_BEATS = 3;
/** A helper that never answered yet may still be starting (a new Node, a busy machine). */
const STARTUP_LIMIT_MS = 10_000;
/**
 * How long a helper that has not answered but is still working (on a CPU or waiting for one, or
 * using CPU between beats) is given before it counts as stuck: on a busy machine, with many
 * services starting at once, its answers can be late by more than the missed beats allow, and
 * ending it takes the stdio of every run it holds.
 */
const BUSY_LIMIT_MS = 30_000;

export interface HelperGone {
  /** The launches it left without a final report. */
  orphans: RemoteProcess[];
  /** What happened to it, e.g. "killed by SIGKILL". */
  reason: string;
  /** It stopped answering and was killed, rather than ending by itself. */
  unresponsive: boolean;
}

/**
 * One run of the launcher helper: a Node process we talk to over a link (the IPC channel of the
 * one we started, or the session socket of one a previous window started), and the launches it
 * was asked for. A heartbeat finds a helper that stopped answering (SIGSTOP, a hang): it is then
 * killed and counted as gone. When it is gone, `onGone` gets the launches it left.
 */
export class HelperProcess {
  private readonly launches = new Map<number, RemoteProcess>();
  private readonly heartbeat: NodeJS.Timeout;
  private lastHeard = performance.now();
  private answered = false;
  private gone = false;
  /** The helper's CPU time at the last beat, while it does not answer (see stillWorking). */
  private cpuAtLastBeat: number | undefined;

  constructor(
    private readonly link: HelperLink,
    private readonly heartbeatMs: number,
    private readonly table: ProcessTable,
    private readonly onGone: (gone: HelperGone) => void,
    /** What else it reports (the session it listens on). */
    private readonly onReport: (report: HelperReport) => void = () => undefined,
  ) {
    link.onReport((report) => this.receive(report));
    link.onEnd((reason) => this.end(reason, false));
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs).unref();
  }

  get pid(): number | undefined {
    return this.link.pid;
  }

  /** Still able to take requests: started, connected, not exited, not found stuck. */
  get usable(): boolean {
    return !this.gone && this.link.usable;
  }

  /** A run a previous window started, taken back: its reports come here from now on. */
  adopt(id: number, remote: RemoteProcess): void {
    this.launches.set(id, remote);
  }

  launch(id: number, remote: RemoteProcess, request: LaunchRequest): void {
    this.launches.set(id, remote);
    this.send(request);
  }

  /**
   * Leaves the helper and its children running: it keeps them for its reconnect grace, then
   * stops them. Launches it never confirmed are killed; this host hears nothing more from it.
   */
  release(graceMs?: number): void {
    clearInterval(this.heartbeat);
    this.killUnconfirmed();
    this.gone = true;
    this.launches.clear();
    if (graceMs === undefined) return this.link.disconnect();
    this.link.send({ type: 'release', graceMs }, () => this.link.disconnect());
  }

  /** A reconnected host is ready for the stdio of the runs it took back. */
  attach(): void {
    this.send({ type: 'attach' });
  }

  /** Sets the pty size of a `tty` launch it confirmed. */
  resize(id: number, cols: number, rows: number): void {
    if (this.launches.has(id)) this.send({ type: 'resize', id, cols, rows });
  }

  /** Stops the helper; children it confirmed keep running, without the stdio it held. */
  stop(): void {
    clearInterval(this.heartbeat);
    this.killUnconfirmed();
    this.link.disconnect();
    // SIGKILL: a stopped helper would act on no other signal. Its children go with their pipes.
    this.link.kill();
  }

  private send(request: HostRequest): void {
    // A request that cannot be sent fails when the link reports the helper gone.
    this.link.send(request);
  }

  private beat(): void {
    // Judged after this turn's I/O: a reply that waited while the host was busy still counts.
    setImmediate(() => {
      if (this.gone) return;
      const silentMs = performance.now() - this.lastHeard;
      const limit = this.answered ? this.heartbeatMs * MISSED_BEATS : Math.max(STARTUP_LIMIT_MS, this.heartbeatMs * MISSED_BEATS);
      // From the first beat it missed, its process is read once a beat: stillWorking compares its CPU time with the last.
      const stat = silentMs < this.heartbeatMs * 2 ? undefined : this.helperStat();
      if (silentMs >= limit && !this.stillWorking(silentMs, stat)) return this.unresponsive(silentMs);
      this.cpuAtLastBeat = stat?.cpuTicks;
      this.send({ type: 'ping' });
    });
  }

  private helperStat(): ProcStat | undefined {
    const pid = this.link.pid;
    return pid === undefined ? undefined : this.table.stat(pid);
  }

  /**
   * Late, but not stuck: the helper is on a CPU or waiting for one, or used CPU since the last
   * beat (asleep with no earlier reading, it is watched one beat more), and BUSY_LIMIT_MS has not
   * passed. Stopped (SIGSTOP), or asleep without working over a beat, it is stuck.
   */
  private stillWorking(silentMs: number, stat: ProcStat | undefined): boolean {
    if (silentMs >= BUSY_LIMIT_MS || !stat || stat.state === 'T' || stat.state === 't') return false;
    return stat.state === 'R' || this.cpuAtLastBeat === undefined || stat.cpuTicks > this.cpuAtLastBeat;
  }

  /** Kills a helper that stopped answering; what waited on it fails at once. */
  private unresponsive(silentMs: number): void {
    this.killUnconfirmed();
    this.link.kill();
    this.end(`did not answer for ${(silentMs / 1000).toFixed(1)} s`, true);
  }

  /**
   * Children it started but never confirmed would run unseen once it is gone (their start fails,
   * their pid was never told): while they are still its children, they and their groups go.
   */
  private killUnconfirmed(): void {
    const pid = this.link.pid;
    if (pid === undefined || isGone(this.table, pid)) return;
    const confirmed = new Set([...this.launches.values()].map((r) => r.pid));
    for (const stat of this.table.all()) {
      if (stat.ppid !== pid || confirmed.has(stat.pid)) continue;
      for (const target of [-stat.pid, stat.pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  }

  private receive(report: HelperReport): void {
    this.lastHeard = performance.now();
    this.answered = true;
    if (report.type === 'pong') return;
    if (!('id' in report)) return this.onReport(report);
    const remote = this.launches.get(report.id);
    // A passed pipe goes to the run's streams by the link (ChildLink), never through here.
    if (!remote || report.type === 'pipe') return;
    if (report.type === 'spawned') {
      remote.spawned(report.pid, report.tty, report.ttyUnavailable);
      return;
    }
    // An error after the start is not the end of the process; its exit report still comes.
    if (report.type === 'failed' && remote.running) return;
    this.launches.delete(report.id);
    if (report.type === 'exit') remote.exited(report.exitCode, report.signal);
    else remote.failed(Object.assign(new Error(report.error.message), report.error));
  }

  private end(reason: string, unresponsive: boolean): void {
    if (this.gone) return;
    this.gone = true;
    clearInterval(this.heartbeat);
    const orphans = [...this.launches.values()];
    this.launches.clear();
    this.onGone({ orphans, reason, unresponsive });
  }
}
