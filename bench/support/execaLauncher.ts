import { execa } from 'execa';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fromChildProcess } from '../../src/platform/launcher/childProcessLauncher';
import type { Launcher } from '../../src/platform/launcher/types';

/**
 * Spawns in-process with execa: detached (own group), pipes, no buffering, never rejects.
 * A baseline for the host-blocking bench, against `childProcessLauncher` and the helper.
 */
export const execaLauncher: Launcher = {
  launch(opts) {
    const child = execa(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      extendEnv: false,
      shell: opts.shell ? '/bin/sh' : false,
      detached: true,
      cleanup: false,
      buffer: false,
      reject: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      stripFinalNewline: false,
      windowsHide: true,
    });
    // The result promise settles when the streams close, which a grandchild can delay; the
    // engine listens to the process events instead and only keeps the promise from rejecting.
    child.catch(() => undefined);
    return fromChildProcess(child as unknown as ChildProcessWithoutNullStreams);
  },
};
