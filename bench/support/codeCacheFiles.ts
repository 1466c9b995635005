/**
 * The V8 code caches our extension leaves in its global storage (src/start.ts writes them a few
 * seconds after activation), carried from one fresh code-server to the next, as a user's next
 * window finds them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitUntil } from './workbench';

/** The bundle's cache and those of the parts it loaded by then. */
export type CodeCache = {
  /** Relative to the server's user data dir. */
  file: string;
  data: Buffer;
}[];

/** How long after activation the extension writes its code cache, with room for a loaded machine. */
const CODE_CACHE_WAIT_MS = 30_000;

/** The code caches our extension wrote under the user data dir, if the bundle's is there. */
export function findCodeCache(userDataDir: string): CodeCache | undefined {
  const root = path.join(userDataDir, 'User', 'globalStorage');
  const found = fs.existsSync(root) ? fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.v8cache')) : [];
  if (!found.some((f) => path.basename(f).startsWith('extension-'))) return undefined;
  return found.map((f) => ({ file: path.relative(userDataDir, path.join(root, f)), data: fs.readFileSync(path.join(root, f)) }));
}

/** Waits for the caches a window writes after its activation; undefined if none came in time. */
export async function awaitCodeCache(userDataDir: string): Promise<CodeCache | undefined> {
  const written = await waitUntil('the code cache written after activation', async () => findCodeCache(userDataDir), (c) => c !== undefined, CODE_CACHE_WAIT_MS).catch(() => undefined);
  if (!written) return undefined;
  // The parts' caches are written just after the bundle's.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return findCodeCache(userDataDir);
}

/** Puts the caches where the extension looks for them, before the window's extension host starts. */
export function putCodeCache(userDataDir: string, cache: CodeCache | undefined): void {
  for (const { file, data } of cache ?? []) {
    fs.mkdirSync(path.dirname(path.join(userDataDir, file)), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, file), data);
  }
}
