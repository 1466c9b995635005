// The MCP server's end: forwards one tool call to the window that runs the processes. It never
// starts processes itself: without a window listening, every call answers so.
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { AgentRequest, Endpoint } from './agentSocket';
import type { ToolResult } from './types';

/** Where the MCP server reads the endpoint file's path from (set in its server definition). */
export const ENDPOINT_ENV = 'DEVPROC_AGENT_ENDPOINT';

export const NO_WINDOW =
  'Error: no window is running: Dev Process Manager answers only while a VS Code window with this workspace is open. Open the workspace in VS Code and try again.';

function readEndpoint(file: string | undefined): Endpoint | undefined {
  if (!file) return undefined;
  try {
    const endpoint = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Endpoint>;
    return typeof endpoint.socket === 'string' && typeof endpoint.token === 'string' ? (endpoint as Endpoint) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends one call to the window named in the endpoint file (read at each call, so a reloaded
 * window is found again) and resolves to its answer; to NO_WINDOW when none listens.
 */
export function callWindow(endpointFile: string | undefined, tool: string, input: unknown, signal?: AbortSignal): Promise<ToolResult> {
  const endpoint = readEndpoint(endpointFile);
  if (!endpoint) return Promise.resolve({ text: NO_WINDOW, isError: true });
  return new Promise((resolve) => {
    const socket = net.connect(endpoint.socket);
    let answer = '';
    let settled = false;
    const settle = (result: ToolResult) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => settle({ text: 'Error: the call was cancelled.', isError: true });
    signal?.addEventListener('abort', onAbort);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      const request: AgentRequest = { token: endpoint.token, tool, input };
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => settle({ text: NO_WINDOW, isError: true }));
    socket.on('close', () => {
      try {
        const result = JSON.parse(answer) as ToolResult;
        settle({ text: String(result.text), isError: result.isError === true });
      } catch {
        settle({ text: NO_WINDOW, isError: true });
      }
    });
  });
}
