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

/** The resident set, the memory outside the heap and the committed size of each V8 heap space (bytes) of the process whose inspector is on `port`, as it is (no collection first). */
export async function heapSpaces(port: number): Promise<Record<string, number>> {
  const { call, close } = await inspectorSession(port);
  try {
    const expression = `(() => {
      const { rss, external, arrayBuffers } = process.memoryUsage();
      const spaces = require('v8').getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size]);
      return JSON.stringify({ rss, external, arrayBuffers, ...Object.fromEntries(spaces) });
    })()`;
    const { result } = (await call('Runtime.evaluate', { expression, returnByValue: true, includeCommandLineAPI: true })) as { result: { value: string } };
    return JSON.parse(result.value) as Record<string, number>;
  } finally {
    close();
  }
}
