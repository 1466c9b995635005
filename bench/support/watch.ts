/**
 * /proc watched from a worker thread (bench/fixtures/proc-watch.js): the engine runs in this
 * thread and reads /proc synchronously, for tens of milliseconds on a loaded machine, so a poll
 * on this event loop would see an exit or a new process only once the engine let it run.
 */
import { Worker } from 'node:worker_threads';
import { fixture, type Proc } from './tree';

/** Milliseconds every thread of this process agrees on, with sub-millisecond resolution. */
export const clock = () => performance.timeOrigin + performance.now();

type Message =
  | { type: 'ready' }
  | { type: 'gone'; at: number }
  | { type: 'restart'; exitAt: number; nextAt: number }
  | { type: 'timeout'; message: string };

type Task = { task: 'gone'; procs: Proc[] } | { task: 'restarts'; parent: number; name: string; count: number };

export class ProcWatch {
  private readonly messages: Message[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: Message) => this.push(m));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', () => this.fail(new Error('bench: the /proc watch ended before its task did')));
  }

  /** Watches until every one of `procs` is gone; `limitMs` at most. */
  static gone(procs: readonly Proc[], limitMs: number): Promise<ProcWatch> {
    return ProcWatch.start({ task: 'gone', procs: [...procs] }, limitMs);
  }

  /** Watches `count` times a child of `parent` named `name` exit and another one appear; `limitMs` at most each. */
  static restarts(parent: number, name: string, count: number, limitMs: number): Promise<ProcWatch> {
    return ProcWatch.start({ task: 'restarts', parent, name, count }, limitMs);
  }

  /** Resolves once the worker polls, so nothing measured waits for its start. */
  private static async start(task: Task, limitMs: number): Promise<ProcWatch> {
    const watch = new ProcWatch(new Worker(fixture('proc-watch.js'), { workerData: { ...task, limitMs } }));
    try {
      await watch.next('ready');
      return watch;
    } catch (err) {
      await watch.dispose();
      throw err;
    }
  }

  /** When everything was gone (clock()); undefined if something outlived the limit. */
  async whenGone(): Promise<number | undefined> {
    const m = await this.next('gone', true);
    return m?.at;
  }

  /** The next exit and restart; throws if none came within the limit. */
  async nextRestart(): Promise<{ exitAt: number; nextAt: number }> {
    return (await this.next('restart'))!;
  }

  async dispose(): Promise<void> {
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake?.();
  }

  private push(m: Message): void {
    this.messages.push(m);
    this.wake?.();
  }

  private async next<T extends Message['type']>(type: T, timeoutIsUndefined = false): Promise<Extract<Message, { type: T }> | undefined> {
    for (;;) {
      const m = this.messages.shift();
      if (m?.type === type) return m as Extract<Message, { type: T }>;
      if (m?.type === 'timeout') {
        if (timeoutIsUndefined) return undefined;
        throw new Error(`bench: ${m.message}`);
      }
      if (m) throw new Error(`bench: the /proc watch sent ${m.type} where ${type} was due`);
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
