// The stdio MCP server (bundled to dist/mcpServer.js, run with the editor's Node): the same six
// tools as the chat's, each call forwarded to the running window over its agent socket. It holds
// no engine of its own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { fromJSONSchema, type ZodObject } from 'zod';
import { callWindow, ENDPOINT_ENV } from './agentClient';

interface ToolContribution {
  name: string;
  displayName: string;
  modelDescription: string;
  inputSchema: Record<string, unknown>;
}

/** The tools as package.json contributes them to the chat: one description and schema for both. */
function readTools(): { version: string; tools: ToolContribution[] } {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
    contributes: { languageModelTools: ToolContribution[] };
  };
  return { version: manifest.version, tools: manifest.contributes.languageModelTools };
}

async function main(): Promise<void> {
  const { version, tools } = readTools();
  const server = new McpServer({ name: 'dev-processes', version });
  const endpointFile = process.env[ENDPOINT_ENV];
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      { title: tool.displayName, description: tool.modelDescription, inputSchema: fromJSONSchema(tool.inputSchema) as ZodObject },
      async (input, extra) => {
        const result = await callWindow(endpointFile, tool.name, input, extra.signal);
        return { content: [{ type: 'text' as const, text: result.text }], isError: result.isError };
      },
    );
  }
  await server.connect(new StdioServerTransport());
}

main().catch((err) => {
  console.error('dev-processes MCP server:', err);
  process.exit(1);
});
