/**
 * The data link between the launcher helper and its host: one Unix socket connection per helper
 * that carries the stdio of every run as frames, so a spawn costs the host no connection of its
 * own. The helper opens it with a header line (the host's token and its own pid); after that,
 * each frame is a kind, a launch id and a length, then that many bytes.
 */
import type { Socket } from 'node:net';

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
  /** A short payload being joined. */
  private short: Buffer | undefined;
  private shortFill = 0;

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
        } else this.onFrame(this.kind, this.id, chunk.subarray(at, end));
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
      const whole = this.left > 0 && this.left <= WHOLE_PAYLOAD_BYTES && chunk.length - at < this.left;
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
