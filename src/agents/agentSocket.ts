// The window's end of the MCP server's calls: a Unix socket in a private (0700) directory, a
// random token, one JSON line per request and per answer. The MCP server finds the socket and
// the token in the endpoint file (mode 0600), written while the window runs.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Disposable } from '../core/events';
import { privateSocketDir } from '../platform/privateDir';
import type { ToolResult } from './types';

const DIR_PREFIX = 'dpm-agents-';
/** A request line longer than this is not ours: the connection is dropped. */
export const MAX_REQUEST_BYTES = 1 << 20;

/** What the endpoint file holds. */
export interface Endpoint {
  socket: string;
  token: string;
  /** The extension host's pid, for a person reading the file. */
  pid: number;
}

export interface AgentRequest {
  token: string;
  tool: string;
  input: unknown;
}

export type ToolHandler = (tool: string, input: unknown, signal: AbortSignal) => Promise<ToolResult>;

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Listens for the MCP server's tool calls and answers each with the window's tools. A call with a
 * wrong token is refused and logged; a call whose connection closes is cancelled.
 */
export class AgentSocketServer implements Disposable {
  readonly token = randomBytes(24).toString('hex');
  readonly socketPath: string;
  private readonly dir: string;
  private readonly server: net.Server;

  constructor(
    private readonly handle: ToolHandler,
    private readonly endpointFile: string,
    private readonly log: (message: string) => void = console.warn,
  ) {
    this.dir = privateSocketDir(DIR_PREFIX);
    this.socketPath = path.join(this.dir, 's');
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on('error', (err) => this.log(`Dev Processes: the agent socket failed: ${err.message}`));
    this.server.listen(this.socketPath);
    this.writeEndpoint();
    process.once('exit', this.cleanUp);
  }

  dispose(): void {
    this.server.close();
    process.off('exit', this.cleanUp);
    this.cleanUp();
  }

  /** The file is replaced whole (written aside, then renamed), so a reader never sees half of it. */
  private writeEndpoint(): void {
    const endpoint: Endpoint = { socket: this.socketPath, token: this.token, pid: process.pid };
    fs.mkdirSync(path.dirname(this.endpointFile), { recursive: true });
    const tmp = `${this.endpointFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(endpoint)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.endpointFile);
  }

  private readonly cleanUp = () => {
    fs.rmSync(this.dir, { recursive: true, force: true });
    // Only our own: a later window may have written its endpoint since.
    try {
      if ((JSON.parse(fs.readFileSync(this.endpointFile, 'utf8')) as Endpoint).token === this.token) fs.rmSync(this.endpointFile, { force: true });
    } catch {
      // Gone or not readable: nothing of ours to remove.
    }
  };

  private accept(socket: net.Socket): void {
    const abort = new AbortController();
    socket.on('error', () => undefined);
    socket.on('close', () => abort.abort());
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end < 0) {
        if (buffer.length > MAX_REQUEST_BYTES) socket.destroy();
        return;
      }
      socket.removeAllListeners('data');
      void this.answer(socket, buffer.slice(0, end), abort.signal);
    });
  }

  private async answer(socket: net.Socket, line: string, signal: AbortSignal): Promise<void> {
    let request: Partial<AgentRequest>;
    try {
      request = JSON.parse(line) as Partial<AgentRequest>;
    } catch {
      return void socket.destroy();
    }
    if (!sameToken(request.token, this.token)) {
      this.log('Dev Processes: refused an agent call with a wrong token');
      socket.end(`${JSON.stringify({ text: 'Error: refused: wrong token.', isError: true })}\n`);
      return;
    }
    const result = await this.handle(String(request.tool), request.input, signal);
    if (!socket.destroyed) socket.end(`${JSON.stringify(result)}\n`);
  }
}
