import * as fs from 'node:fs';

function parentOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '(gone)';
  }
}

function live(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
}

function descendsFrom(pid: number, server: (command: string) => boolean): boolean {
  for (let p = parentOf(pid); p > 1; p = parentOf(p)) if (server(commandOf(p))) return true;
  return false;
}

/**
 * The extension host of this test's window that runs `pid`'s launcher helper. The helper a window
 * started is its child; a helper a later window took over after a reload has lost its parent, so
 * then it is the one live extension host of the code-server whose user data dir is ours.
 */
export function extensionHostOf(pid: number, userDataDir: string): number {
  for (let p = parentOf(pid); p > 1; p = parentOf(p)) if (/extensionHost/.test(commandOf(p))) return p;
  const ours = (command: string) => command.includes(userDataDir);
  const hosts = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((p) => /--type=extensionHost/.test(commandOf(p)) && live(p) && descendsFrom(p, ours));
  if (hosts.length !== 1) throw new Error(`no single extension host for pid ${pid}: found ${hosts.length} (${hosts.join(', ')})`);
  return hosts[0];
}
