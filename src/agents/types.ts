import type { OutputProblem } from '../core/problemMatchers';
import type { DefinitionError } from '../core/types';
import type { DetectProblem } from '../config/detected/types';
import type { ProcessEngine } from '../engine/engine';

/** The tools, by the names the model and the MCP client see (package.json `languageModelTools`). */
export const TOOL_NAMES = ['devProcesses_list', 'devProcesses_output', 'devProcesses_start', 'devProcesses_stop', 'devProcesses_restart', 'devProcesses_problems'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** The tools that start or stop processes: confirmed by the user, refused in an untrusted workspace. */
export const MUTATING_TOOLS: ReadonlySet<string> = new Set<ToolName>(['devProcesses_start', 'devProcesses_stop', 'devProcesses_restart']);

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

/** What a tool answers: text for the model; `isError` when the call itself could not be done. */
export interface ToolResult {
  text: string;
  isError: boolean;
}

/** The engine as the tools use it: the same facade the tree and the commands use. */
export type AgentEngine = Pick<ProcessEngine, 'definitions' | 'definition' | 'list' | 'get' | 'output' | 'spawn' | 'kill' | 'restart' | 'onDidChange'>;

/** What the tools read besides the engine. */
export interface AgentContext {
  engine: AgentEngine;
  /** Settings entries that could not be used. */
  settingsProblems(): readonly DefinitionError[];
  /** Project files that could not be read as sources of definitions. */
  detectedProblems(): readonly DetectProblem[];
  /** Problems the definitions' problem matchers found in their output, by definition. */
  outputProblems(): readonly { name: string; problems: readonly OutputProblem[] }[];
  /** Whether the workspace is trusted: without trust nothing is started or stopped. */
  trusted(): boolean;
  now(): number;
}

export function ok(value: unknown): ToolResult {
  return { text: typeof value === 'string' ? value : JSON.stringify(value, null, 1), isError: false };
}

export function fail(message: string): ToolResult {
  return { text: `Error: ${message}`, isError: true };
}
