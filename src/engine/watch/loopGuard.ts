import type { WatchTimings } from './watchTypes';

/**
 * Tells a process that writes into its own watched files from a person's edits: the same file
 * changes each time shortly after the process was restarted, several restarts in a row. Pure.
 */
export class LoopGuard {
  private restartedAt: number | undefined;
  private streak = 0;
  private files = new Set<string>();

  constructor(private readonly timings: Pick<WatchTimings, 'loopWindowMs' | 'loopRestarts'>) {}

  /** A restart made a new process at `at`. */
  restarted(at: number): void {
    this.restartedAt = at;
  }

  /** A batch of changed files, the first seen at `firstAt`; the file that makes a loop, or undefined. */
  check(files: readonly string[], firstAt: number): string | undefined {
    const since = this.restartedAt === undefined ? Infinity : firstAt - this.restartedAt;
    this.restartedAt = undefined;
    if (since < 0 || since > this.timings.loopWindowMs) {
      this.streak = 0;
      this.files.clear();
      return undefined;
    }
    const common = this.streak === 0 ? [...files] : files.filter((f) => this.files.has(f));
    this.streak = common.length === 0 ? 1 : this.streak + 1;
    this.files = new Set(common.length === 0 ? files : common);
    return this.streak >= this.timings.loopRestarts ? [...this.files][0] : undefined;
  }

  reset(): void {
    this.restartedAt = undefined;
    this.streak = 0;
    this.files.clear();
  }
}
