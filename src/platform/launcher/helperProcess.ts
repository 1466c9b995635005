import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { isGone, type ProcessTable } from '../procfs';
import type { HelperReport, HostRequest, LaunchRequest } from './protocol';
import type { RemoteProcess } from './remoteProcess';

/** Heartbeats the helper may miss before it counts as stuck. */
const MISSED_BEATS = 3;
/** A helper that never answered yet may still be starting (a new Node, a busy machine). */
const STARTUP_LIMIT_MS = 10_000;

/** Why the helper is gone, for the error of the launches it never confirmed. */
function describeEnd(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `killed by ${signal}`;
  return code === null ? 'could not be started' : `exit code ${code}`;
}

export interface HelperGone {
  /** The launches it left without a final report. */
  orphans: RemoteProcess[];
  /** What happened to it, e.g. "killed by SIGKILL". */
  reason: string;
  /** It stopped answering and was killed, rather than ending by itself. */
  unresponsive: boolean;
}

/**
 * One run of the launcher helper: a child Node process with an IPC channel, and the launches it
 * was asked for. A heartbeat finds a helper that stopped answering (SIGSTOP, a hang): it is then
 * killed and counted as gone. When it is gone, `onGone` gets the launches it left.
 */
export class HelperProcess {
  private readonly child: ChildProcess;
  private readonly launches = new Map<number, RemoteProcess>();
  private readonly heartbeat: NodeJS.Timeout;
  private lastHeard = performance.now();
  private answered = false;
  private gone = false;

  constructor(
    script: string,
    env: NodeJS.ProcessEnv,
    private readonly heartbeatMs: number,
    private readonly table: ProcessTable,
    private readonly onGone: (gone: HelperGone) => void,
  ) {
    this.child = spawn(process.execPath, [script], {
      // stderr inherited: if the helper itself fails, its trace lands in the host's log.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env,
      // A group of its own: whatever takes the host's group down (a closing window) leaves it
      // to keep the children for the reconnect grace.
      detached: true,
      windowsHide: true,
    });
    this.child.on('message', (report: HelperReport) => this.receive(report));
    // 'close' comes after both the exit and the end of the channel, so every report sent was read.
    this.child.once('close', (code, signal) => this.end(describeEnd(code, signal), false));
    this.child.on('error', (err) => {
      if (this.child.pid === undefined) this.end(`could not be started: ${err.message}`, false);
    });
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs).unref();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Still able to take requests: started, connected, not exited, not found stuck. */
  get usable(): boolean {
    return !this.gone && this.child.connected && this.child.exitCode === null && this.child.signalCode === null;
  }

  launch(id: number, remote: RemoteProcess, request: LaunchRequest): void {
    this.launches.set(id, remote);
    this.send(request);
  }

  /**
   * Leaves the helper and its children running: it keeps them for its reconnect grace, then
   * stops them. Launches it never confirmed are killed; this host hears nothing more from it.
   */
  release(): void {
    clearInterval(this.heartbeat);
    this.killUnconfirmed();
    this.gone = true;
    this.launches.clear();
    if (this.child.connected) this.child.disconnect();
  }

  /** Sets the pty size of a `tty` launch it confirmed. */
  resize(id: number, cols: number, rows: number): void {
    if (this.launches.has(id)) this.send({ type: 'resize', id, cols, rows });
  }

  /** Stops the helper; children it confirmed keep running. */
  stop(): void {
    clearInterval(this.heartbeat);
    this.killUnconfirmed();
    if (this.child.connected) this.child.disconnect();
    // SIGKILL: it holds nothing to clean up, and a stopped helper would act on no other signal.
    this.child.kill('SIGKILL');
  }

  private send(request: HostRequest): void {
    // A request that cannot be sent fails when 'close' reports the helper gone.
    if (this.child.connected) this.child.send(request, () => undefined);
  }

  private beat(): void {
    // Judged after this turn's I/O: a reply that waited while the host was busy still counts.
    setImmediate(() => {
      if (this.gone) return;
      const silentMs = performance.now() - this.lastHeard;
      const limit = this.answered ? this.heartbeatMs * MISSED_BEATS : Math.max(STARTUP_LIMIT_MS, this.heartbeatMs * MISSED_BEATS);
      if (silentMs >= limit) this.unresponsive(silentMs);
      else this.send({ type: 'ping' });
    });
  }

  /** Kills a helper that stopped answering; what waited on it fails at once. */
  private unresponsive(silentMs: number): void {
    this.killUnconfirmed();
    this.child.kill('SIGKILL');
    this.end(`did not answer for ${(silentMs / 1000).toFixed(1)} s`, true);
  }

  /**
   * Children it started but never confirmed would run unseen once it is gone (their start fails,
   * their pid was never told): while they are still its children, they and their groups go.
   */
  private killUnconfirmed(): void {
    const pid = this.child.pid;
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
    const remote = this.launches.get(report.id);
    if (!remote) return;
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
