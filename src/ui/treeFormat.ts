// What the tree and the pickers say about a definition and its runs. No `vscode` import:
// unit-tested in plain Node.
import type { ProcessSnapshot } from '../engine/run/snapshot';
import type { ProblemCounts } from '../core/problemMatchers';
import type { ProcessSpec } from '../core/types';
import { maskSecrets, secretValues } from '../platform/redact';
import { formatDuration } from '../core/duration';
import { describeRun, formatUptime, isLive } from './format';

/** The longest ad-hoc label before it is cut with an ellipsis. */
export const ADHOC_LABEL_MAX = 40;

/** A service that may run more than one instance: its runs are told apart by "#N" everywhere. */
export function isReplicated(run: Pick<ProcessSnapshot, 'kind' | 'instance'>, spec: Pick<ProcessSpec, 'instances'> | undefined): boolean {
  return run.kind === 'service' && ((spec?.instances.max ?? 1) > 1 || run.instance > 0);
}

// Escapes as typed in a command line (`\033[31m`, `\e[0m`, `\x1b[1m`, `\u001b[K`) and as real ESC characters.
const ESCAPES = /(?:\\033|\\e|\\x1[bB]|\\u001[bB]|\u001b)(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\\]*(?:\u0007|\\\\)?|[@-Z\\-_])/g;

/** A typed command line as a short row label: escapes stripped, blanks collapsed, cut to `max`. */
export function shortCommandLabel(commandLine: string, max = ADHOC_LABEL_MAX): string {
  const text = commandLine.replace(ESCAPES, '').replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text || commandLine.trim().slice(0, max);
}

/**
 * Paths inside a workspace folder written relative to it: "node /home/me/app/scripts/x.js" reads
 * "node scripts/x.js". With several folders, a path keeps its folder's name in front.
 */
export function relativePaths(text: string, folders: readonly string[]): string {
  const named = folders.length > 1;
  let out = text;
  // Longest first: a folder nested in another must win over its parent.
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    const root = folder.replace(/\/+$/, '');
    if (root === '') continue;
    const name = root.slice(root.lastIndexOf('/') + 1);
    out = out.split(`${root}/`).join(named ? `${name}/` : '');
    // The folder itself, where it stands alone (a cwd): "." or its name.
    out = out.replace(new RegExp(`${escapeRegExp(root)}(?=$|[\\s"':;,)])`, 'g'), named ? name : '.');
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Text made inert for Markdown: every ASCII punctuation character is backslash-escaped (which
 * CommonMark allows for all of them), so a name or message cannot make a link, an image, a
 * bare-URL autolink, HTML or a code span break-out; line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * The masked command line per definition (its spec object) and inherited environment: every
 * row's tooltip is built again each second while the view ticks, and copying the host's
 * environment is the dear part. Built again after MASKED_LINE_MS, should the environment change.
 */
const maskedLines = new WeakMap<object, { env: object; line: string; at: number }>();
const MASKED_LINE_MS = 60_000;

function maskedCommandLine(spec: Pick<ProcessSpec, 'command' | 'args' | 'env'>, inheritedEnv: Record<string, string | undefined>): string {
  const known = maskedLines.get(spec);
  const now = Date.now();
  if (known?.env === inheritedEnv && now - known.at < MASKED_LINE_MS) return known.line;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...inheritedEnv, ...spec.env })) if (value !== undefined) env[key] = value;
  const line = maskSecrets([spec.command, ...spec.args].join(' '), secretValues(env));
  maskedLines.set(spec, { env: inheritedEnv, line, at: now });
  return line;
}

/**
 * A definition row's Markdown tooltip, built only from escaped text: its name and kind, its
 * command line (secrets masked, `${env:...}` values included) and the latest run's error.
 */
export function definitionTooltip(
  name: string,
  spec: Pick<ProcessSpec, 'kind' | 'command' | 'args' | 'env'> | undefined,
  error: string | undefined,
  folders: readonly string[],
  inheritedEnv: Record<string, string | undefined>,
  notes: readonly string[] = [],
): string {
  const parts = [`**${escapeMarkdown(name)}** ${escapeMarkdown(`(${spec?.kind ?? 'removed'})`)}`];
  if (spec) parts.push(escapeMarkdown(relativePaths(maskedCommandLine(spec, inheritedEnv), folders)));
  if (error) parts.push(escapeMarkdown(error));
  parts.push(...notes.map(escapeMarkdown));
  return parts.join('\n\n');
}

