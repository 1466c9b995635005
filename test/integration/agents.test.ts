import * as assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as vscode from 'vscode';
import { TOOL_NAMES, type AgentContext } from '../../src/agents/types';
import type { DevProcessesApi } from '../../src/api/api';
import { DevProcessesTool } from '../../src/ui/lmTools';
import { EXTENSION_ID, fixture, getApi, setTasks, waitFor } from './helpers';
import type { Answer } from '../unit/agents/answers';

const REDACTED = '********';

/** Calls a tool the way a chat agent would, without a model, and returns its text. */
async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

async function invokeJson(name: string, input: object): Promise<Answer> {
  const text = await invoke(name, input);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${name} answered text, not JSON: ${text}`);
  }
}

describe('agents: language-model tools in a real extension host', function () {
  let api: DevProcessesApi;

  before(async () => {
    api = await getApi();
    await setTasks(api, [
      { name: 'web', command: 'node', args: [fixture('agent-log.js'), '40'], env: { SECRET_TOKEN: 'tok-agent-778899' } },
      { name: 'bad', command: 'node', args: [fixture('exit.js'), '5'], kind: 'job' },
    ]);
  });

  after(async () => {
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  it('a tool answers as soon as activation has settled (the tools are registered just after activate() returns)', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const list = await invokeJson('devProcesses_list', {});
    assert.ok(list.definitions.some((d) => d.name === 'web'), JSON.stringify(list));
  });

  it('contributes and registers the six tools, with input schemas', () => {
    const ours = vscode.lm.tools.filter((t) => t.name.startsWith('devProcesses_'));
    assert.deepEqual(ours.map((t) => t.name).sort(), [...TOOL_NAMES].sort());
    for (const tool of ours) assert.equal((tool.inputSchema as { type?: string } | undefined)?.type, 'object', tool.name);
  });

  it('start waits until the service runs; a second start reuses it; list, output and stop agree', async () => {
    const started = await invokeJson('devProcesses_start', { name: 'web', timeoutSeconds: 20 });
    assert.equal(started.outcome, 'ready', JSON.stringify(started));
    const id = started.runs[0].id;
    assert.equal(api.get(id)?.state, 'running');

    const again = await invokeJson('devProcesses_start', { name: 'web' });
    assert.equal(again.runs[0].id, id);
    assert.equal(api.list().filter((r) => r.name === 'web' && r.state === 'running').length, 1, 'no duplicate');

    const list = await invokeJson('devProcesses_list', {});
    const web = list.definitions.find((d) => d.name === 'web')!;
    assert.deepEqual(web.runs.map((r) => [r.id, r.state, r.ready]), [[id, 'running', true]]);

    await waitFor(() => api.output(id).some((l) => l.text === 'listening'), 'the service to print everything');
    const tail = await invoke('devProcesses_output', { name: 'web', tail: 3 });
    const lines = tail.split('\n');
    assert.match(lines[0], /3 lines shown of \d+ kept/);
    assert.match(lines[1], new RegExp(`connecting to postgres://app:\\*{8}@db\\.local/app$`));
    assert.match(lines[2], /token is \*{8}$/);
    assert.ok(!tail.includes('tok-agent-778899') && !tail.includes('hunter22'), tail);

    const search = await invoke('devProcesses_output', { name: 'web', search: 'BOOM', contextLines: 1 });
    assert.deepEqual(search.split('\n').slice(2).map((l) => l.replace(/^\d+/, '')), ['- line 29', ': [stderr] ERROR boom at line 30', '- line 31']);

    const stopped = await invokeJson('devProcesses_stop', { name: 'web' });
    assert.equal(stopped.outcome, 'stopped');
    assert.equal(api.get(id)?.state, 'terminated');
  });

  it('output is bounded by lines whatever the agent asks, and says what it left out', async () => {
    const text = await invoke('devProcesses_output', { name: 'web', tail: 1000 });
    const body = text.split('\n').slice(1);
    assert.ok(body.length <= 1000);
    assert.ok(Buffer.byteLength(text) < 30_000);
    const tooMany = await invoke('devProcesses_output', { name: 'web', tail: 5000 });
    assert.match(tooMany, /^Error: "tail" must be an integer from 1 to 1000/);
  });

  it('a job that fails: the answer gives the failure code, its explanation and the last output', async () => {
    const result = await invokeJson('devProcesses_start', { name: 'bad', timeoutSeconds: 20 });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.runs[0].failure.code, 'exit-code');
    assert.match(result.message, /exited with code 5/);
    assert.match(result.recentOutput, /exiting with 5/);
  });

  it('restart gives a new run and waits for it; problems and unknown names answer clearly', async () => {
    const first = (await invokeJson('devProcesses_start', { name: 'web' })).runs[0].id;
    const restarted = await invokeJson('devProcesses_restart', { name: 'web', timeoutSeconds: 20 });
    assert.equal(restarted.outcome, 'ready');
    assert.notEqual(restarted.runs[0].id, first);
    assert.equal(api.get(first)?.state, 'terminated');

    const problems = await invokeJson('devProcesses_problems', {});
    assert.deepEqual(Object.keys(problems), ['settings', 'detectedSources', 'output']);
    assert.match(await invoke('devProcesses_stop', { name: 'nope' }), /^Error: No service or job is named "nope"/);
    assert.match(await invoke('devProcesses_output', { name: 'web', regex: true, search: '(' }), /^Error: "search" is not a valid regular expression/);
  });

  it('the mutating tools ask the user first, naming the definition and its command with secrets masked', () => {
    const spec = { name: 'web', kind: 'service', command: 'node', args: ['server.js', '--token=abc-123456'], env: { API_TOKEN: 'abc-123456' } };
    const ctx = { engine: { definition: (n: string) => (n === 'web' ? spec : undefined), get: () => undefined }, trusted: () => true } as unknown as AgentContext;
    const prepared = new DevProcessesTool(ctx, 'devProcesses_start').prepareInvocation({ input: { name: 'web' } });
    assert.equal(prepared?.confirmationMessages?.title, 'Start the service "web"?');
    const message = prepared?.confirmationMessages?.message;
    // Markdown-escaped text: unescape to compare.
    const text = (typeof message === 'string' ? message : message?.value ?? '').replace(/\\(.)/g, '$1');
    assert.ok(text.includes(`node server.js --token=${REDACTED}`), text);
    assert.ok(!text.includes('abc-123456'));
    assert.equal(new DevProcessesTool(ctx, 'devProcesses_list').prepareInvocation({ input: {} }), undefined, 'reading asks nothing');
  });
});

