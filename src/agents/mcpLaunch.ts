import * as path from 'node:path';
import { ENDPOINT_ENV } from './agentClient';

/** The bundle of the MCP server, built by esbuild.js from mcpServer.ts. */
export const MCP_SERVER_BUNDLE = path.join('dist', 'mcpServer.js');
/** Set in the integrated terminal: the MCP server's script, for a CLI agent's configuration. */
export const SERVER_SCRIPT_ENV = 'DEVPROC_MCP_SERVER';

/** How the MCP server is started: a command line and the environment it needs. */
export interface McpLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The MCP server on the editor's own Node, told where the window's endpoint file is. */
export function mcpLaunch(extensionPath: string, endpointFile: string): McpLaunch {
  const env: Record<string, string> = { [ENDPOINT_ENV]: endpointFile };
  // In VS Code desktop process.execPath is Electron; this makes it a plain Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return { command: process.execPath, args: [path.join(extensionPath, MCP_SERVER_BUNDLE)], env };
}
