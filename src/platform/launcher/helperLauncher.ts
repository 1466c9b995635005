import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Emitter, type Disposable } from '../../core/events';
import type { ProcessTable } from '../procfs';
import { processTable } from '../processes';
import { ChildLink, SocketLink } from './helperLink';
import { HelperProcess, type HelperGone } from './helperProcess';
import { groupExists, killTree } from '../killTree';
import { RUN_MARKER } from '../records';
import { connectSession, type SessionInfo } from './sessionClient';
import type { HeldRunInfo, HelperReport } from './protocol';
import { HELPER_BUNDLE, helperUsable, startHelper } from './helperStart';
import { DEFAULT_REPLAY_BYTES } from './replayBuffer';
import { RemoteProcess } from './remoteProcess';
import { StdioServer } from './stdioServer';
import type { LaunchedProcess, LaunchOptions, Launcher, LauncherLoss, ReconnectResult } from './types';

/**
 * Where the helper's bundle is: beside this code (dist/, in the extension), else in the package's
 * dist/ (tests and benchmarks bundled to out/).
 */
export function findHelperScript(from = __dirname): string {
  const beside = path.join(from, HELPER_BUNDLE);
  if (fs.existsSync(beside)) return beside;
  for (let dir = from; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const inDist = path.join(dir, 'dist', HELPER_BUNDLE);
    if (fs.existsSync(inDist)) return inDist;
  }
  return beside;
}

export interface HelperLauncherOptions {
  /** The helper's bundle; found by `findHelperScript` by default. */
  helperScript?: string;
  /** Where a child whose helper died is followed until it ends; the process backend's table by default. */
  table?: ProcessTable;
  /**
   * How often the helper is asked whether it still answers, in ms (default 1000). Silent for
   * three of these, it counts as stuck: it is killed and replaced, and what waited on it fails.
   */
  heartbeatMs?: number;
  /**
   * Where the helper looks for node-pty for a `tty` launch, in order; by default beside its
   * bundle, then in node_modules (see `defaultPtyModules`).
   */
  ptyModules?: string[];
  /**
   * How long the helper keeps its children once this host is gone (released, crashed, killed),
   * for a window that reconnects; then it stops them all. Default 0: stopped at once.
   */
  reconnectGraceMs?: number;
  /** Between SIGTERM and SIGKILL when the helper stops its children itself (default 3000). */
  stopGraceMs?: number;
  /** Bytes of recent output the helper keeps per run for a reconnecting window (default 1 MiB). */
  replayBytes?: number;
  /** Where a started helper can be found again by a later window (to keep in the workspace's storage). */
  onSession?: (info: SessionInfo) => void;
  /**
   * A helper process started ahead of this launcher (`startHelper`, before the extension's bundle
   * loaded): the first helper this launcher needs is that one, not another. Ended by `dispose`, or
   * by a reconnect that takes over a previous window's helper, if it was never needed.
   */
  started?: ChildProcess;
}

/** A run a previous window left to the helper, taken back, until the engine's run claims it. */
interface Reclaimable {
  remote: RemoteProcess;
  info: HeldRunInfo;
}

/**
 * Launches through a small helper process (launcherHost.ts), so that the caller's event loop
 * never waits for fork(), whose cost grows with the caller's memory (bench/README.md has the
 * figures). The helper starts with the first launch and again with the
 * first launch after it died. A launch it never confirmed then fails; a child it started keeps
 * running, is still stopped by process group, and its end is read from the process table, without
 * an exit status (`launcher-lost`): only a parent can read that, and Node cannot make the host the
 * children's subreaper. A helper lost with processes in its hands is replaced at once and
 * `onDidLose` says so.
 */
