import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Disposable } from '../../core/events';
import type { ProcessTable } from '../procfs';
import { processTable } from '../processes';
import { privateSocketDir } from '../privateDir';
import type { LaunchStreams } from './launchStreams';
import { FrameReader, MAX_LINK_HEADER_BYTES, parseLinkHeader, readReport, writeFrame } from './dataFrames';
import type { HelperReport } from './protocol';

export { OWNER_FILE, removeStaleSocketDirs } from '../privateDir';

const DIR_PREFIX = 'dpm-launcher-';

/** A fresh directory only we can reach (0700), its owner recorded so a later host can remove it once we are gone. */
export function privateDir(table: ProcessTable): string {
  return privateSocketDir(DIR_PREFIX, table);
}

/**
 * The host's end of the children's stdio: a Unix socket server in a private directory. Each
 * helper connects once (dataFrames.ts), and that data link carries the stdio of all its runs.
 */
export class StdioServer implements Disposable {
  readonly token = randomBytes(16).toString('hex');
  readonly socketPath: string;
  /** Set if the server could not listen; launches then fail with it. */
  error: Error | undefined;
  private readonly dir: string;
  private readonly server: net.Server;
  /** Launches by id, with the pid of the helper whose link carries them. */
  private readonly runs = new Map<number, { streams: LaunchStreams; helper: number | undefined }>();
  /** Data links by helper pid. */
  private readonly links = new Map<number, net.Socket>();
  /** Who reads the run reports that come over a helper's link, by helper pid. */
  private readonly reports = new Map<number, (report: HelperReport) => void>();

  constructor(table: ProcessTable = processTable) {
    this.dir = privateDir(table);
    this.socketPath = path.join(this.dir, 's');
    // Half-open allowed: a link is destroyed at EOF without a shutdown() first.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server.on('error', (err) => (this.error = err));
    this.server.listen(this.socketPath);
    // A host that exits without disposing still leaves no socket behind in the temp directory.
    process.once('exit', this.removeDir);
  }

  /** Streams of a launch by the helper of this pid, whose output comes over its link. */
  expect(id: number, streams: LaunchStreams, helper: number | undefined): void {
    this.runs.set(id, { streams, helper });
    streams.whenDone(() => {
      if (this.runs.get(id)?.streams === streams) this.runs.delete(id);
    });
    const link = helper === undefined ? undefined : this.links.get(helper);
    if (link) this.bind(link, id, streams);
  }

  /** The run reports that come over the link of the helper of this pid (see `LinkSide`). */
  onReports(helper: number, listener: (report: HelperReport) => void): () => void {
    this.reports.set(helper, listener);
    return () => {
      if (this.reports.get(helper) === listener) this.reports.delete(helper);
    };
  }

  /** `listener` once the link of the helper of this pid is closed, or at once if it has none. */
  whenClosed(helper: number, listener: () => void): void {
    const link = this.links.get(helper);
    if (link) link.once('close', () => listener());
    else listener();
  }

  /** A pipe the helper of this pid passed for a run's stream (pipeHandoff.ts). */
  pipe(helper: number, id: number, index: 1 | 2, pipe: net.Socket): void {
    const run = this.runs.get(id);
    if (run?.helper === helper) run.streams.pipe(index, pipe);
    else pipe.destroy();
  }

  /** The launch failed: its output will not come, or is not wanted. */
  forget(id: number): void {
    this.runs.get(id)?.streams.abandon();
    this.runs.delete(id);
  }

  /**
   * Runs whose helper never connected end now; those on a link go on until it closes, relayed:
   * pipes read here go back to the helper, so its replay has their last bytes for the next window.
   */
  dispose(): void {
    for (const [id, { helper, streams }] of [...this.runs]) {
      if (helper === undefined || !this.links.has(helper)) this.forget(id);
      else streams.giveBack();
    }
    this.server.close();
    process.off('exit', this.removeDir);
    this.removeDir();
  }

  private readonly removeDir = () => fs.rmSync(this.dir, { recursive: true, force: true });

  private bind(link: net.Socket, id: number, streams: LaunchStreams): void {
    streams.bind((kind, data) => {
      if (!link.destroyed) writeFrame(link, kind, id, data);
    });
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => undefined);
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf(0x0a);
      if (end < 0) {
        if (head.length > MAX_LINK_HEADER_BYTES) socket.destroy();
        return;
      }
      socket.off('data', onData);
      const helper = parseLinkHeader(head.toString('latin1', 0, end), this.token);
      if (helper === undefined) return void socket.destroy();
      this.join(socket, helper, head.subarray(end + 1));
    };
    socket.on('data', onData);
  }

  /** A helper's data link: its frames go to its runs; its end ends their streams. */
  private join(socket: net.Socket, helper: number, first: Buffer): void {
    this.links.set(helper, socket);
    for (const [id, run] of this.runs) if (run.helper === helper) this.bind(socket, id, run.streams);
    const reader = new FrameReader((kind, id, data) => {
      const report = readReport(kind, id, data);
      if (report) return this.reports.get(helper)?.(report);
      const run = this.runs.get(id);
      if (run?.helper === helper) run.streams.frame(kind, data);
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    // Nothing more comes from a helper at EOF.
    socket.once('end', () => socket.destroy());
    socket.once('close', () => {
      if (this.links.get(helper) === socket) this.links.delete(helper);
      for (const [id, run] of [...this.runs]) if (run.helper === helper) this.forget(id);
    });
    // The frames that came in the same read as the header.
    if (first.length > 0) reader.push(first);
  }
}
