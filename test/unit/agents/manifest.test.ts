import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { TOOL_NAMES } from '../../../src/agents/types';
import { repoRoot } from '../helpers';

interface ToolContribution {
  name: string;
  modelDescription: string;
  inputSchema: { type: string; properties: Record<string, unknown>; required?: string[]; additionalProperties: boolean };
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  engines: { vscode: string };
  contributes: { languageModelTools: ToolContribution[] };
};

test('package.json contributes exactly the tools the code implements, each with a schema for a model', () => {
  const tools = manifest.contributes.languageModelTools;
  assert.deepEqual(tools.map((t) => t.name), [...TOOL_NAMES]);
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, 'object', tool.name);
    assert.equal(tool.inputSchema.additionalProperties, false, tool.name);
    assert.ok(tool.modelDescription.length > 100, `${tool.name} tells a model what it does`);
    for (const required of tool.inputSchema.required ?? []) assert.ok(required in tool.inputSchema.properties, `${tool.name}: ${required}`);
  }
});

test('engines.vscode is at least 1.101, where language-model tools and MCP server providers are stable', () => {
  const [major, minor] = manifest.engines.vscode.replace(/^\^/, '').split('.').map(Number);
  assert.ok(major > 1 || minor >= 101, manifest.engines.vscode);
});