/** A watched service's tooltip lines: what the last change did, and globs that match no file yet. */
export function watchNotes(watch: ProcessSnapshot['watch'] | undefined, now: number): string[] {
  if (!watch) return [];
  const notes: string[] = [];
  if (watch.lastChange) notes.push(`Watch: ${watch.lastChange.file} changed ${formatDuration(Math.max(0, now - watch.lastChange.at))} ago${watch.message ? ` (${watch.message})` : ''}`);
  else if (watch.message) notes.push(`Watch: ${watch.message}`);
  if (watch.unmatched.length > 0) notes.push(`Watch: ${watch.unmatched.join(', ')} ${watch.unmatched.length === 1 ? 'matches' : 'match'} no file yet (new files will count)`);
  return notes;
}

/** A run row's label: "#1 pid 123" for a replica, "pid 123", or its state before it has a pid. */
export function runRowLabel(run: ProcessSnapshot, replicated: boolean): string {
  if (run.adhoc) return shortCommandLabel(run.name);
  const replica = replicated ? `#${run.instance} ` : '';
  return `${replica}${run.pid !== null ? `pid ${run.pid}` : run.state}`;
}

/** A run row's description: the detail its label does not already say. */
export function runRowDescription(run: ProcessSnapshot, now: number): string {
  // The label names the state when there is no pid, and the pid otherwise: say neither twice.
  const text = describeRun(run, now, { pid: false, state: run.adhoc || run.pid !== null });
  return run.ports.length > 0 ? `${text} · ${formatPorts(run.ports)}` : text;
}

/** Listening ports as a row shows them: ":3000 :9229". */
export function formatPorts(ports: readonly number[]): string {
  return ports.map((p) => `:${p}`).join(' ');
}

/**
 * A definition row's summary, its runs given newest first: state, instance count and the uptime
 * of the oldest live instance while it runs; the last result and when otherwise.
 */
export function definitionSummary(runs: readonly ProcessSnapshot[], now: number): string {
  const pending = runs.filter((r) => r.state !== 'completed' && r.state !== 'failed' && r.state !== 'terminated');
  if (pending.length === 0) {
    const last = runs[0];
    if (!last) return 'not started';
    // A clock time rather than "3 min ago": an idle row is not redrawn every second, so it never goes stale.
    const when = last.endedAt !== null ? `at ${new Date(last.endedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}` : undefined;
    return [describeRun(last, now, { pid: false }), when].filter(Boolean).join(' · ');
  }
  const live = pending.filter(isLive);
  if (live.length === 0) return describeRun(pending[0], now, { pid: false });
  const parts: string[] = [live.some((r) => r.state === 'running') ? 'running' : live[0].state];
  if (live.some((r) => r.adopted)) parts.push('adopted');
  if (pending.length > 1) {
    const noun = live[0].kind === 'service' ? 'instances' : 'runs';
    parts.push(live.length === pending.length ? `${live.length} ${noun}` : `${live.length} of ${pending.length} ${noun} up`);
  }
  const probed = live.filter((r) => r.state === 'running' && r.health && r.health.readiness !== 'none');
  if (probed.length > 0) {
    const ready = probed.filter((r) => r.ready).length;
    parts.push(ready === probed.length ? 'ready' : probed.length === 1 ? 'not ready' : `${ready} of ${probed.length} ready`);
  }
  const started = live.map((r) => r.startedAt).filter((t): t is number => t !== null);
  if (started.length > 0) parts.push(`up ${formatUptime(now - Math.min(...started))}`);
  // One process: its pid is the handle a user looks for (in `ps`, in a debugger).
  if (live.length === 1 && live[0].pid !== null) parts.push(`pid ${live[0].pid}`);
  const ports = [...new Set(live.flatMap((r) => r.ports))].sort((a, b) => a - b);
  if (ports.length > 0) parts.push(formatPorts(ports));
  const waiting = pending.filter((r) => r.state === 'backoff');
  if (waiting.length > 0) parts.push(`${waiting.length} waiting to ${waiting[0].kind === 'service' ? 'restart' : 'retry'}`);
  if (live.some((r) => r.definitionStatus === 'changed')) parts.push('changed, restart to apply');
  return parts.join(' · ');
}

/** "3 errors, 1 warning" of runs read by a problem matcher; undefined when they found none. */
export function formatProblemCounts(counts: readonly ProblemCounts[]): string | undefined {
  const errors = counts.reduce((sum, c) => sum + c.errors, 0);
  const warnings = counts.reduce((sum, c) => sum + c.warnings, 0);
  const parts = [errors > 0 && `${errors} error${errors === 1 ? '' : 's'}`, warnings > 0 && `${warnings} warning${warnings === 1 ? '' : 's'}`].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
