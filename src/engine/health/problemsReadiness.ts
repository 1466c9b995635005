import type { ProblemMatcher } from '../../core/problemMatchers';
import { OutputMatcher } from '../../platform/problemMatcher';

/** What a round of a watcher ended with: ready, or the errors it found. */
export type RoundVerdict = { ready: true } | { ready: false; errors: number };

/**
 * A "problems" readiness probe: reads the output with the definition's matchers and gives a
 * verdict each time a background round ends, from the errors found since the round began.
 */
export class ProblemsReadiness {
  private readonly matcher: OutputMatcher;
  private errors = 0;

  constructor(matchers: readonly ProblemMatcher[], cwd: string) {
    this.matcher = new OutputMatcher(matchers, cwd);
  }

  /** The verdict of the last round that ended in these lines; undefined when none ended. */
  feed(lines: readonly string[]): RoundVerdict | undefined {
    let verdict: RoundVerdict | undefined;
    for (const event of this.matcher.feed(lines)) {
      if (event.type === 'begin') this.errors = 0;
      else if (event.type === 'problem') this.errors += event.problem.severity === 'error' ? 1 : 0;
      else verdict = this.errors === 0 ? { ready: true } : { ready: false, errors: this.errors };
    }
    return verdict;
  }
}
