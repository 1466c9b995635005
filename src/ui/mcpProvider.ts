import * as vscode from 'vscode';
import { ENDPOINT_ENV } from '../agents/agentClient';
import { SERVER_SCRIPT_ENV, type McpLaunch } from '../agents/mcpLaunch';

/** The provider's id, as package.json `mcpServerDefinitionProviders` declares it. */
export const MCP_PROVIDER_ID = 'devProcesses.mcp';

/**
 * Offers the editor one stdio MCP server with our tools, and tells CLI agents in the integrated
 * terminal where it is: `DEVPROC_MCP_SERVER` (its script) and `DEVPROC_AGENT_ENDPOINT`.
 */
export function registerMcpProvider(context: vscode.ExtensionContext, launch: McpLaunch): vscode.Disposable {
  const terminalEnv = context.environmentVariableCollection;
  terminalEnv.description = 'Where the Dev Processes MCP server and its window are, for agents run in the terminal.';
  terminalEnv.replace(SERVER_SCRIPT_ENV, launch.args[0]);
  terminalEnv.replace(ENDPOINT_ENV, launch.env[ENDPOINT_ENV]);
  return vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
    provideMcpServerDefinitions: () => [new vscode.McpStdioServerDefinition('Dev Processes', launch.command, launch.args, launch.env, context.extension.packageJSON.version)],
  });
}
