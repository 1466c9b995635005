import { spawn, type ChildProcess } from 'node:child_process';
import type { HelperReport, LaunchRequest } from './protocol';
import type { RemoteProcess } from './remoteProcess';

/** Why the helper is gone, for the error of the launches it never confirmed. */
function describeEnd(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `killed by ${signal}`;
  return code === null ? 'could not be started' : `exit code ${code}`;
}

/**
 * One run of the launcher helper: a child Node process with an IPC channel, and the launches it
 * was asked for. When it is gone, `onGone` gets the launches it left without a final report.
 */
export class HelperProcess {
  private readonly child: ChildProcess;
  private readonly launches = new Map<number, RemoteProcess>();
  private gone = false;

  constructor(script: string, env: NodeJS.ProcessEnv, private readonly onGone: (orphans: RemoteProcess[], why: string) => void) {
    this.child = spawn(process.execPath, [script], {
      // stderr inherited: if the helper itself fails, its trace lands in the host's log.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env,
      windowsHide: true,
    });
    this.child.on('message', (report: HelperReport) => this.receive(report));
    // 'close' comes after both the exit and the end of the channel, so every report sent was read.
    this.child.once('close', (code, signal) => this.end(describeEnd(code, signal)));
    this.child.on('error', (err) => {
      if (this.child.pid === undefined) this.end(`could not be started: ${err.message}`);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Still able to take requests: started, connected, not exited. */
  get usable(): boolean {
    return !this.gone && this.child.connected && this.child.exitCode === null && this.child.signalCode === null;
  }

  launch(id: number, remote: RemoteProcess, request: LaunchRequest): void {
    this.launches.set(id, remote);
    // A request that cannot be sent fails when 'close' reports the helper gone.
    this.child.send(request, () => undefined);
  }

  /** Stops the helper; children it started keep running. */
  stop(): void {
    if (this.child.connected) this.child.disconnect();
    this.child.kill('SIGTERM');
  }

  private receive(report: HelperReport): void {
    const remote = this.launches.get(report.id);
    if (!remote) return;
    if (report.type === 'spawned') {
      remote.spawned(report.pid);
      return;
    }
    // An error after the start is not the end of the process; its exit report still comes.
    if (report.type === 'failed' && remote.running) return;
    this.launches.delete(report.id);
    if (report.type === 'exit') remote.exited(report.exitCode, report.signal);
    else remote.failed(Object.assign(new Error(report.error.message), report.error));
  }

  private end(why: string): void {
    if (this.gone) return;
    this.gone = true;
    const left = [...this.launches.values()];
    this.launches.clear();
    this.onGone(left, why);
  }
}