export class HelperLauncher implements Launcher, Disposable {
  private helper: HelperProcess | undefined;
  private stdio: StdioServer | undefined;
  private readonly table: ProcessTable;
  private readonly helperScript: string;
  private readonly heartbeatMs: number;
  private readonly ptyModules: string[] | undefined;
  private readonly keep: Pick<HelperLauncherOptions, 'reconnectGraceMs' | 'stopGraceMs' | 'replayBytes'>;
  private readonly lossEmitter = new Emitter<LauncherLoss>();
  private seq = 0;
  private disposed = false;
  private readonly reclaimable = new Map<string, Reclaimable>();
  private readonly unclaimedStops = new Set<Promise<unknown>>();
  private readonly onSession: ((info: SessionInfo) => void) | undefined;
  private started: ChildProcess | undefined;

  readonly onDidLose = this.lossEmitter.event;

  constructor(options: HelperLauncherOptions = {}) {
    this.helperScript = options.helperScript ?? findHelperScript();
    this.table = options.table ?? processTable;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.ptyModules = options.ptyModules;
    this.keep = options;
    this.onSession = options.onSession;
    this.started = options.started;
  }

  /** The running helper's pid, if one runs. */
  get helperPid(): number | undefined {
    return this.helper?.usable ? this.helper.pid : undefined;
  }

  launch(opts: LaunchOptions): LaunchedProcess {
    const claimed = this.claim(opts.env[RUN_MARKER]);
    if (claimed) return claimed;
    const remote = new RemoteProcess();
    const id = ++this.seq;
    let helper: HelperProcess;
    let stdio: StdioServer;
    try {
      ({ helper, stdio } = this.ready());
    } catch (err) {
      // Listeners are attached after launch() returns; report once they are.
      queueMicrotask(() => remote.failed(err as Error));
      return remote;
    }
    stdio.expect(id, remote.streams, helper.pid);
    remote.onError(() => stdio.forget(id));
    remote.resizer = (cols, rows) => helper.resize(id, cols, rows);
    const { command, args, cwd, env, shell, tty } = opts;
    helper.launch(id, remote, { type: 'launch', id, command, args, cwd, env, shell, tty });
    return remote;
  }

  /**
   * Starts the helper ahead of the first launch, so that launch does not wait for the helper's own
   * start. Nothing when one runs or this launcher was shut down; a failure is left for the first
   * launch to report.
   */
  prepare(): void {
    if (this.disposed || this.helper?.usable) return;
    try {
      this.ready();
    } catch {
      // The first launch says why.
    }
  }

  /**
   * Stops the helper and the stdio server. Children keep running, the engine stops those; their
   * streams stay connected and their ends are read from the process table, so that stop completes.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dropStarted();
    this.helper?.stop();
    this.helper = undefined;
    this.stdio?.dispose();
    this.lossEmitter.dispose();
  }

  /**
   * Leaves the running children to the helper, which keeps them for its reconnect grace (a window
   * reload) and then stops them; this launcher is shut down. Without a helper, as `dispose`.
   * `graceMs` replaces the grace the helper was started with.
   */
  release(graceMs?: number): void {
    if (this.disposed) return;
    this.helper?.release(graceMs);
    this.helper = undefined;
    this.dispose();
  }

  /**
   * Takes over the helper a previous window left (docs/sessions.md): proves its token, and gets its
   * runs back, to be claimed by the engine's runs of the same ids (`launch` with their run marker).
   * A wrong or stale token is refused; a helper that does not answer within `timeoutMs` is gone,
   * and is ended (`endGivenUp`).
   */
  async reconnect(info: SessionInfo, timeoutMs = 3000): Promise<ReconnectResult> {
    const result = await this.takeOver(info, timeoutMs);
    if (result.status === 'gone') this.endGivenUp(info);
    return result;
  }

