import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { killTree } from '../../platform/killTree';
import type { LaunchedProcess, Launcher } from '../../platform/launcher';
import type { ProcessTable } from '../../platform/procfs';
import { maskSecrets, secretValues } from '../../platform/redact';
import type { ProbeSpec } from '../../core/types';

export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  /** Why it failed, for the output and the tree's tooltip. */
  message: string;
}

export interface ProbeContext {
  cwd: string;
  env: Record<string, string>;
  now: () => number;
  /** Starts exec probes, as it starts the run's own process: never a fork from the host. */
  launcher: Launcher;
  table: ProcessTable;
  /** Why a passing readiness probe reached a server that is not the run's own; null when it is. */
  foreignPort?(probe: ProbeSpec): string | null;
}

function httpProbe(probe: ProbeSpec, signal: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    const url = probe.url!;
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { signal, timeout: probe.timeoutMs, headers: { 'user-agent': 'dev-process-manager-probe' } }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      const ok = probe.expectStatus !== undefined ? status === probe.expectStatus : status >= 200 && status < 300;
      resolve(ok ? null : `GET ${url} answered ${status}${probe.expectStatus !== undefined ? `, expected ${probe.expectStatus}` : ''}`);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${probe.timeoutMs} ms`)));
    req.on('error', (err) => resolve(`GET ${url} failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
  });
}

function tcpProbe(probe: ProbeSpec, signal: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    const host = probe.host ?? '127.0.0.1';
    // Not net.connect's own `signal` option: it leaves a listener on the signal per connection.
    const socket = net.connect({ host, port: probe.port!, timeout: probe.timeoutMs });
    const onAbort = () => socket.destroy(new Error('cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('close', () => signal.removeEventListener('abort', onAbort));
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => socket.destroy(new Error(`no connection within ${probe.timeoutMs} ms`)));
    socket.once('error', (err) => resolve(`connect ${host}:${probe.port} failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
  });
}

function describeExit(command: string, exitCode: number | null, signal: NodeJS.Signals | null): string | null {
  if (exitCode === 0) return null;
  if (signal) return `"${command}" was killed by ${signal}`;
  return exitCode === null ? `"${command}" ended, but the launcher died; exit status unknown` : `"${command}" exited with ${exitCode}`;
}

/** Every process of one exec probe inherits PROBE_MARKER=<random>: a timeout finds them all by it. */
const PROBE_MARKER = 'DEVPROC_PROBE';

/**
 * Runs the probe's command through the launcher, in a group of its own. On timeout or abort its
 * whole tree is killed, a child that left the group too; what it left in its group is swept when it ends.
 * Resolves to why it failed, or null; a stop's `command` runs the same way.
 */
export function execProbe(probe: Pick<ProbeSpec, 'command' | 'args' | 'timeoutMs'>, signal: AbortSignal, ctx: Omit<ProbeContext, 'foreignPort'>): Promise<string | null> {
  const command = probe.command!;
  const marker = randomUUID();
  const env = { ...ctx.env, [PROBE_MARKER]: marker };
  const child = ctx.launcher.launch({ command, args: probe.args ?? [], cwd: ctx.cwd, env, shell: false });
  child.stdin.end();
  child.stdout.resume();
  child.stderr.resume();
  let overdue: string | undefined;
  let kill: Promise<unknown> = Promise.resolve();
  const takeDown = (why: string) => {
    overdue ??= why;
    if (child.pid !== undefined) kill = killTree({ pid: child.pid, graceMs: 0, table: ctx.table, envMarker: `${PROBE_MARKER}=${marker}` });
  };
  const timer = setTimeout(() => takeDown(`"${command}" did not finish within ${probe.timeoutMs} ms`), probe.timeoutMs).unref();
  const onAbort = () => takeDown('the probe was cancelled');
  signal.addEventListener('abort', onAbort, { once: true });
  // A start confirmed after the timeout or the abort.
  child.onSpawn(() => overdue !== undefined && takeDown(overdue));
  return new Promise<string | null>((resolve) => {
    child.onError((err) => resolve(`"${command}" failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    child.onExit((exitCode, sig) => void settle(child, ctx, kill, `${PROBE_MARKER}=${marker}`).then(() => resolve(overdue ?? describeExit(command, exitCode, sig))));
  }).finally(() => {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  });
}

/** Waits for a kill in progress, then sweeps what the probe left in its group (known by its marker). */
async function settle(child: LaunchedProcess, ctx: Pick<ProbeContext, 'table'>, kill: Promise<unknown>, envMarker: string): Promise<void> {
  await kill;
  if (child.pid !== undefined) await killTree({ pid: child.pid, graceMs: 0, table: ctx.table, leaderExited: true, envMarker, sweep: false });
}

/** Runs one active probe (http, tcp or exec). `log` probes are passive and never come here. */
export async function runProbe(probe: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<ProbeResult> {
  const started = ctx.now();
  let failure: string | null;
  switch (probe.type) {
    case 'http':
      failure = await httpProbe(probe, signal);
      break;
    case 'tcp':
      failure = await tcpProbe(probe, signal);
      break;
    case 'exec':
      failure = await execProbe(probe, signal, ctx);
      break;
    case 'log':
    case 'problems':
      failure = `${probe.type} probes are matched against output, not run`;
      break;
  }
  // The URL, host or command may carry a token or a secret from the run's environment.
  return { ok: failure === null, latencyMs: ctx.now() - started, message: failure === null ? 'ok' : maskSecrets(failure, secretValues(ctx.env)) };
}
