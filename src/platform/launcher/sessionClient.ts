import * as net from 'node:net';
import { onJsonLines, writeJson } from './jsonLines';
import type { HeldRunInfo, HelloRequest, WelcomeReport } from './protocol';

/** Where a helper that outlived its window listens, as written to the workspace's storage. */
export interface SessionInfo {
  socketPath: string;
  token: string;
  /** The helper's pid and start time: a window that gives up on it ends it (see `HelperLauncher.reconnect`). */
  pid?: number;
  startTime?: number;
}

/** The answer of a helper to a reconnecting window. */
export type SessionAnswer =
  | {
      status: 'welcome';
      socket: net.Socket;
      welcome: WelcomeReport;
      /** Takes the helper's later messages, those that came with the welcome first. */
      reports: (listener: (message: unknown) => void) => void;
    }
  | { status: 'refused'; reason: string }
  | { status: 'gone'; reason: string };

/** Is it one of the runs a welcome may list? The helper is not trusted further than its socket. */
function isRunInfo(value: unknown): value is HeldRunInfo {
  const r = value as HeldRunInfo | null;
  return Number.isSafeInteger(r?.id) && Number.isSafeInteger(r?.pid) && Array.isArray(r?.replay);
}

function isWelcome(message: unknown): message is WelcomeReport {
  const m = message as WelcomeReport | null;
  return m?.type === 'welcome' && Number.isSafeInteger(m.pid) && Array.isArray(m.runs) && m.runs.every(isRunInfo);
}

/**
 * Says hello to the helper at `info` with its token and this host's stdio server. A helper that
 * does not answer within `timeoutMs` (stopped, gone, a stale socket) counts as gone.
 */
export function connectSession(info: SessionInfo, stdio: Omit<HelloRequest, 'type' | 'token'>, timeoutMs: number): Promise<SessionAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(info.socketPath);
    let answered = false;
    const answer = (result: SessionAnswer) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      if (result.status !== 'welcome') socket.destroy();
      resolve(result);
    };
    // Judged after this turn's I/O: a host whose event loop was busy (a window starting) runs its
    // timers before it reads the answer that came meanwhile.
    const timer = setTimeout(() => setImmediate(() => answer({ status: 'gone', reason: `it did not answer within ${timeoutMs} ms` })), timeoutMs);
    socket.on('error', (err) => answer({ status: 'gone', reason: err.message }));
    socket.once('close', () => answer({ status: 'gone', reason: 'it closed the connection' }));
    socket.once('connect', () => writeJson(socket, { type: 'hello', token: info.token, ...stdio } satisfies HelloRequest));
    let first = true;
    let forward: ((message: unknown) => void) | undefined;
    const early: unknown[] = [];
    const reports = (listener: (message: unknown) => void) => {
      forward = listener;
      for (const message of early.splice(0)) listener(message);
    };
    onJsonLines(socket, (message) => {
      if (!first) return forward ? forward(message) : void early.push(message);
      first = false;
      const refused = message as { type?: string; reason?: unknown };
      if (refused?.type === 'refused') return answer({ status: 'refused', reason: String(refused.reason) });
      if (!isWelcome(message)) return answer({ status: 'gone', reason: 'it did not answer as our launcher helper' });
      answer({ status: 'welcome', socket, welcome: message, reports });
    });
  });
}