  private async takeOver(info: SessionInfo, timeoutMs: number): Promise<ReconnectResult> {
    if (this.disposed || this.helper) return { status: 'gone', reason: 'this window already has a launcher helper' };
    const stdio = (this.stdio ??= new StdioServer(this.table));
    const answer = await connectSession(info, { stdioSocket: stdio.socketPath, stdioToken: stdio.token }, timeoutMs);
    if (answer.status !== 'welcome') return answer;
    if (this.disposed || this.helper) {
      answer.socket.destroy();
      return { status: 'gone', reason: 'this window started a launcher helper meanwhile' };
    }
    const { socket, welcome, reports } = answer;
    this.dropStarted();
    const helper = new HelperProcess(new SocketLink(socket, welcome.pid, reports), this.heartbeatMs, this.table, (gone) => this.helperGone(gone), (r) => this.sessionReport(r));
    this.helper = helper;
    for (const run of welcome.runs) {
      this.seq = Math.max(this.seq, run.id);
      const remote = new RemoteProcess();
      if (!run.exit) {
        stdio.expect(run.id, remote.streams, welcome.pid);
        remote.resizer = (cols, rows) => helper.resize(run.id, cols, rows);
        helper.adopt(run.id, remote);
      }
      if (run.runId) this.reclaimable.set(run.runId, { remote, info: run });
    }
    helper.attach();
    return { status: 'welcome', runs: welcome.runs.map(({ runId, pid, exit }) => ({ runId, pid, exit })) };
  }

  /** A run taken back by `reconnect` is waiting for the engine's run of this id. */
  reclaims(runId: string): boolean {
    return this.reclaimable.has(runId);
  }

  /**
   * Stops the trees of the runs taken back that the engine made no run for (it knows nothing of
   * them). `kept` are the ids it made runs for: those claim their process when their start gets to
   * the launch, which may be later (an env file to read first).
   */
  dropUnclaimed(kept: Iterable<string>): void {
    const keep = new Set(kept);
    for (const runId of [...this.reclaimable.keys()]) if (!keep.has(runId)) this.stopUnclaimed(runId);
  }

  /**
   * The process kept for this run id, if no run claimed it, is stopped as any tree is: SIGTERM to
   * its group and descendants, SIGKILL after the stop grace, and what left the group found by its
   * run marker. A run taken back whose start failed before it claimed it. Returns its pid, if it
   * still ran; `stopped` settles once the tree is gone.
   */
  stopUnclaimed(runId: string): number | undefined {
    const found = this.reclaimable.get(runId);
    if (!found) return undefined;
    this.reclaimable.delete(runId);
    const { pid, exit } = found.info;
    if (exit || !groupExists(pid)) return undefined;
    // The helper is still the leader's parent and has not reaped it, so the pid is that process.
    const stopping = killTree({ pid, graceMs: this.keep.stopGraceMs ?? 3000, table: this.table, envMarker: `${RUN_MARKER}=${runId}` });
    this.unclaimedStops.add(stopping);
    void stopping.finally(() => this.unclaimedStops.delete(stopping));
    return pid;
  }

  /** Settles once every tree `stopUnclaimed` began is gone. */
  async unclaimedStopped(): Promise<void> {
    await Promise.allSettled([...this.unclaimedStops]);
  }

  /** The run of this id was taken back: its process, its output replayed, its end if it came meanwhile. */
  private claim(runId: string | undefined): LaunchedProcess | undefined {
    const found = runId === undefined ? undefined : this.reclaimable.get(runId);
    if (!found) return undefined;
    this.reclaimable.delete(runId!);
    const { remote, info } = found;
    // The run attaches its listeners once launch() returns.
    queueMicrotask(() => {
      remote.streams.replay(info.replay.map(([index, data]) => [index, Buffer.from(data, 'base64')]));
      remote.spawned(info.pid, info.tty === true);
      if (!info.exit) return;
      remote.streams.abandon();
      remote.exited(info.exit.exitCode, info.exit.signal);
    });
    return remote;
  }

  private sessionReport(report: HelperReport): void {
    if (report.type !== 'session') return;
    const pid = this.helper?.pid;
    const startTime = pid === undefined ? undefined : this.table.stat(pid)?.startTime;
    this.onSession?.({ socketPath: report.socketPath, token: report.token, ...(startTime !== undefined && { pid, startTime }) });
  }

