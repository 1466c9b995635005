// The six tools an agent gets, over the engine facade; the language-model tools (src/ui/lmTools.ts)
// and the MCP server (through the agent socket) both call `invokeTool`. No `vscode` import.
import { ProcessError } from '../core/errors';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { isFinal } from '../engine/run/stateMachine';
import { maskCredentials } from '../platform/redact';
import { restartTool, startTool, stopTool } from './actions';
import { formatSelection, MAX_OUTPUT_BYTES, selectOutput } from './outputQuery';
import { runsWorthShowing, summarizeRun } from './runSummary';
import { parseNameFilter, parseOutput, ToolInputError } from './toolInput';
import { fail, isToolName, ok, TOOL_NAMES, type AgentContext, type ToolResult } from './types';

/** Typed command lines kept in a list answer: the live ones and the latest finished ones. */
const MAX_COMMAND_LINES = 5;
/** Problems of each kind in one answer. */
const MAX_PROBLEMS = 200;

/** Shrinks a list until its JSON fits the byte bound, saying how many were left out. */
function boundedJson(answer: Record<string, unknown>, key: string): ToolResult {
  const items = answer[key] as unknown[];
  let text = JSON.stringify(answer, null, 1);
  let kept = items.length;
  while (Buffer.byteLength(text) > MAX_OUTPUT_BYTES && kept > 1) {
    kept = Math.max(1, Math.floor(kept / 2));
    text = JSON.stringify({ ...answer, [key]: items.slice(0, kept), leftOut: `${items.length - kept} more; pass "name" to see one` }, null, 1);
  }
  return ok(text);
}

function listTool(ctx: AgentContext, input: unknown): ToolResult {
  const { name } = parseNameFilter(input);
  const now = ctx.now();
  const runs = ctx.engine.list();
  const specs = ctx.engine.definitions().filter((d) => name === undefined || d.name === name);
  const definitions: Record<string, unknown>[] = specs.map((spec) => ({
    name: spec.name,
    kind: spec.kind,
    source: spec.source ?? 'settings',
    ...(spec.groups && { groups: spec.groups }),
    runs: runsWorthShowing(runs.filter((r) => !r.adhoc && r.name === spec.name)).map((r) => summarizeRun(r, now)),
  }));
  // A run whose definition was removed keeps running until it is stopped: still worth knowing.
  const known = new Set(specs.map((s) => s.name));
  const orphans = runs.filter((r) => !r.adhoc && !known.has(r.name) && !isFinal(r.state) && (name === undefined || r.name === name));
  for (const r of orphans) definitions.push({ name: r.name, kind: r.kind, source: 'removed from the settings', runs: [summarizeRun(r, now)] });
  if (name !== undefined && definitions.length === 0) return fail(`No service or job is named "${name}"; call devProcesses_list without a name to see them all.`);
  const answer: Record<string, unknown> = { definitions };
  if (name === undefined) {
    const adhoc = runs.filter((r) => r.adhoc);
    const typed = [...adhoc.filter((r) => !isFinal(r.state)), ...adhoc.filter((r) => isFinal(r.state)).slice(-MAX_COMMAND_LINES)];
    if (typed.length > 0) answer.commandLines = typed.map((r) => summarizeRun(r, now));
    const problems = ctx.settingsProblems().length + ctx.detectedProblems().length;
    if (problems > 0) answer.settingsProblems = `${problems}; call devProcesses_problems`;
  }
  return boundedJson(answer, 'definitions');
}

function headerOf(run: ProcessSnapshot, name: string, shown: number, total: number, leftOut: number): string {
  const which = run.name === name ? `"${name}"` : `"${maskCredentials(run.name)}" (${name})`;
  const parts = [`Output of ${which}, run ${run.id} (${run.state}${run.instance > 0 ? `, instance ${run.instance}` : ''}): ${shown} line${shown === 1 ? '' : 's'} shown of ${total} kept`];
  if (leftOut > 0) parts.push(`${leftOut} older selected line${leftOut === 1 ? '' : 's'} left out (bounds: lines and bytes; narrow with tail, sinceSeconds or search)`);
  if (run.adopted) parts.push('taken over from an earlier window, so its earlier output is not available');
  return `${parts.join('; ')}.`;
}

