import { LineBatch } from '../../platform/lineBatch';
import type { OutputLine } from '../../platform/outputRing';
import type { Run, RunContext } from './run';

/** What a reader of a run's output downstream of the engine may ask of it. */
export interface RunOutputControl {
  /**
   * Pauses (true) or resumes reading the run's output for `holder`. The process blocks in its own
   * writes meanwhile, so nothing is lost; the run resumes once no holder is left.
   */
  hold(holder: string, held: boolean): void;
  /** Adds lines read back from elsewhere (an adopted run's log file) to the run's output, marked `restored`. */
  restore(lines: OutputLine[]): void;
}

export function runOutputControl(run: Run, ctx: RunContext): RunOutputControl {
  return {
    hold: (holder, held) => run.outputGate.hold(holder, held),
    restore: (lines) => {
      if (lines.length === 0) return;
      const batch = LineBatch.of(lines);
      run.output.pushBatch(batch);
      ctx.onOutput(run, batch, true);
    },
  };
}
