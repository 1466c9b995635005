/**
 * The data link between the launcher helper and its host: one Unix socket connection per helper
 * that carries the stdio of every run as frames, so a spawn costs the host no connection of its
 * own. The helper opens it with a header line (the host's token and its own pid); after that,
 * each frame is a kind, a launch id and a length, then that many bytes.
 */
import type { Socket } from 'node:net';
import type { ExitReport, FailedReport, HelperReport, SpawnedReport } from './protocol';

/** Frames the helper sends. */
export const FRAME_STDOUT = 1;
export const FRAME_STDERR = 2;
export const FRAME_STDOUT_END = 3;
export const FRAME_STDERR_END = 4;
/** The child is gone: its stdin takes nothing more. */
export const FRAME_STDIN_CLOSED = 5;
/** The child's stdin is full, and has room again: the host holds its input meanwhile. */
export const FRAME_STDIN_FULL = 9;
export const FRAME_STDIN_ROOM = 10;
/**
 * The helper stopped reading a flooding stream and passed its pipe to the host over IPC (payload:
 * the stream index, then the bytes of replay the host keeps as a u32): the host reads the pipe
 * itself from here on, once the pipe has come.
 */
export const FRAME_DIRECT = 11;
/** The pipe could not be passed (payload: the stream index): its output comes over the link again. */
export const FRAME_DIRECT_FAILED = 12;
/**
 * A run's reports, to the host that started the helper when its setup says it reads them here
 * (`SetupRequest.linkReports`): they come in order with the run's output, and a child's exit and
 * the ends of its streams cost the host one read of one channel. Each payload is one report,
 * handed on whole (see `MAX_REPORT_BYTES`).
 */
export const FRAME_SPAWNED = 16;
export const FRAME_EXIT = 17;
export const FRAME_FAILED = 18;
/** Frames the host sends. */
export const FRAME_STDIN = 6;
/** The host's reader of a stream is full (payload: the stream index): stop reading the child. */
export const FRAME_PAUSE = 7;
export const FRAME_RESUME = 8;
/** The host stopped reading a passed pipe (payload: the stream index): the helper reads it again. */
export const FRAME_DIRECT_BACK = 13;
/** The last bytes the host read from a passed pipe, for the helper's replay buffer; before a FRAME_DIRECT_BACK. */
export const FRAME_TAIL_STDOUT = 14;
export const FRAME_TAIL_STDERR = 15;

export const FRAME_HEADER_BYTES = 9;

/** Header lines are short; a longer first line is not from our helper. */
export const MAX_LINK_HEADER_BYTES = 128;

export function frameHeader(kind: number, id: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header[0] = kind;
  header.writeUInt32BE(id, 1);
  header.writeUInt32BE(length, 5);
  return header;
}

/** The first line of a data link: the token proves it is our helper, the pid says which one. */
export function linkHeader(token: string, pid: number): string {
  return `${token} ${pid}\n`;
}

export function parseLinkHeader(line: string, token: string): number | undefined {
  const [got, pid] = line.split(' ');
  return got === token && /^\d+$/.test(pid ?? '') ? Number(pid) : undefined;
}

/** Payloads up to this size (a control frame's) are handed on whole, even when split across reads. */
const WHOLE_PAYLOAD_BYTES = 16;
/** A report's payload is handed on whole up to this size; a longer one goes over IPC (see `reportFrame`). */
export const MAX_REPORT_BYTES = 64 * 1024;

function isReportFrame(kind: number): boolean {
  return kind === FRAME_SPAWNED || kind === FRAME_EXIT || kind === FRAME_FAILED;
}

type RunReport = SpawnedReport | ExitReport | FailedReport;

/** The frame that carries a run's report: its kind and payload, or none when it is too long for one. */
export function reportFrame(report: RunReport): [number, Buffer] | undefined {
  if (report.type === 'spawned') {
    const reason = Buffer.from(report.ttyUnavailable ?? '');
    const payload = Buffer.allocUnsafe(5 + reason.length);
    payload.writeUInt32BE(report.pid, 0);
    payload[4] = report.tty ? 1 : 0;
    reason.copy(payload, 5);
    return payload.length > MAX_REPORT_BYTES ? undefined : [FRAME_SPAWNED, payload];
  }
  if (report.type === 'exit') {
    const signal = Buffer.from(report.signal ?? '', 'latin1');
    const payload = Buffer.allocUnsafe(5 + signal.length);
    payload[0] = report.exitCode === null ? 0 : 1;
    payload.writeInt32BE(report.exitCode ?? 0, 1);
    signal.copy(payload, 5);
    return [FRAME_EXIT, payload];
  }
  const payload = Buffer.from(JSON.stringify(report.error));
  return payload.length > MAX_REPORT_BYTES ? undefined : [FRAME_FAILED, payload];
}