function outputTool(ctx: AgentContext, input: unknown): ToolResult {
  const { name, query, search } = parseOutput(input, ctx.now());
  const run = ctx.engine.get(name);
  if (!run) {
    if (ctx.engine.definition(name)) return ok(`"${name}" has not run in this window yet: there is no output. Start it with devProcesses_start.`);
    return fail(`No service, job or run is named "${name}"; call devProcesses_list to see them.`);
  }
  const selection = selectOutput(ctx.engine.output(run.id), query);
  const header = headerOf(run, name, selection.lines.length, selection.total, selection.leftOut);
  const found = search === undefined ? '' : `\n${selection.matches} line${selection.matches === 1 ? '' : 's'} match ${JSON.stringify(search)}${selection.matches === 0 ? '.' : ' (":" marks a match, "-" a context line, "--" a gap).'}`;
  const body = formatSelection(selection, search !== undefined);
  return ok(`${header}${found}${body ? `\n${body}` : ''}`);
}

function problemsTool(ctx: AgentContext, input: unknown): ToolResult {
  const { name } = parseNameFilter(input);
  const wanted = (n: string | undefined) => name === undefined || n === name;
  const settings = ctx.settingsProblems().filter((p) => wanted(p.name)).map((p) => ({
    ...(p.name !== undefined && { name: p.name }),
    setting: p.setting ?? 'devProcesses.tasks',
    ...(p.index >= 0 && { index: p.index }),
    ...(p.field !== undefined && { field: p.field }),
    ...(p.folder !== undefined && { folder: p.folder }),
    message: p.message,
  }));
  const detected = name === undefined ? ctx.detectedProblems().map((p) => ({ source: p.source, file: p.file, line: p.line, message: p.message })) : [];
  const output = ctx.outputProblems().filter((p) => wanted(p.name)).flatMap(({ name: n, problems }) =>
    problems.map((p) => ({ name: n, severity: p.severity, file: p.file, line: p.line, column: p.column, ...(p.code !== undefined && { code: p.code }), message: maskCredentials(p.message) })),
  );
  const answer: Record<string, unknown> = { settings: settings.slice(0, MAX_PROBLEMS), detectedSources: detected.slice(0, MAX_PROBLEMS), output: output.slice(0, MAX_PROBLEMS) };
  const cut = [settings, detected, output].reduce((n, list) => n + Math.max(0, list.length - MAX_PROBLEMS), 0);
  if (cut > 0) answer.leftOut = `${cut} more problems`;
  return boundedJson(answer, 'output');
}

/**
 * Runs one tool. Every mistake in the input, an unknown name and an engine refusal come back as
 * an error result with a sentence for the model; nothing throws.
 */
export async function invokeTool(ctx: AgentContext, tool: string, input: unknown, signal?: AbortSignal): Promise<ToolResult> {
  if (!isToolName(tool)) return fail(`There is no tool "${tool}"; the tools are ${TOOL_NAMES.join(', ')}.`);
  try {
    switch (tool) {
      case 'devProcesses_list':
        return listTool(ctx, input);
      case 'devProcesses_output':
        return outputTool(ctx, input);
      case 'devProcesses_problems':
        return problemsTool(ctx, input);
      case 'devProcesses_start':
        return await startTool(ctx, input, signal);
      case 'devProcesses_stop':
        return await stopTool(ctx, input);
      case 'devProcesses_restart':
        return await restartTool(ctx, input, signal);
    }
  } catch (err) {
    if (err instanceof ToolInputError || err instanceof ProcessError) return fail(err.message);
    return fail(`${tool} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
