import { Emitter, type Disposable } from '../core/events';
import type { Launcher, LauncherLoss } from '../platform/launcher';

/** A run that asked for a terminal runs on pipes: which one, and why. */
export interface PtyUnavailable {
  name: string;
  reason: string;
}

/** The engine's events worth a notification: a lost launcher, a pty that cannot be had. */
export class EngineNotices implements Disposable {
  private readonly launcherLossEmitter = new Emitter<LauncherLoss>();
  private readonly noPtyEmitter = new Emitter<PtyUnavailable>();
  private launcherLoss: Disposable | undefined;
  private toldNoPty = false;
  /**
   * The launcher helper died or stopped answering with processes in its hands, and was replaced:
   * once per loss. Those processes end with `launcher-lost`.
   */
  readonly onDidLoseLauncher = this.launcherLossEmitter.event;
  /** A run that asked for a terminal (`tty`) runs on pipes: once per engine (a window), for one notice. */
  readonly onDidMissPty = this.noPtyEmitter.event;

  /** Forwards the launcher's losses. */
  follow(launcher: Launcher): void {
    this.launcherLoss = launcher.onDidLose?.((loss) => this.launcherLossEmitter.fire(loss));
  }

  /** Fires the first time only: the cause (a module that does not load) is the same for every run. */
  noPty(name: string, reason: string): void {
    if (this.toldNoPty) return;
    this.toldNoPty = true;
    this.noPtyEmitter.fire({ name, reason });
  }

  /** Stops forwarding; listeners are released. */
  dispose(): void {
    this.launcherLoss?.dispose();
    this.launcherLossEmitter.dispose();
    this.noPtyEmitter.dispose();
  }
}