/** The report a report frame carries; undefined for any other frame, or one that is not well formed. */
export function readReport(kind: number, id: number, data: Buffer): RunReport | undefined {
  if (kind === FRAME_SPAWNED && data.length >= 5) {
    const reason = data.length > 5 ? data.toString('utf8', 5) : undefined;
    return { type: 'spawned', id, pid: data.readUInt32BE(0), ...(data[4] === 1 && { tty: true }), ...(reason !== undefined && { ttyUnavailable: reason }) };
  }
  if (kind === FRAME_EXIT && data.length >= 5) {
    const signal = data.length > 5 ? (data.toString('latin1', 5) as NodeJS.Signals) : null;
    return { type: 'exit', id, exitCode: data[0] === 1 ? data.readInt32BE(1) : null, signal };
  }
  if (kind !== FRAME_FAILED) return undefined;
  try {
    const error = JSON.parse(data.toString('utf8')) as FailedReport['error'] | null;
    return typeof error?.message === 'string' ? { type: 'failed', id, error } : undefined;
  } catch {
    return undefined;
  }
}

/** Is it one of a run's reports (the frames `readReport` reads)? */
export function carriesReport(report: HelperReport): report is RunReport {
  return report.type === 'spawned' || report.type === 'exit' || report.type === 'failed';
}

/**
 * Cuts a byte stream into frames. A frame's payload is handed on in the pieces it arrives in
 * (views of the read chunks, not copies); only a header or a short payload split across reads is joined.
 */
export class FrameReader {
  private header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFill = 0;
  private kind = 0;
  private id = 0;
  private left = 0;
  /** A short payload, or a report, being joined. */
  private short: Buffer | undefined;
  private shortFill = 0;
  /** A report longer than any the helper sends: passed over, not handed on in pieces. */
  private skip = false;

  /** `onFrame` gets each piece of a payload; a frame without payload once, with an empty buffer. */
  constructor(private readonly onFrame: (kind: number, id: number, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.left > 0) {
        const end = Math.min(chunk.length, at + this.left);
        this.left -= end - at;
        if (this.short) {
          chunk.copy(this.short, this.shortFill, at, end);
          this.shortFill += end - at;
          if (this.left === 0) this.onFrame(this.kind, this.id, this.short);
        } else if (!this.skip) this.onFrame(this.kind, this.id, chunk.subarray(at, end));
        at = end;
        continue;
      }
      const take = Math.min(FRAME_HEADER_BYTES - this.headerFill, chunk.length - at);
      chunk.copy(this.header, this.headerFill, at, at + take);
      this.headerFill += take;
      at += take;
      if (this.headerFill < FRAME_HEADER_BYTES) return;
      this.headerFill = 0;
      this.kind = this.header[0];
      this.id = this.header.readUInt32BE(1);
      this.left = this.header.readUInt32BE(5);
      const report = isReportFrame(this.kind);
      this.skip = report && this.left > MAX_REPORT_BYTES;
      const whole = !this.skip && this.left > 0 && this.left <= (report ? MAX_REPORT_BYTES : WHOLE_PAYLOAD_BYTES) && chunk.length - at < this.left;
      this.short = whole ? Buffer.alloc(this.left) : undefined;
      this.shortFill = 0;
      if (this.left === 0) this.onFrame(this.kind, this.id, EMPTY);
    }
  }
}

const EMPTY = Buffer.alloc(0);

/** Writes one frame; false when the socket is full. */
export function writeFrame(socket: Socket, kind: number, id: number, data?: Buffer): boolean {
  const length = data?.length ?? 0;
  if (length === 0) return socket.write(frameHeader(kind, id, 0));
  // Corked: the header and the bytes go out in one write.
  socket.cork();
  socket.write(frameHeader(kind, id, length));
  const room = socket.write(data!);
  socket.uncork();
  return room;
}
