import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { helperUsable } from './helperStart';
import { writeJson } from './jsonLines';
import type { HelperReport, HostRequest, ReportBatch } from './protocol';

/**
 * How the host talks to its helper: the IPC channel of the helper it started, or the session
 * socket of a helper a previous window started.
 */
export interface HelperLink {
  readonly pid: number | undefined;
  /** Requests can be sent: connected, and the helper not known to have ended. */
  readonly usable: boolean;
  /** `sent` is called once the request was handed to the channel (or could not be). */
  send(request: HostRequest, sent?: () => void): void;
  /** `handle` is what came with the report over an IPC channel (a passed pipe). */
  onReport(listener: (report: HelperReport, handle?: unknown) => void): void;
  /** Once, when the link is gone, with why (e.g. "killed by SIGKILL"). Every report sent before was read. */
  onEnd(listener: (reason: string) => void): void;
  /** Lets go without stopping the helper. */
  disconnect(): void;
  /** SIGKILL to the helper. */
  kill(): void;
}

/** Why the helper is gone, for the error of the launches it never confirmed. */
function describeEnd(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `killed by ${signal}`;
  return code === null ? 'could not be started' : `exit code ${code}`;
}

/** A helper this host started (see `startHelper`), over Node's IPC channel. */
export class ChildLink implements HelperLink {
  constructor(private readonly child: ChildProcess) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  get usable(): boolean {
    return helperUsable(this.child);
  }

  send(request: HostRequest, sent: () => void = () => undefined): void {
    // A request that cannot be sent fails when 'close' reports the helper gone.
    if (this.child.connected) this.child.send(request, () => sent());
    else sent();
  }

  onReport(listener: (report: HelperReport, handle?: unknown) => void): void {
    this.child.on('message', (message, handle) => {
      const report = message as HelperReport | ReportBatch;
      if (report.type !== 'reports') return listener(report, handle);
      for (const each of report.reports) listener(each);
    });
  }

  onEnd(listener: (reason: string) => void): void {
    // 'close' comes after both the exit and the end of the channel, so every report sent was read.
    this.child.once('close', (code, signal) => listener(describeEnd(code, signal)));
    this.child.on('error', (err) => {
      if (this.child.pid === undefined) listener(`could not be started: ${err.message}`);
    });
  }

  disconnect(): void {
    if (this.child.connected) this.child.disconnect();
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** A helper a previous window started, over its session socket (JSON lines), after the welcome. */
export class SocketLink implements HelperLink {
  constructor(
    private readonly socket: Socket,
    readonly pid: number,
    private readonly reports: (listener: (message: unknown) => void) => void,
  ) {}

  get usable(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  send(request: HostRequest, sent?: () => void): void {
    writeJson(this.socket, request);
    sent?.();
  }

  onReport(listener: (report: HelperReport) => void): void {
    this.reports((message) => listener(message as HelperReport));
  }

  onEnd(listener: (reason: string) => void): void {
    this.socket.once('close', () => listener('its connection closed'));
  }

  disconnect(): void {
    this.socket.end();
  }

  kill(): void {
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    this.socket.destroy();
  }
}
