import * as net from 'node:net';
import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import { ProcessError } from '../core/errors';
import type { DebugSpec, ProcessSpec } from '../core/types';
import type { ProcessEngine } from '../engine/engine';
import { debugExtras } from '../engine/run/runExtras';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import type { OutputLine } from '../platform/outputRing';
import { CommandIds } from './commandIds';
import { attachConfiguration, inspectorPort, RUN_ID_FIELD } from './debugAttach';
import { toTarget, type CommandTarget } from './pickers';
import { registerCommand } from './registerCommand';

/** How long a Node run has to write its "Debugger listening on" line once it started. */
export const LISTENING_TIMEOUT_MS = 10_000;
/** After a session ended: time for the engine to see the process end, when that is why it ended. */
const SETTLE_MS = 500;

type DebuggedSpec = ProcessSpec & { debug: DebugSpec };

/** A run started for debugging: attached again after each automatic restart, until its session is ended by hand. */
interface Followed {
  readonly runId: string;
  readonly spec: DebuggedSpec;
  /** The attempt the debugger was (or is being) attached to. */
  attempt: number;
  /** Inspector ports attached in that attempt: a Node run's tree may hold several Node processes. */
  readonly ports: Set<number>;
  /** Its sessions, with the attempt each attached to. */
  readonly sessions: Map<vscode.DebugSession, number>;
  listening?: NodeJS.Timeout;
}

function isFinal(run: ProcessSnapshot): boolean {
  return run.state === 'completed' || run.state === 'failed' || run.state === 'terminated';
}

/**
 * "Debug": restarts a run with its definition's `debug` variables and arguments, attaches the
 * debugger (to the port Node reports, for the `node` preset), and attaches again after each
 * automatic restart. Which runs have a session attached is kept here, not in the engine.
 */
