/**
 * The memory of a running Node process (the extension host, started with its inspector on a
 * port) as Node itself splits it, after a full garbage collection: the resident set, the V8 heap
 * used and reserved, and what lives outside the heap (buffers).
 */
import { inspectorSession } from './hostProfile';

export interface HostMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** `process.memoryUsage()` of the process whose inspector is on `port`, in bytes, after a garbage collection. */
export async function hostMemory(port: number): Promise<HostMemory> {
  const { call, close } = await inspectorSession(port);
  try {
    await call('HeapProfiler.collectGarbage');
    const { result } = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
    return JSON.parse(result.value) as HostMemory;
  } finally {
    close();
  }
}
