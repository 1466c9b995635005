import * as vscode from 'vscode';
import { actionPrompt } from '../agents/confirmations';
import { invokeTool } from '../agents/tools';
import { TOOL_NAMES, type AgentContext, type ToolName } from '../agents/types';
import { escapeMarkdown } from './treeFormat';

/**
 * One of our processes' tools for the chat's agents (package.json `languageModelTools`). The
 * mutating ones ask the user first; in an untrusted workspace they refuse (see actions.ts).
 */
export class DevProcessesTool implements vscode.LanguageModelTool<unknown> {
  constructor(
    private readonly ctx: AgentContext,
    readonly name: ToolName,
  ) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<unknown>): vscode.PreparedToolInvocation | undefined {
    const prompt = actionPrompt(this.ctx.engine, this.name, options.input);
    // Nothing to confirm where the call is refused anyway.
    if (!prompt || !this.ctx.trusted()) return prompt && { invocationMessage: prompt.invocation };
    return {
      invocationMessage: prompt.invocation,
      confirmationMessages: { title: prompt.title, message: new vscode.MarkdownString(prompt.paragraphs.map(escapeMarkdown).join('\n\n')) },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<unknown>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      const result = await invokeTool(this.ctx, this.name, options.input, abort.signal);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(result.text)]);
    } finally {
      cancel.dispose();
    }
  }
}

/** Registers the six tools with the editor. */
export function registerLanguageModelTools(ctx: AgentContext): vscode.Disposable {
  return vscode.Disposable.from(...TOOL_NAMES.map((name) => vscode.lm.registerTool(name, new DevProcessesTool(ctx, name))));
}
