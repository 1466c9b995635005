// devProcesses_start, _stop and _restart: by name, reusing what runs, waiting until the run is
// ready (or done, or failed) so the agent learns whether it worked and why not.
import { stopMany } from '../engine/groupActions';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { isFinal } from '../engine/run/stateMachine';
import { awaitOutcome, type Outcome } from './awaitOutcome';
import { formatSelection, selectOutput } from './outputQuery';
import { summarizeRun } from './runSummary';
import { parseAction } from './toolInput';
import { fail, ok, type AgentContext, type ToolResult } from './types';

/** Lines of recent output that come with a run that did not get ready. */
const FAILURE_TAIL = 20;

export const UNTRUSTED_REFUSAL =
  'This workspace is not trusted, so Dev Processes does not start, stop or restart anything in it. Ask the user to trust the workspace (Workspaces: Manage Workspace Trust) and try again.';

/** The live runs (not on their way out) a name stands for: a run id, or a definition's runs. */
function liveRuns(ctx: AgentContext, name: string): ProcessSnapshot[] {
  const byId = ctx.engine.get(name);
  if (byId?.id === name) return isFinal(byId.state) ? [] : [byId];
  return ctx.engine.list().filter((r) => !r.adhoc && r.name === name && !isFinal(r.state) && r.state !== 'stopping');
}

function unknownName(ctx: AgentContext, name: string): ToolResult {
  const known = ctx.engine.definitions().map((d) => d.name);
  const list = known.length > 0 ? `the definitions are: ${known.slice(0, 50).join(', ')}` : 'there are no definitions (devProcesses.tasks in the settings, or detected project scripts)';
  return fail(`No service or job is named "${name}"; ${list}.`);
}

function sentence(name: string, outcome: Outcome, run: ProcessSnapshot | undefined, waitedMs: number, reused: boolean): string {
  const seconds = Math.round(waitedMs / 1000);
  const again = reused ? ' It was already running, so it was not started again.' : '';
  switch (outcome) {
    case 'ready':
      return `"${name}" is ready${run && run.ports.length > 0 ? `, listening on ${run.ports.join(', ')}` : ''}.${again}`;
    case 'completed':
      return `"${name}" completed successfully.${again}`;
    case 'failed':
      return `"${name}" failed: ${run?.error ? `${run.error.code}: ${run.error.message}` : 'see its output'}${run?.hint ? ` ${run.hint}` : ''}`;
    case 'stopped':
      return `"${name}" was stopped before it got ready.`;
    case 'not-ready': {
      const why = run?.health?.message ? ` (readiness: ${run.health.message})` : '';
      return `"${name}" is ${run?.state ?? 'gone'} but not ready after ${seconds} s${why}; it keeps going. Check devProcesses_output for why.${again}`;
    }
    case 'still-running':
      return `"${name}" is still ${run?.state ?? 'running'} after ${seconds} s; it keeps going. Call devProcesses_output to follow it.${again}`;
  }
}

/** Waits for the runs and reports each; the output's last lines come with any run that did not get ready. */
async function report(ctx: AgentContext, name: string, ids: string[], timeoutMs: number, reused: boolean, signal?: AbortSignal): Promise<ToolResult> {
  const started = ctx.now();
  const results = await Promise.all(ids.map((id) => awaitOutcome({ get: (t) => ctx.engine.get(t), onDidChange: ctx.engine.onDidChange }, id, timeoutMs, signal)));
  const worst = results.find((r) => r.outcome !== 'ready' && r.outcome !== 'completed') ?? results[0];
  const runs = results.map(({ run }, i) => (run ? summarizeRun(run, ctx.now()) : { id: ids[i], state: 'gone' }));
  const answer: Record<string, unknown> = { outcome: worst.outcome, message: sentence(name, worst.outcome, worst.run, ctx.now() - started, reused), runs };
  if (worst.run && worst.outcome !== 'ready' && worst.outcome !== 'completed') {
    const tail = selectOutput(ctx.engine.output(worst.run.id), { tail: FAILURE_TAIL });
    if (tail.lines.length > 0) answer.recentOutput = formatSelection(tail, false);
  }
  return ok(answer);
}

export async function startTool(ctx: AgentContext, input: unknown, signal?: AbortSignal): Promise<ToolResult> {
  const { name, timeoutMs } = parseAction(input, true);
  if (!ctx.trusted()) return fail(UNTRUSTED_REFUSAL);
  if (!ctx.engine.definition(name)) return unknownName(ctx, name);
  const live = liveRuns(ctx, name);
  if (live.length > 0) return report(ctx, name, live.map((r) => r.id), timeoutMs, true, signal);
  const id = await ctx.engine.spawn(name);
  return report(ctx, name, [id], timeoutMs, false, signal);
}

export async function restartTool(ctx: AgentContext, input: unknown, signal?: AbortSignal): Promise<ToolResult> {
  const { name, timeoutMs } = parseAction(input, true);
  if (!ctx.trusted()) return fail(UNTRUSTED_REFUSAL);
  const live = liveRuns(ctx, name);
  if (live.length === 0) {
    if (!ctx.engine.definition(name)) return unknownName(ctx, name);
    return report(ctx, name, [await ctx.engine.spawn(name)], timeoutMs, false, signal);
  }
  const ids = await Promise.all(live.map((r) => ctx.engine.restart(r.id)));
  return report(ctx, name, ids, timeoutMs, false, signal);
}

export async function stopTool(ctx: AgentContext, input: unknown): Promise<ToolResult> {
  const { name } = parseAction(input, false);
  if (!ctx.trusted()) return fail(UNTRUSTED_REFUSAL);
  const live = liveRuns(ctx, name).concat(ctx.engine.list().filter((r) => !r.adhoc && r.name === name && r.state === 'stopping'));
  if (live.length === 0) {
    if (!ctx.engine.definition(name) && ctx.engine.get(name)?.id !== name) return unknownName(ctx, name);
    return ok({ outcome: 'not-running', message: `"${name}" was not running.` });
  }
  const byId = live.length === 1 && live[0].id === name;
  // A definition's runs stop dependents first, like Stop on a group.
  if (!byId && ctx.engine.definition(name)) await stopMany(ctx.engine, [name]);
  else await Promise.all(live.map((r) => ctx.engine.kill(r.id)));
  const runs = live.map((r) => ctx.engine.get(r.id) ?? r).map((r) => summarizeRun(r, ctx.now()));
  return ok({ outcome: 'stopped', message: `"${name}" is stopped: every process of it is gone.`, runs });
}