// Runs only in a workspace that is not trusted (DEVPROC_TRUST=untrusted; see runIntegration).
describe('@untrusted agents', () => {
  it('the mutating tools refuse in an untrusted workspace; reading still answers', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await getApi();
    for (const tool of ['devProcesses_start', 'devProcesses_stop', 'devProcesses_restart']) {
      assert.match(await invoke(tool, { name: 'ticker' }), /^Error: This workspace is not trusted/, tool);
    }
    assert.deepEqual(api.list(), []);
    assert.ok(Array.isArray((await invokeJson('devProcesses_list', {})).definitions));
  });
});

describe('agents: the MCP server, started as an agent would', function () {
  let api: DevProcessesApi;
  let client: Client;

  before(async () => {
    api = await getApi();
    await setTasks(api, [{ name: 'web', command: 'node', args: [fixture('agent-log.js'), '40'], env: { SECRET_TOKEN: 'tok-agent-778899' } }]);
    const { command, args, env } = api.mcpServer();
    assert.equal(command, process.execPath, "the editor's own Node");
    client = new Client({ name: 'devproc-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command, args, env }));
  });

  after(async () => {
    await client?.close();
    await vscode.commands.executeCommand('devProcesses.killAll');
  });

  const text = (result: Awaited<ReturnType<Client['callTool']>>) => (result.content as { type: string; text: string }[]).map((c) => c.text).join('');

  it('lists the six tools, starts a service, reads its output (masked), stops it', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOL_NAMES].sort());
    assert.ok(tools.every((t) => t.description && t.inputSchema.type === 'object'));

    const started = JSON.parse(text(await client.callTool({ name: 'devProcesses_start', arguments: { name: 'web', timeoutSeconds: 20 } }))) as Answer;
    assert.equal(started.outcome, 'ready', JSON.stringify(started));
    const id = started.runs[0].id;
    assert.equal(api.get(id)?.state, 'running', 'the window runs it: no second engine');

    await waitFor(() => api.output(id).some((l) => l.text === 'listening'), 'the service to print everything');
    const output = text(await client.callTool({ name: 'devProcesses_output', arguments: { name: 'web', search: 'token is' } }));
    assert.match(output, /: token is \*{8}$/m);
    assert.ok(!output.includes('tok-agent-778899'));

    const stopped = JSON.parse(text(await client.callTool({ name: 'devProcesses_stop', arguments: { name: 'web' } }))) as Answer;
    assert.equal(stopped.outcome, 'stopped');
    assert.equal(api.get(id)?.state, 'terminated');
  });

  it('input that does not fit the schema is an error result that says what was expected', async () => {
    const result = await client.callTool({ name: 'devProcesses_output', arguments: { tail: 'ten' } });
    assert.equal(result.isError, true);
    assert.match(text(result), /name/);
  });
});
