/**
 * The engine as the extension runs it, for the benches: a ProcessEngine that launches through the
 * HelperLauncher, and both torn down together.
 */
import { specDefaults } from '../../src/core/defaults';
import { ProcessEngine, type EngineOptions } from '../../src/engine/engine';
import { HelperLauncher } from '../../src/platform/launcher';
import type { ProcessSpec } from '../../src/core/types';

/** A service definition as the config layer would hand it over, with the defaults for the rest. */
export function serviceSpec(name: string, command: string, args: string[], more: Partial<ProcessSpec> = {}): ProcessSpec {
  return { ...specDefaults('service'), name, kind: 'service', command, args, cwd: process.cwd(), env: {}, shell: false, autoStart: true, ...more };
}

export class BenchEngine {
  readonly engine: ProcessEngine;

  /** `launcher`: one already running, to leave the helper's start out of what is measured. */
  constructor(
    options: Omit<EngineOptions, 'launcher'> = {},
    readonly launcher = new HelperLauncher(),
  ) {
    this.engine = new ProcessEngine({ hostEnv: process.env, ...options, launcher });
  }

  /** Stops every run (and waits until their processes are gone), then the helper. */
  async dispose(): Promise<void> {
    try {
      await this.engine.shutdown();
    } finally {
      this.launcher.dispose();
    }
  }

  /**
   * The pids of the runs once every one of them is `running`; rejects if one ends first or
   * `timeoutMs` passes.
   */
  whenRunning(ids: readonly string[], timeoutMs = 10_000): Promise<number[]> {
    const engine = this.engine;
    return new Promise((resolve, reject) => {
      const check = () => {
        const snaps = ids.map((id) => engine.get(id));
        const ended = snaps.find((s) => !s || s.state === 'completed' || s.state === 'failed' || s.state === 'terminated');
        if (ended) return done(new Error(`bench: "${ended.name}" ended (${ended.state}: ${ended.error?.message ?? 'no error'}) before running`));
        if (snaps.every((s) => s!.state === 'running' && s!.pid !== null)) done(undefined, snaps.map((s) => s!.pid!));
      };
      const timer = setTimeout(() => {
        const states = ids.map((id) => engine.get(id)?.state ?? 'unknown').join(', ');
        done(new Error(`bench: not every run was running after ${timeoutMs} ms (${states})`));
      }, timeoutMs);
      const subscription = engine.onDidChange(check);
      function done(err: Error | undefined, pids?: number[]) {
        clearTimeout(timer);
        subscription.dispose();
        if (err) reject(err);
        else resolve(pids!);
      }
      check();
    });
  }
}
