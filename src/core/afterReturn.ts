import { DisposableStore, type Disposable } from './events';

/** One piece of deferred work; what it returns is released with the `AfterReturn` that ran it. */
export type Step = () => Disposable | void;

/**
 * Work a synchronous caller hands on to just after it returns: `activate()` keeps what the
 * commands and the first paint need, and the rest runs on the next turn of the event loop,
 * outside the time the editor counts as activating. `done` settles once every step has run, so
 * the editor, which waits for the promise `activate()` returns before it treats the extension as
 * active, waits for them too. The steps run in the order added; a step that throws does not keep
 * the others from running, and `done` rejects with the first such error, as activation itself
 * would have failed.
 */
export class AfterReturn implements Disposable {
  private readonly steps: Step[] = [];
  private readonly made = new DisposableStore();
  private disposed = false;
  private readonly timer: NodeJS.Immediate;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;
  readonly done: Promise<void>;

  constructor() {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setImmediate(() => this.run());
  }

  /** Added after the steps ran (or after dispose), a step is not run. */
  add(step: Step): void {
    this.steps.push(step);
  }

  private run(): void {
    const failures: unknown[] = [];
    for (const step of this.steps.splice(0)) {
      if (this.disposed) break;
      try {
        const made = step();
        if (made) this.made.add(made);
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length) this.reject(failures[0]);
    else this.resolve();
  }

  /** Releases what the steps made; steps not yet run never run, and `done` settles. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearImmediate(this.timer);
    this.steps.length = 0;
    this.made.dispose();
    this.resolve();
  }
}
