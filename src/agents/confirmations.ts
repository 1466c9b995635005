import { maskSecrets, secretValues } from '../platform/redact';
import type { AgentEngine, ToolName } from './types';

/** What the user is asked before a mutating tool runs, and what the chat shows while it runs. */
export interface ActionPrompt {
  title: string;
  /** Plain-text paragraphs: what is asked, the definition's command line (secrets masked), what will happen. */
  paragraphs: string[];
  invocation: string;
}

const VERBS: Partial<Record<ToolName, { ask: string; doing: string; effect: string }>> = {
  devProcesses_start: { ask: 'Start', doing: 'Starting', effect: 'It is started unless it already runs, and the agent waits until it is ready.' },
  devProcesses_stop: { ask: 'Stop', doing: 'Stopping', effect: 'Every process of it is stopped.' },
  devProcesses_restart: { ask: 'Restart', doing: 'Restarting', effect: 'Its processes are stopped and it is started again.' },
};

/** The prompt for a mutating tool's input, or undefined for a tool that changes nothing. */
export function actionPrompt(engine: Pick<AgentEngine, 'definition' | 'get'>, tool: ToolName, input: unknown): ActionPrompt | undefined {
  const verbs = VERBS[tool];
  if (!verbs) return undefined;
  const raw = (input as { name?: unknown } | undefined)?.name;
  const name = typeof raw === 'string' ? raw.trim() : '';
  const spec = engine.definition(name) ?? engine.definition(engine.get(name)?.name ?? '');
  const what = spec ? `the ${spec.kind} "${spec.name}"` : `"${name}"`;
  const lines = [`An agent asks Dev Processes to ${verbs.ask.toLowerCase()} ${what}.`];
  if (spec) lines.push(`Command: ${maskSecrets([spec.command, ...spec.args].join(' '), secretValues({ ...spec.env }))}`);
  lines.push(verbs.effect);
  return { title: `${verbs.ask} ${what}?`, paragraphs: lines, invocation: `${verbs.doing} ${what}` };
}
