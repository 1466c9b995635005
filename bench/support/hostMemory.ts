/**
 * The memory of a running Node process (the extension host, started with its inspector on a
 * port) as Node itself splits it, after a full garbage collection: the resident set, the V8 heap
 * used and reserved, and what lives outside the heap (buffers).
 */
import { inspectorUrl, openSocket } from './hostProfile';

export interface HostMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** `process.memoryUsage()` of the process whose inspector is on `port`, in bytes, after a garbage collection. */
export async function hostMemory(port: number): Promise<HostMemory> {
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
  try {
    await call('HeapProfiler.collectGarbage');
    const { result } = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
    return JSON.parse(result.value) as HostMemory;
  } finally {
    socket.close();
  }
}
