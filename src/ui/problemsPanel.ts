import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import type { OutputProblem, ProblemCounts } from '../core/problemMatchers';
import type { ProcessEngine } from '../engine/engine';
import { Coalescer } from './coalesce';
import { ProblemStore } from './problemStore';

/** Gathers a burst of matched lines into one update of the Problems panel. */
const FLUSH_DELAY_MS = 100;

const SEVERITIES: Record<OutputProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The diagnostic's source: the Problems panel shows it beside each message and filters on it. */
export function problemSource(name: string): string {
  return `devProcesses: ${name}`;
}

function diagnosticOf(problem: OutputProblem, source: string): vscode.Diagnostic {
  const line = problem.line - 1;
  const column = problem.column - 1;
  // Without an end, an empty range: the editor underlines the word at the position.
  const range = new vscode.Range(line, column, (problem.endLine ?? problem.line) - 1, (problem.endColumn ?? problem.column) - 1);
  const diagnostic = new vscode.Diagnostic(range, problem.message, SEVERITIES[problem.severity]);
  diagnostic.source = source;
  if (problem.code !== undefined) diagnostic.code = problem.code;
  return diagnostic;
}

/**
 * Problems read from the output of definitions with a `problemMatcher`, shown in the Problems
 * panel: one diagnostic collection per definition, diagnostics' source "devProcesses: NAME".
 */
export class ProblemsPanel extends Disposable {
  private readonly problems: ProblemStore;
  private readonly collections = new Map<string, vscode.DiagnosticCollection>();
  private readonly dirty = new Set<string>();
  private readonly flusher = this._register(new Coalescer(() => this.flush(), FLUSH_DELAY_MS));
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  /** Some run's problem counts changed. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(engine: ProcessEngine) {
    super();
    this.problems = new ProblemStore(
      (name) => {
        const spec = engine.definition(name);
        return spec && { matchers: spec.problemMatcher, cwd: spec.cwd };
      },
      (name) => {
        this.dirty.add(name);
        this.flusher.poke();
      },
    );
    this._register(engine.onDidOutput((event) => this.problems.output(event)));
    this._register(engine.onDidChange((snapshot) => snapshot && this.problems.runChanged(snapshot)));
    this._register({ dispose: () => this.collections.forEach((c) => c.dispose()) });
  }

  /** Errors and warnings the run's output gave (since its current round or attempt began). */
  countsOf(runId: string): ProblemCounts {
    return this.problems.countsOf(runId);
  }

  /** The problems of every definition that has any, as the Problems panel shows them. */
  all(): { name: string; problems: OutputProblem[] }[] {
    return this.problems.all();
  }

  private flush(): void {
    for (const name of this.dirty) this.show(name);
    this.dirty.clear();
    this.changeEmitter.fire();
  }

  private show(name: string): void {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = vscode.languages.createDiagnosticCollection(problemSource(name));
      this.collections.set(name, collection);
    }
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const source = problemSource(name);
    for (const problem of this.problems.problemsOf(name)) {
      const list = byFile.get(problem.file) ?? [];
      list.push(diagnosticOf(problem, source));
      byFile.set(problem.file, list);
    }
    collection.clear();
    collection.set([...byFile].map(([file, diagnostics]) => [vscode.Uri.file(file), diagnostics]));
  }
}
