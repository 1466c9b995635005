import { checkedSize, DEFAULT_TTY_SIZE, type LaunchedProcess, type TtySize } from '../../platform/launcher';

/**
 * A run's terminal: the size its pty gets (the last one a view asked for, kept across restarts),
 * whether the current attempt got a pty, and the one line that says when it did not.
 */
export class RunTty {
  size: TtySize = { ...DEFAULT_TTY_SIZE };
  /** The current (or last) attempt runs on a pseudo-terminal. */
  active = false;
  private child: LaunchedProcess | undefined;
  private toldUnavailable = false;

  /** Read when needed: a run's spec is set after its fields. */
  constructor(private readonly wants: () => boolean) {}

  private get wanted(): boolean {
    return this.wants();
  }

  /** The launch option for the next attempt. */
  get option(): TtySize | undefined {
    return this.wanted ? { ...this.size } : undefined;
  }

  /**
   * An attempt's process started: remembers whether it got its pty. Returns the reason it did
   * not, the first time only (a restart does not say it again).
   */
  started(child: LaunchedProcess, name: string, say: (line: string) => void): string | undefined {
    this.child = child;
    this.active = child.tty;
    if (!this.wanted || child.tty || this.toldUnavailable) return undefined;
    this.toldUnavailable = true;
    const reason = child.ttyUnavailable ?? 'the launcher gave no pseudo-terminal';
    say(`"${name}" asked for a terminal ("tty": true) but none is available, so it runs on pipes (isatty is false): ${reason}.`);
    return reason;
  }

  /** Keeps the size for later attempts; true when a running pty got it now. */
  resize(cols: number, rows: number): boolean {
    const size = checkedSize(cols, rows);
    if (!size) throw new TypeError(`A terminal size must be whole numbers from 1 to 65535; got ${cols}x${rows}.`);
    if (!this.wanted) return false;
    this.size = size;
    if (!this.active || !this.child?.resize) return false;
    this.child.resize(size.cols, size.rows);
    return true;
  }
}
