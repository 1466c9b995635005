import * as fs from 'node:fs';
import { readPrivateFile, writePrivateFile } from '../records';
import type { SessionInfo } from './sessionClient';

/**
 * Where a helper that outlives its window can be found again: its socket path and token, in a
 * file of the workspace's storage only our user can read (mode 0600).
 */
export class SessionFile {
  constructor(readonly file: string) {}

  read(): SessionInfo | undefined {
    const text = readPrivateFile(this.file);
    if (text === undefined) return undefined;
    try {
      const info = JSON.parse(text) as Partial<SessionInfo> | null;
      const ok = typeof info?.socketPath === 'string' && info.socketPath.length < 1024 && typeof info.token === 'string' && /^[0-9a-f]{32}$/.test(info.token);
      if (!ok) return undefined;
      const helper = Number.isSafeInteger(info.pid) && Number.isSafeInteger(info.startTime) ? { pid: info.pid, startTime: info.startTime } : {};
      return { socketPath: info.socketPath!, token: info.token!, ...helper };
    } catch {
      return undefined;
    }
  }

  write(info: SessionInfo): void {
    writePrivateFile(this.file, JSON.stringify(info), 'where the launcher helper can be found again');
  }

  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}
