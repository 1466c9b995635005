import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { ProbeSpec } from '../types';

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
    const socket = net.connect({ host, port: probe.port!, signal, timeout: probe.timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => socket.destroy(new Error(`no connection within ${probe.timeoutMs} ms`)));
    socket.once('error', (err) => resolve(`connect ${host}:${probe.port} failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
  });
}

function execProbe(probe: ProbeSpec, signal: AbortSignal, ctx: ProbeContext): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      probe.command!,
      probe.args ?? [],
      { cwd: ctx.cwd, env: ctx.env, timeout: probe.timeoutMs, killSignal: 'SIGKILL', signal, maxBuffer: 64 * 1024 },
      (err) => {
        if (!err) return resolve(null);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
        if (e.killed) return resolve(`"${probe.command}" did not finish within ${probe.timeoutMs} ms`);
        resolve(typeof e.code === 'number' ? `"${probe.command}" exited with ${e.code}` : `"${probe.command}" failed: ${e.code ?? e.message}`);
      },
    );
  });
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
      failure = 'log probes are matched against output, not run';
      break;
  }
  return { ok: failure === null, latencyMs: ctx.now() - started, message: failure ?? 'ok' };
}
