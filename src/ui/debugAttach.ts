import type { ProcessSpec } from '../core/types';

/** Where a debug session says which run it attaches to (a field of its configuration no debugger reads). */
export const RUN_ID_FIELD = 'devProcessesRunId';

/** Node's line on stderr once its inspector listens: `Debugger listening on ws://127.0.0.1:PORT/UUID`. */
const LISTENING = /Debugger listening on ws:\/\/(?:\[[^\]]*\]|[^/:\s]+):(\d{1,5})\//;

/** The inspector's port of a "Debugger listening on" line; undefined for any other line. */
export function inspectorPort(text: string): number | undefined {
  const match = LISTENING.exec(text);
  if (!match) return undefined;
  const port = Number(match[1]);
  return port > 0 && port < 65536 ? port : undefined;
}

/** The session's title: "Dev Processes: NAME". */
export function sessionName(name: string): string {
  return `Dev Processes: ${name}`;
}

/**
 * The configuration that attaches to a run: for the `node` preset, js-debug's attach to the
 * inspector's `port` (the `attach` fields added); otherwise `attach` as written.
 */
export function attachConfiguration(spec: Pick<ProcessSpec, 'name' | 'cwd' | 'debug'>, runId: string, port?: number): Record<string, unknown> {
  const attach = spec.debug?.attach ?? {};
  const base = { name: sessionName(spec.name) };
  if (spec.debug?.type !== 'node') return { ...base, ...attach, request: 'attach', [RUN_ID_FIELD]: runId };
  const preset = { ...base, type: 'node', cwd: spec.cwd, skipFiles: ['<node_internals>/**'] };
  return { ...preset, ...attach, request: 'attach', address: '127.0.0.1', port, [RUN_ID_FIELD]: runId };
}
