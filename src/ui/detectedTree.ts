import * as vscode from 'vscode';
import { DETECT_SOURCES, type DetectProblem, type DetectSource } from '../config/detected/types';
import type { ProcessSpec } from '../core/types';
import { DETECTED_CONTEXT, DETECTED_SOURCE_CONTEXT, PROBLEM_CONTEXT } from './contextValues';

/** A source's rows start folded past this many: a monorepo's hundreds of scripts would bury the rest of the view. */
const UNFOLDED_MAX = 20;

/** What the sources are called in the view. */
const SOURCE_LABELS: Record<DetectSource, string> = {
  npm: 'npm scripts',
  tasks: 'tasks.json',
  Procfile: 'Procfile',
  'process-compose': 'process-compose',
  compose: 'Docker Compose',
};

/** A project file that could not be read: the row opens it at the place. */
export class DetectedProblemItem extends vscode.TreeItem {
  constructor(readonly problem: DetectProblem) {
    super(vscode.workspace.asRelativePath(problem.file));
    this.id = `detected-problem:${problem.file}:${problem.line}:${problem.column}:${problem.message}`;
    this.contextValue = PROBLEM_CONTEXT;
    this.description = problem.message;
    this.tooltip = `${problem.file}:${problem.line + 1}:${problem.column + 1}\n${problem.message}`;
    this.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    const at = new vscode.Range(problem.line, problem.column, problem.line, problem.column);
    this.command = { command: 'vscode.open', title: 'Open File', arguments: [vscode.Uri.file(problem.file), { selection: at }] };
  }
}

/** One source's entries (npm scripts, tasks.json, ...), and the problems of its files. */
export class DetectedSourceItem extends vscode.TreeItem {
  readonly problems: DetectedProblemItem[];

  constructor(
    readonly source: DetectSource,
    readonly specs: ProcessSpec[],
    problems: DetectProblem[],
  ) {
    const size = specs.length + problems.length;
    super(SOURCE_LABELS[source], size > UNFOLDED_MAX ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
    this.id = `detected:${source}`;
    this.contextValue = DETECTED_SOURCE_CONTEXT;
    this.description = `${specs.length}${problems.length > 0 ? ` · ${problems.length} problem${problems.length > 1 ? 's' : ''}` : ''}`;
    this.problems = problems.map((p) => new DetectedProblemItem(p));
    this.iconPath = new vscode.ThemeIcon(source === 'npm' ? 'package' : source === 'tasks' ? 'tasklist' : 'layers');
  }
}

/** "Detected": what the project's own files define, runnable as they are, read-only. */
export class DetectedItem extends vscode.TreeItem {
  constructor(readonly sources: DetectedSourceItem[]) {
    super('Detected', vscode.TreeItemCollapsibleState.Expanded);
    this.id = 'detected';
    this.contextValue = DETECTED_CONTEXT;
    this.tooltip = 'Scripts and services found in the project\'s files (devProcesses.detect). "Add to Settings" makes one your own.';
    this.iconPath = new vscode.ThemeIcon('search');
  }
}

/** The detected definitions and problems by source, in a fixed order; sources with neither are left out. */
export function detectedSourceItems(specs: readonly ProcessSpec[], problems: readonly DetectProblem[]): DetectedSourceItem[] {
  return DETECT_SOURCES.flatMap((source) => {
    const own = specs.filter((s) => s.source === source);
    const ownProblems = problems.filter((p) => p.source === source);
    return own.length + ownProblems.length > 0 ? [new DetectedSourceItem(source, own, ownProblems)] : [];
  });
}
