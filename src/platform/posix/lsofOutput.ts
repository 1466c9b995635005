/** What one `lsof -F` run says about one process. */
export interface LsofProcess {
  pid: number;
  /** The command name (`c` field), when asked for. */
  command?: string;
  /** Numbered file descriptors (cwd, txt, mem and the like are not descriptors). */
  fds: number;
  /** TCP ports it listens on, sorted and unique. */
  listening: number[];
}

/**
 * Listening TCP sockets of some processes: ports only (`-a` makes the selections all apply).
 * `-n -P`: no name or port lookups; `-w`: no warnings about file systems it cannot read.
 */
export function lsofListeningArgs(pids: readonly number[]): string[] {
  return ['-nP', '-w', '-a', '-p', pids.join(','), '-iTCP', '-sTCP:LISTEN', '-F', 'pn'];
}

/** Every file of some processes, with the TCP state of sockets: open files and listening ports in one run. */
export function lsofFilesArgs(pids: readonly number[]): string[] {
  return ['-nP', '-w', '-p', pids.join(','), '-F', 'pfPTn'];
}

/** Whoever listens on one TCP port, with the command name. */
export function lsofPortArgs(port: number): string[] {
  return ['-nP', '-w', `-iTCP:${port}`, '-sTCP:LISTEN', '-F', 'pcn'];
}

interface Open {
  fd: boolean;
  named: boolean;
  tcp: boolean;
  listen: boolean;
  port: number | undefined;
}

/** The port of a local address as lsof names it: `*:3000`, `127.0.0.1:3000`, `[::1]:3000` (a connection has `->`). */
function localPort(name: string): number | undefined {
  if (name.includes('->')) return undefined;
  const port = Number(name.slice(name.lastIndexOf(':') + 1));
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

/**
 * Parses lsof's field output (`-F`): a `p` line opens a process, an `f` line one of its files, and
 * the lines after it describe that file (`P` protocol, `n` name, `T` TCP details such as
 * `TST=LISTEN`). Same on Linux and macOS. `listeningOnly`: the query selected listening TCP
 * sockets itself (lsofListeningArgs, lsofPortArgs), so every named file is one.
 */
export function parseLsof(text: string, listeningOnly = false): Map<number, LsofProcess> {
  const out = new Map<number, LsofProcess>();
  const ports = new Map<number, Set<number>>();
  let proc: LsofProcess | undefined;
  let file: Open | undefined;
  const close = () => {
    if (proc && file && file.port !== undefined && (listeningOnly || (file.tcp && file.listen))) ports.get(proc.pid)!.add(file.port);
    file = undefined;
  };
  for (const line of text.split('\n')) {
    const value = line.slice(1);
    switch (line[0]) {
      case 'p':
        close();
        proc = { pid: Number(value), fds: 0, listening: [] };
        out.set(proc.pid, proc);
        ports.set(proc.pid, new Set());
        break;
      case 'c':
        if (proc) proc.command = value;
        break;
      case 'f':
        close();
        file = { fd: /^\d+$/.test(value), named: false, tcp: false, listen: false, port: undefined };
        if (proc && file.fd) proc.fds++;
        break;
      case 'P':
        if (file) file.tcp = value === 'TCP';
        break;
      case 'T':
        if (file && value === 'ST=LISTEN') file.listen = true;
        break;
      case 'n':
        // Without `f` fields (the listening-only query) each name is a file of its own.
        if (!file || file.named) {
          close();
          file = { fd: false, named: false, tcp: false, listen: false, port: undefined };
        }
        file.named = true;
        file.port = localPort(value);
        break;
    }
  }
  close();
  for (const [pid, set] of ports) out.get(pid)!.listening = [...set].sort((a, b) => a - b);
  return out;
}
