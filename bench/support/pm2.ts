/**
 * PM2 for the comparisons in bench/: a daemon of our own, in a fresh temporary PM2_HOME, started
 * by the bench and killed by it, also when the bench fails or the driver exits first. PM2's API
 * runs in a client process of its own (bench/fixtures/pm2-client.js), since PM2 takes its home and
 * settings from the environment when it is loaded and hands that environment to its daemon.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixture, killHard, procOf, sleep, treeUnder, type Proc } from './tree';

/** The fields of a PM2 app (ecosystem entry) the benches set. */
export interface Pm2App {
  name: string;
  script: string;
  args?: string[];
  /** 'none' runs `script` itself; a path runs `script` through it. */
  interpreter?: string;
  cwd?: string;
  /** Environment variables of the app, over the daemon's. */
  env?: Record<string, string>;
  autorestart?: boolean;
  /** Milliseconds between the exit and the restart. */
  restart_delay?: number;
  /** Milliseconds between the stop signal and SIGKILL. */
  kill_timeout?: number;
  max_restarts?: number;
  min_uptime?: number;
  /** Off: PM2 would read the script's git metadata on every start. */
  vizion?: boolean;
  /** Off: PM2 would inject its metrics agent into Node apps. */
  automation?: boolean;
}

export interface Pm2Process {
  name: string;
  pid: number;
  status: string;
  restarts: number;
}

/** A call that takes longer than this means PM2 is stuck, not slow. */
const CALL_TIMEOUT_MS = 30_000;

/**
 * Only what the benches use: no version check, no pm2.io, no banner. The daemon stops with
 * SIGTERM, as the engine does; PM2's default would be SIGINT, which a shell's background jobs ignore.
 */
function pm2Env(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('PM2_') || key.startsWith('KEYMETRICS_')) delete env[key];
  return {
    ...env,
    PM2_HOME: home,
    PM2_KILL_SIGNAL: 'SIGTERM',
    PM2_DISCRETE_MODE: 'true',
    PM2_PROGRAMMATIC: 'true',
    PM2_NO_INTERACTION: 'true',
    PM2_DISABLE_VERSION_CHECK: 'true',
  };
}

interface Reply {
  id: number;
  error?: string;
  value?: unknown;
}

export class Pm2Daemon {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private daemon: Proc | undefined;
  /** PM2's version, as the client loaded it. */
  version = '';
  private disposed = false;
  private readonly onExit = () => this.killNow();

  private constructor(
    readonly home: string,
    private readonly client: ChildProcess,
  ) {
    client.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiting.reject(new Error(`pm2: ${reply.error}`));
      else waiting.resolve(reply.value);
    });
    client.once('exit', (code, signal) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`pm2: the client process ended (${signal ?? `code ${code}`}).`));
      this.pending.clear();
    });
    // The driver may exit with the bench still running (its time limit): no daemon may outlive it.
    process.once('exit', this.onExit);
  }

  /**
   * Starts a client and, through it, a daemon in a fresh PM2_HOME. `connectMs` is how long the
   * daemon took to start and answer.
   */
  static async start(): Promise<{ pm2: Pm2Daemon; connectMs: number }> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'devproc-bench-pm2-'));
    const client = fork(fixture('pm2-client.js'), [], { env: pm2Env(home), stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    client.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
    const pm2 = new Pm2Daemon(home, client);
    try {
      const t0 = performance.now();
      pm2.version = String(await pm2.call('connect'));
      const connectMs = performance.now() - t0;
      pm2.daemon = pm2.readDaemon();
      if (!pm2.daemon) throw new Error(`pm2: connected, but no daemon runs with the pid in ${home}/pm2.pid`);
      return { pm2, connectMs };
    } catch (err) {
      await pm2.dispose();
      throw new Error(`${(err as Error).message}${stderr ? `\n${stderr}` : ''}`, { cause: err });
    }
  }

  /** The daemon's pid: the parent of every app process. */
  get pid(): number {
    return this.daemon!.pid;
  }

  /** Many apps on a loaded machine take PM2 longer than one call's usual time: `timeoutMs` allows for it. */
  async start(apps: Pm2App[], timeoutMs = CALL_TIMEOUT_MS): Promise<void> {
    await this.call('start', { apps: apps.map((a) => ({ vizion: false, automation: false, ...a })) }, timeoutMs);
  }

  async stop(name: string): Promise<void> {
    await this.call('stop', name);
  }

  async delete(name: string): Promise<void> {
    await this.call('delete', name);
  }

  async list(): Promise<Pm2Process[]> {
    return (await this.call('list')) as Pm2Process[];
  }

  /** The last lines of the daemon's log, for an error message. */
  logTail(lines = 20): string {
    try {
      return fs.readFileSync(path.join(this.home, 'pm2.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /**
   * Kills the daemon through PM2 (which stops its apps first), then kills whatever is left of it
   * and its apps by pid, ends the client and removes PM2_HOME. Never throws.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.daemon !== undefined && this.client.connected) {
      await this.call('killDaemon', undefined, 10_000).catch(() => undefined);
    }
    this.killNow();
    if (this.client.exitCode === null && this.client.signalCode === null) {
      const exited = new Promise((resolve) => this.client.once('exit', resolve));
      this.client.kill('SIGKILL');
      await Promise.race([exited, sleep(2000)]);
    }
    process.off('exit', this.onExit);
  }

  /** Synchronous, so it can run in an 'exit' handler: SIGKILL to the daemon, its apps and the client. */
  private killNow(): void {
    // A connect that failed half way may have started a daemon we never got to record.
    const daemon = this.daemon ?? this.readDaemon();
    // Only while the pid is still the daemon we started (treeUnder checks the start time).
    if (daemon) killHard(treeUnder(daemon));
    if (this.client.exitCode === null && this.client.signalCode === null) this.client.kill('SIGKILL');
    fs.rmSync(this.home, { recursive: true, force: true });
  }

  private readDaemon(): Proc | undefined {
    try {
      return procOf(Number(fs.readFileSync(path.join(this.home, 'pm2.pid'), 'utf8').trim()));
    } catch {
      return undefined;
    }
  }

  private call(call: string, arg?: unknown, timeoutMs = CALL_TIMEOUT_MS): Promise<unknown> {
    if (!this.client.connected) return Promise.reject(new Error(`pm2: the client process is gone (${call}).`));
    const id = ++this.seq;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`pm2: ${call} did not answer within ${timeoutMs / 1000} s.\n${this.logTail()}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      this.client.send({ id, call, arg });
    });
  }
}