  /**
   * A helper given up on (it did not answer, or its socket is gone) must not stop, once its grace
   * ends, what this window adopts from the records meanwhile: it is ended now, if it is provably
   * the one the session names (pid and start time). SIGKILL: a stopped helper acts on no other
   * signal, and its own stop of every tree must not run. Its children run on, to be adopted.
   */
  private endGivenUp(info: SessionInfo): void {
    if (info.pid === undefined || info.startTime === undefined || this.table.stat(info.pid)?.startTime !== info.startTime) return;
    try {
      process.kill(info.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  private ready(): { helper: HelperProcess; stdio: StdioServer } {
    if (this.disposed) throw new Error('the process launcher was shut down');
    // The helper's own Node start is the longest step before a spawn: begun before the stdio
    // server's directory and socket are made, it runs beside them. Kept for the next launch if
    // the server cannot listen (and ended by dispose, or by itself without a setup).
    if (!this.helper?.usable) this.started = this.takeStarted() ?? this.startHelper();
    this.stdio ??= new StdioServer(this.table);
    if (this.stdio.error) throw new Error(`the launcher cannot listen on ${this.stdio.socketPath}: ${this.stdio.error.message}`);
    if (!this.helper?.usable) {
      const link = new ChildLink(this.takeStarted() ?? this.startHelper(), this.stdio);
      // The helper's first request, before any launch: where to connect, how to keep its runs.
      link.send({
        type: 'setup',
        socketPath: this.stdio.socketPath,
        token: this.stdio.token,
        graceMs: this.keep.reconnectGraceMs ?? 0,
        stopGraceMs: this.keep.stopGraceMs ?? 3000,
        replayBytes: this.keep.replayBytes ?? DEFAULT_REPLAY_BYTES,
        ...(this.ptyModules && { ptyModules: this.ptyModules }),
        reportBatches: true,
        linkReports: true,
      });
      this.helper = new HelperProcess(link, this.heartbeatMs, this.table, (gone) => this.helperGone(gone), (r) => this.sessionReport(r));
    }
    return { helper: this.helper, stdio: this.stdio };
  }

  private startHelper(): ChildProcess {
    if (!fs.existsSync(this.helperScript)) {
      throw new Error(`the launcher helper ${this.helperScript} does not exist (build it with "node esbuild.js")`);
    }
    return startHelper(this.helperScript);
  }

  /** The helper started ahead, once, if it can still be used (else it is ended). */
  private takeStarted(): ChildProcess | undefined {
    const started = this.started;
    this.started = undefined;
    if (started && helperUsable(started)) return started;
    if (started) killStarted(started);
    return undefined;
  }

  private dropStarted(): void {
    if (this.started) killStarted(this.started);
    this.started = undefined;
  }

  private helperGone({ orphans, reason, unresponsive }: HelperGone): void {
    const what = unresponsive ? `${reason} and was replaced` : `ended (${reason})`;
    const error = this.disposed ? 'the process launcher was shut down' : `the launcher helper process ${what} before confirming the start`;
    let running = 0;
    for (const remote of orphans) {
      if (remote.running) {
        running++;
        remote.followWithoutHelper(this.table);
      } else {
        remote.failed(new Error(error));
      }
    }
    if (this.disposed || orphans.length === 0) return;
    // Replaced now, so the notice is true. Never a loop: a new helper that dies with nothing in its hands is not replaced.
    try {
      this.ready();
    } catch {
      // The next launch reports why.
    }
    this.lossEmitter.fire({ reason, running, failedStarts: orphans.length - running });
  }
}

/** A helper started ahead that no launcher took: it holds no children yet, so SIGKILL leaves nothing behind. */
function killStarted(child: ChildProcess): void {
  if (child.connected) child.disconnect();
  child.kill('SIGKILL');
}
