/**
 * Where a running Node process (the extension host, started with its inspector on a port) spends
 * its CPU: the V8 profiler samples it for a while, and the self time is summed by function.
 * For finding the cost, not for measuring it: the profiler itself adds some.
 */
import * as fs from 'node:fs';
import { sleep } from './tree';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

type Socket = { on(event: string, fn: (data: unknown) => void): void; send(text: string): void; close(): void };

/** The WebSocket client that playwright-core bundles: Node 20 has none without a flag. */
function openSocket(url: string): Promise<Socket> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ws: WebSocket } = require('playwright-core/lib/utilsBundle') as { ws: new (url: string) => Socket };
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.on('open', () => resolve(socket));
    socket.on('error', (err) => reject(err as Error));
  });
}

async function inspectorUrl(port: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    try {
      const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
      if (list[0]) return list[0].webSocketDebuggerUrl;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`no inspector on port ${port}`);
}

/** A DevTools protocol session with the process whose inspector is on `port`: one call at a time, answered by id. */
export async function inspectorSession(port: number): Promise<{ call(method: string, params?: object): Promise<unknown>; close(): void }> {
  const socket = await openSocket(await inspectorUrl(port));
  let seq = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => socket.close() };
}

/**
 * The sampled time (ms) of stacks that pass through a frame whose script's URL contains one of
 * `urlParts`: what that code cost the process, the functions it called included (Node's and the
 * editor's API), the garbage collections it caused not.
 */
export function timeThrough(profile: Profile, urlParts: readonly string[]): number {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const through = new Map<number, boolean>();
  const passes = (id: number | undefined): boolean => {
    if (id === undefined) return false;
    let known = through.get(id);
    if (known === undefined) {
      const url = byId.get(id)!.callFrame.url;
      known = urlParts.some((part) => url.includes(part)) || passes(parent.get(id));
      through.set(id, known);
    }
    return known;
  };
  return profile.samples.reduce((sum, id, i) => (passes(id) ? sum + profile.timeDeltas[i] / 1000 : sum), 0);
}

/** Samples the process whose inspector is on `port` for `seconds`, writes the .cpuprofile to `file`; returns it. */
export async function recordProfile(seconds: number, file: string, port: number): Promise<Profile> {
  const { call, close } = await inspectorSession(port);
  try {
    await call('Profiler.enable');
    await call('Profiler.setSamplingInterval', { interval: 200 });
    await call('Profiler.start');
    await sleep(seconds * 1000);
    const { profile } = (await call('Profiler.stop')) as { profile: Profile };
    fs.writeFileSync(file, JSON.stringify(profile));
    return profile;
  } finally {
    close();
  }
}

/** The self time (ms) of a profile by "function file:line", largest first. */
export function selfTime(profile: Profile): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i] / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

export interface Allocations {
  /** Bytes sampled in all, garbage included. */
  total: number;
  /** Bytes sampled in stacks that pass through a frame whose script's URL contains one of the parts asked for. */
  through: number;
  /** Self bytes by "function file:line", largest first. */
  sites: [string, number][];
  /** Bytes by the outermost frame of the parts asked for (who, in our code, started the work that allocated). */
  entries: [string, number][];
}

const frameKey = (f: AllocationNode['callFrame']) => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;

/**
 * Samples what the process whose inspector is on `port` allocates while `during` runs, objects
 * collected meanwhile included (they are the garbage that grows a heap V8 is slow to give back);
 * writes the .heapprofile to `file`.
 */
export async function recordAllocations(during: () => Promise<void>, port: number, urlParts: readonly string[], file: string): Promise<Allocations> {
  const { call, close } = await inspectorSession(port);
  try {
    await call('HeapProfiler.enable');
    await call('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    await during();
    const { profile } = (await call('HeapProfiler.stopSampling')) as { profile: { head: AllocationNode } };
    fs.writeFileSync(file, JSON.stringify(profile));
    const sites = new Map<string, number>();
    const entries = new Map<string, number>();
    let total = 0;
    let through = 0;
    const walk = (node: AllocationNode, entry: string | undefined): void => {
      const ours = urlParts.some((part) => node.callFrame.url.includes(part));
      const here = entry ?? (ours ? frameKey(node.callFrame) : undefined);
      total += node.selfSize;
      if (here !== undefined) {
        through += node.selfSize;
        entries.set(here, (entries.get(here) ?? 0) + node.selfSize);
      }
      if (node.selfSize > 0) sites.set(frameKey(node.callFrame), (sites.get(frameKey(node.callFrame)) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child, here);
    };
    walk(profile.head, undefined);
    const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
    return { total, through, sites: sorted(sites), entries: sorted(entries) };
  } finally {
    close();
  }
}