export class DebugSessions extends Disposable {
  private readonly followed = new Map<string, Followed>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** A run's debugging mark changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly engine: ProcessEngine,
    private readonly listeningTimeoutMs = LISTENING_TIMEOUT_MS,
  ) {
    super();
    this._register(engine.onDidOutput((e) => this.output(e.id, e)));
    this._register(engine.onDidChange((run) => run && this.runChanged(run)));
    this._register(vscode.debug.onDidStartDebugSession((s) => this.sessionStarted(s)));
    this._register(vscode.debug.onDidTerminateDebugSession((s) => this.sessionEnded(s)));
    this._register(registerCommand(CommandIds.debug, this.debug));
    this._register({ dispose: () => [...this.followed.values()].forEach((f) => clearTimeout(f.listening)) });
  }

  /** A debug session is attached to the run. */
  isDebugging(runId: string): boolean {
    return (this.followed.get(runId)?.sessions.size ?? 0) > 0;
  }

  /** `devProcesses.debug`: target as for restart; a definition that has no run yet is started. Resolves to the debug run's id. */
  readonly debug = async (target?: CommandTarget): Promise<string | undefined> => {
    const resolved = toTarget(target) ?? (await this.pickDefinition());
    if (resolved === undefined) return undefined;
    const run = this.engine.get(resolved);
    if (run?.adhoc) throw new ProcessError('invalid-argument', 'A typed command line cannot be debugged: add a definition with a "debug" field.');
    const name = run?.name ?? (typeof resolved === 'string' ? resolved : resolved.id);
    const spec = this.engine.definition(name);
    if (!spec) throw new ProcessError('not-found', `There is no definition named "${name}".`);
    if (!spec.debug) {
      throw new ProcessError('invalid-argument', `"${name}" has no "debug" field: add "debug": { "type": "node" } for a Node program, or an "attach" configuration for another debugger.`);
    }
    const extras = debugExtras(spec.debug);
    const id = run ? await this.engine.restart(run.id, { extras }) : await this.engine.spawn(name, { extras });
    this.follow(id, { ...spec, debug: spec.debug });
    return id;
  };

  private async pickDefinition(): Promise<string | undefined> {
    const names = this.engine.definitions().filter((s) => s.debug).map((s) => s.name);
    if (names.length === 0) {
      void vscode.window.showInformationMessage('Dev Processes: no definition has a "debug" field.');
      return undefined;
    }
    return vscode.window.showQuickPick(names, { placeHolder: 'Debug which service or job?' });
  }

  private follow(runId: string, spec: DebuggedSpec): void {
    this.followed.set(runId, { runId, spec, attempt: 0, ports: new Set(), sessions: new Map() });
    const run = this.engine.get(runId);
    if (run) this.runChanged(run);
  }

  private unfollow(f: Followed): void {
    clearTimeout(f.listening);
    if (this.followed.get(f.runId) !== f) return;
    this.followed.delete(f.runId);
    this.changed.fire();
  }

  /** A new attempt of a followed run: Node's gets a bounded wait for its line; any other, an attach once ready. */
  private runChanged(run: ProcessSnapshot): void {
    const f = this.followed.get(run.id);
    if (!f) return;
    if (isFinal(run)) return this.unfollow(f);
    if (run.attempts <= f.attempt) return;
    if (f.spec.debug.type === 'node') {
      if (run.state !== 'running') return;
      this.nextAttempt(f, run.attempts);
      const attempt = f.attempt;
      f.listening = setTimeout(() => this.noListeningLine(f, attempt), this.listeningTimeoutMs);
      f.listening.unref();
    } else if (run.ready) {
      this.nextAttempt(f, run.attempts);
      void this.attach(f);
    }
  }

  private nextAttempt(f: Followed, attempt: number): void {
    clearTimeout(f.listening);
    f.attempt = attempt;
    f.ports.clear();
  }

  private output(runId: string, e: { lines: OutputLine[] }): void {
    const f = this.followed.get(runId);
    if (!f || f.spec.debug.type !== 'node') return;
    // Only now: the event makes its line objects when asked.
    for (const line of e.lines) {
      const port = line.stream === 'system' ? undefined : inspectorPort(line.text);
      if (port === undefined) continue;
      // The line may come before the change that says the attempt runs.
      const attempt = this.engine.get(runId)?.attempts ?? f.attempt;
      if (attempt !== f.attempt) this.nextAttempt(f, attempt);
      clearTimeout(f.listening);
      if (f.ports.has(port)) continue;
      f.ports.add(port);
      void this.attach(f, port);
    }
  }

  private noListeningLine(f: Followed, attempt: number): void {
    if (this.followed.get(f.runId) !== f || f.attempt !== attempt || f.ports.size > 0) return;
    this.unfollow(f);
    const seconds = Math.round(this.listeningTimeoutMs / 1000);
    void vscode.window.showWarningMessage(
      `Dev Processes: "${f.spec.name}" wrote no "Debugger listening on" line within ${seconds} s, so no debugger was attached ("debug": { "type": "node" } needs a Node program). It keeps running.`,
    );
  }

  private async attach(f: Followed, port?: number): Promise<void> {
    const config = attachConfiguration(f.spec, f.runId, port) as vscode.DebugConfiguration;
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(f.spec.cwd)) ?? vscode.workspace.workspaceFolders?.[0];
    const attempt = f.attempt;
    const attached = await vscode.debug.startDebugging(folder, config).then((ok) => ok, () => false);
    const run = this.engine.get(f.runId);
    // A process that ended meanwhile is no failure of the debugger: its next attempt attaches again.
    if (attached || this.followed.get(f.runId) !== f || run?.state !== 'running' || run.attempts !== attempt) return;
    this.unfollow(f);
    void vscode.window.showWarningMessage(`Dev Processes: the debugger ("${String(config.type)}") could not attach to "${f.spec.name}"; it keeps running without one. Check "debug" in its definition.`);
  }

  private ownerOf(session: vscode.DebugSession): Followed | undefined {
    const id: unknown = session.configuration[RUN_ID_FIELD];
    return typeof id === 'string' ? this.followed.get(id) : undefined;
  }

  private sessionStarted(session: vscode.DebugSession): void {
    const f = this.ownerOf(session);
    // A debugger's child session (js-debug makes one per target) is its parent's business.
    if (!f || (session.parentSession && f.sessions.has(session.parentSession))) return;
    f.sessions.set(session, f.attempt);
    this.changed.fire();
  }

  private sessionEnded(session: vscode.DebugSession): void {
    const f = this.ownerOf(session);
    const attempt = f?.sessions.get(session);
    if (!f || attempt === undefined) return;
    f.sessions.delete(session);
    this.changed.fire();
    setTimeout(() => void this.endedByHand(f, session, attempt).then((byHand) => byHand && this.stopFollowing(f)), SETTLE_MS).unref();
  }

  /** The session ended while the process it debugged still runs: ended by the user, not by a crash. */
  private async endedByHand(f: Followed, session: vscode.DebugSession, attempt: number): Promise<boolean> {
    const run = this.engine.get(f.runId);
    if (this.followed.get(f.runId) !== f || f.sessions.size > 0 || run?.state !== 'running' || run.attempts !== attempt) return false;
    const port: unknown = session.configuration.port;
    return typeof port === 'number' && f.spec.debug.type === 'node' ? listening(port) : run.pid !== null && alive(run.pid);
  }

  /** No more attaching; with `stopWithSession` the run stops too. */
  private stopFollowing(f: Followed): void {
    this.unfollow(f);
    if (!f.spec.debug.stopWithSession) return;
    this.engine.kill(f.runId).catch((err: Error) => void vscode.window.showErrorMessage(`Dev Processes: ${err.message}`));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Something accepts connections on the loopback port: the inspector of a process still running. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(SETTLE_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
