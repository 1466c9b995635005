import type * as Crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { processTable } from '../processes';
import { onJsonLines, writeJson } from './jsonLines';
import type { HelloRequest, HelperReport, HostRequest, WelcomeReport } from './protocol';
import { privateDir } from './stdioServer';

/** A connection that has not said hello by then is not a window of ours. */
const HELLO_TIMEOUT_MS = 5000;

export interface SessionHooks {
  /** Some host holds the helper now (its parent over IPC, or a reconnected window). */
  hostConnected(): boolean;
  /** Its grace ran out: the runs are being stopped, none can be taken back. */
  ending(): boolean;
  /** A host proved the token: it takes the runs back. */
  welcome(hello: HelloRequest): WelcomeReport;
  /** The reconnected host waits for its runs' stdio connections. */
  attach(): void;
  request(request: HostRequest): void;
  /** The reconnected host went away. */
  gone(): void;
}

/**
 * node:crypto, loaded when the session opens: loading it is a measurable part of the helper's own
 * start, and the session opens only after the launches that came with that start are spawned.
 */
function crypto(): typeof Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:crypto') as typeof Crypto;
}

function isHello(message: unknown): message is HelloRequest {
  const m = message as Partial<HelloRequest> | null;
  return m?.type === 'hello' && typeof m.token === 'string' && typeof m.stdioSocket === 'string' && typeof m.stdioToken === 'string';
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto().timingSafeEqual(a, b);
}

/**
 * The helper's own socket, where the next window of the workspace reconnects: in a directory only
 * our user can reach (0700), with a random token the window must prove. One host at a time.
 */
export class HelperSession {
  readonly token = crypto().randomBytes(16).toString('hex');
  readonly socketPath: string;
  private host: net.Socket | undefined;

  constructor(private readonly hooks: SessionHooks) {
    const dir = privateDir(processTable);
    this.socketPath = path.join(dir, 'h');
    const server = net.createServer((socket) => this.accept(socket));
    server.on('error', (err) => console.error(`launcherHost: the session socket failed: ${err.message}`));
    server.listen(this.socketPath);
    server.unref();
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }

  get connected(): boolean {
    return this.host !== undefined;
  }

  send(report: HelperReport): void {
    if (this.host) writeJson(this.host, report);
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    let said = false;
    onJsonLines(socket, (message) => {
      if (said) {
        if (this.host !== socket) return;
        const request = message as HostRequest;
        if (request.type === 'attach') this.hooks.attach();
        else this.hooks.request(request);
        return;
      }
      said = true;
      clearTimeout(timer);
      const refused = this.refusal(message);
      if (refused) {
        console.error(`launcherHost: a window's reconnect was refused: ${refused}`);
        writeJson(socket, { type: 'refused', reason: refused });
        socket.end();
        return;
      }
      this.host = socket;
      socket.once('close', () => {
        if (this.host !== socket) return;
        this.host = undefined;
        this.hooks.gone();
      });
      writeJson(socket, this.hooks.welcome(message as HelloRequest));
    });
  }

  private refusal(message: unknown): string | undefined {
    if (!isHello(message)) return 'it did not start with a hello';
    if (!sameToken(message.token, this.token)) return 'the token is wrong or stale';
    if (this.hooks.hostConnected()) return 'another window holds these processes';
    if (this.hooks.ending()) return 'the reconnect grace ran out: the processes are being stopped';
    return undefined;
  }
}
