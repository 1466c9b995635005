import type { ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
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
  /** A passed pipe is not a report: the link hands it to the run's streams itself. */
  onReport(listener: (report: HelperReport) => void): void;
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

/**
 * The host's end of the helpers' data links (StdioServer), for what comes there besides output: the
 * runs' reports of a helper whose setup asked for them there, and the pipes it passes.
 */
export interface LinkSide {
  /** The run reports that come over the data link of the helper of this pid; returns the unsubscribe. */
  onReports(helper: number, listener: (report: HelperReport) => void): () => void;
  /** Calls `listener` once no data link of this helper is open (at once if none is): all it sent was read. */
  whenClosed(helper: number, listener: () => void): void;
  /** A pipe the helper passed for a run's stream: to the run's streams while they last, else closed. */
  pipe(helper: number, id: number, index: 1 | 2, pipe: Socket): void;
}

/**
 * Longest a helper's end waits for its data link to close: its process is gone and the kernel
 * closes the link with it, so this bounds only the unforeseen.
 */
const LINK_CLOSE_LIMIT_MS = 2000;

/**
 * A helper this host started (see `startHelper`), over Node's IPC channel; its runs' reports come
 * over its data link at `side` (the host's setup says so), and so its end is known once both the
 * channel and the link are closed.
 */
export class ChildLink implements HelperLink {
  constructor(
    private readonly child: ChildProcess,
    private readonly side: LinkSide,
  ) {}

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

  onReport(listener: (report: HelperReport) => void): void {
    const { side } = this;
    const pid = this.child.pid;
    this.child.on('message', (message, handle) => {
      const report = message as HelperReport | ReportBatch;
      // To the run's streams, not through its launch: the pipe may come after the exit on the link.
      if (report.type === 'pipe') {
        if (!(handle instanceof Socket)) return;
        // A pipe with no run to go to is closed: the helper reads on at its own descriptor.
        if (pid === undefined) handle.destroy();
        else side.pipe(pid, report.id, report.index, handle);
        return;
      }
      if (report.type !== 'reports') return listener(report);
      for (const each of report.reports) listener(each);
    });
    if (pid === undefined) return;
    const unsubscribe = side.onReports(pid, listener);
    this.child.once('close', () => side.whenClosed(pid, unsubscribe));
  }

  onEnd(listener: (reason: string) => void): void {
    // 'close' comes after both the exit and the end of the channel, so every report sent there was
    // read; those on the data link are read once it closes too.
    this.child.once('close', (code, signal) => {
      const reason = describeEnd(code, signal);
      const pid = this.child.pid;
      if (pid === undefined) return listener(reason);
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        clearTimeout(limit);
        listener(reason);
      };
      const limit = setTimeout(end, LINK_CLOSE_LIMIT_MS).unref();
      this.side.whenClosed(pid, end);
    });
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
