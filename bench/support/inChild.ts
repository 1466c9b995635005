import { spawn, type ChildProcess } from 'node:child_process';

/** Measurement processes still running; killed if this process exits first (a driver's time limit). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Runs `node [nodeArgs] script ...args` and resolves with the JSON of the last line it printed.
 * A bench measures in a fresh process so every measurement starts with the same heap and RSS.
 */
export function measureInChild<T>(script: string, args: string[], timeoutMs: number, nodeArgs: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    live.add(child);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (out += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      if (code !== 0) {
        reject(new Error(`The measurement ${args.join(' ')} ended with ${signal ?? `code ${code}`}.`));
        return;
      }
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as T);
    });
  });
}
