// The problems read from each run's output, for the Problems panel, the tree and the API. No
// `vscode` import: unit-tested in plain Node.
import type { OutputProblem, ProblemCounts, ProblemMatcher } from '../core/problemMatchers';
import type { OutputEvent } from '../engine/engine';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import { OutputMatcher } from '../platform/problemMatcher';

/** Past this many, a run's further problems are dropped: a flood must not bury the editor in markers. */
export const MAX_PROBLEMS_PER_RUN = 1000;

/** What the store needs of a definition: its matchers (none: its output is not read) and its cwd. */
export interface MatchedDefinition {
  matchers: readonly ProblemMatcher[] | undefined;
  cwd: string;
}

interface RunProblems {
  name: string;
  instance: number;
  /** The attempt the problems come from; undefined until a change of the run says it. */
  attempts: number | undefined;
  matcher: OutputMatcher;
  problems: OutputProblem[];
}

const NONE: ProblemCounts = { errors: 0, warnings: 0 };

export function countProblems(problems: readonly OutputProblem[]): ProblemCounts {
  let errors = 0;
  let warnings = 0;
  for (const p of problems) {
    if (p.severity === 'error') errors++;
    else if (p.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}

/**
 * Runs each definition's problem matchers over its runs' output and keeps what they found. A
 * run's problems go when a round of its watcher begins and when a new attempt or a new run of
 * the same definition (and replica) starts; an ended run's stay until then.
 */
export class ProblemStore {
  private readonly runs = new Map<string, RunProblems>();

  constructor(
    private readonly definition: (name: string) => MatchedDefinition | undefined,
    /** A definition's problems changed. */
    private readonly changed: (name: string) => void,
  ) {}

  output(event: OutputEvent): void {
    // Lines read back from a log file were matched when they were written, by an earlier window.
    if (event.adhoc || event.restored) return;
    const run = this.runOf(event.id, event.name, event.instance);
    if (!run) return;
    const texts = event.lines.filter((l) => l.stream !== 'system').map((l) => l.text);
    if (texts.length === 0) return;
    let touched = false;
    for (const match of run.matcher.feed(texts)) {
      if (match.type === 'begin') {
        touched ||= run.problems.length > 0;
        run.problems = [];
      } else if (match.type === 'problem' && run.problems.length < MAX_PROBLEMS_PER_RUN) {
        run.problems.push(match.problem);
        touched = true;
      }
    }
    if (touched) this.changed(run.name);
  }

  /** A new attempt of a run (an automatic restart or retry) starts with no problems. */
  runChanged(snapshot: ProcessSnapshot): void {
    const run = this.runs.get(snapshot.id) ?? (snapshot.adhoc ? undefined : this.runOf(snapshot.id, snapshot.name, snapshot.instance));
    if (!run || run.attempts === snapshot.attempts) return;
    const known = run.attempts !== undefined;
    run.attempts = snapshot.attempts;
    if (!known || run.problems.length === 0) return;
    run.problems = [];
    this.changed(run.name);
  }

  /** The problems of every kept run of the definition. */
  problemsOf(name: string): OutputProblem[] {
    return [...this.runs.values()].filter((r) => r.name === name).flatMap((r) => r.problems);
  }

  /** The problems of every definition that has any. */
  all(): { name: string; problems: OutputProblem[] }[] {
    const names = new Set([...this.runs.values()].map((r) => r.name));
    return [...names].map((name) => ({ name, problems: this.problemsOf(name) })).filter((p) => p.problems.length > 0);
  }

  /** Errors and warnings of one run; zero for a run whose output is not read. */
  countsOf(runId: string): ProblemCounts {
    const run = this.runs.get(runId);
    return run ? countProblems(run.problems) : NONE;
  }

  private runOf(id: string, name: string, instance: number): RunProblems | undefined {
    const known = this.runs.get(id);
    if (known) return known;
    const definition = this.definition(name);
    if (!definition?.matchers?.length) return undefined;
    // A new run of the definition replaces the one it follows (a restart, a new job run).
    for (const [otherId, other] of this.runs) {
      if (other.name === name && other.instance === instance) {
        this.runs.delete(otherId);
        if (other.problems.length > 0) this.changed(name);
      }
    }
    const run: RunProblems = { name, instance, attempts: undefined, matcher: new OutputMatcher(definition.matchers, definition.cwd), problems: [] };
    this.runs.set(id, run);
    return run;
  }
}
