import * as path from 'node:path';
import type { FileLocation, OutputProblem, ProblemMatcher, ProblemPattern, ProblemSeverity } from '../core/problemMatchers';

/** Longer lines are not matched: no tool prints a problem that long, and a flood of them must stay cheap. */
export const MAX_MATCHED_LINE = 4096;

/** What a line of output gave: a problem, or the start or end of a watcher's round of work. */
export type MatchEvent =
  | { type: 'problem'; problem: OutputProblem }
  | { type: 'begin'; matcher: string }
  | { type: 'end'; matcher: string };

/** The fields a problem is built from, as matched so far over one or more lines. */
type Fields = Partial<Record<'file' | 'location' | 'line' | 'column' | 'endLine' | 'endColumn' | 'severity' | 'code' | 'message', string>>;
const FIELD_NAMES = ['file', 'location', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message'] as const;

interface CompiledPattern {
  re: RegExp;
  groups: readonly [keyof Fields, number][];
  loop: boolean;
}

function compilePattern(pattern: ProblemPattern): CompiledPattern {
  const groups = FIELD_NAMES.flatMap((name) => (pattern[name] === undefined ? [] : [[name, pattern[name]] as [keyof Fields, number]]));
  return { re: new RegExp(pattern.regexp), groups, loop: pattern.loop === true };
}

function read(fields: Fields, pattern: CompiledPattern, match: RegExpExecArray): Fields {
  const out = { ...fields };
  for (const [name, group] of pattern.groups) {
    const value = match[group];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function severityOf(text: string | undefined, fallback: ProblemSeverity): ProblemSeverity {
  const first = text?.trim().charAt(0).toLowerCase();
  if (first === 'e' || first === 'f') return 'error';
  if (first === 'w') return 'warning';
  if (first === 'i' || first === 'n' || first === 'h') return 'info';
  return fallback;
}

const positive = (text: string | undefined): number | undefined => {
  const n = text === undefined ? NaN : Number.parseInt(text, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

/** One matcher's running state: which line of a multi-line problem it expects next. */
class LineMatcher {
  private readonly patterns: CompiledPattern[];
  private readonly begins: RegExp | undefined;
  private readonly ends: RegExp | undefined;
  /** Index of the pattern the next line must match; 0 when no problem is under way. */
  private next = 0;
  /** What the lines before the current pattern matched. */
  private prefix: Fields = {};

  constructor(
    private readonly matcher: ProblemMatcher,
    private readonly cwd: string,
  ) {
    this.patterns = matcher.pattern.map(compilePattern);
    this.begins = matcher.background && new RegExp(matcher.background.beginsPattern);
    this.ends = matcher.background && new RegExp(matcher.background.endsPattern);
  }

  match(line: string, events: MatchEvent[]): void {
    if (this.begins?.test(line)) {
      this.reset();
      events.push({ type: 'begin', matcher: this.matcher.label });
      return;
    }
    if (this.ends?.test(line)) {
      this.reset();
      events.push({ type: 'end', matcher: this.matcher.label });
      return;
    }
    if (this.next > 0 && this.continueWith(line, events)) return;
    this.reset();
    const first = this.patterns[0].re.exec(line);
    if (first) this.advance(0, read({}, this.patterns[0], first), events);
  }

  /** The line matched the pattern expected next; false when it did not (the problem under way is dropped). */
  private continueWith(line: string, events: MatchEvent[]): boolean {
    const pattern = this.patterns[this.next];
    const match = pattern.re.exec(line);
    if (!match) return false;
    this.advance(this.next, read(this.prefix, pattern, match), events);
    return true;
  }

  private advance(index: number, fields: Fields, events: MatchEvent[]): void {
    const last = this.patterns.length - 1;
    if (index < last) {
      this.prefix = fields;
      this.next = index + 1;
      return;
    }
    const problem = this.problemOf(fields);
    if (problem) events.push({ type: 'problem', problem });
    // A looping last pattern stays expected, on top of what the lines before it gave.
    if (!this.patterns[last].loop || last === 0) this.reset();
  }

  private reset(): void {
    this.next = 0;
    this.prefix = {};
  }

  private problemOf(fields: Fields): OutputProblem | undefined {
    const [locLine, locColumn, locEndLine, locEndColumn] = (fields.location ?? '').split(',').map((part) => positive(part));
    const line = positive(fields.line) ?? locLine;
    const file = fields.file?.trim();
    if (!file || line === undefined) return undefined;
    const { owner, source, severity } = this.matcher;
    const problem: OutputProblem = {
      owner,
      file: resolveProblemFile(file, this.matcher.fileLocation, this.cwd),
      line,
      column: positive(fields.column) ?? locColumn ?? 1,
      severity: severityOf(fields.severity, severity),
      message: fields.message?.trim() || '(no message)',
    };
    const endLine = positive(fields.endLine) ?? locEndLine;
    const endColumn = positive(fields.endColumn) ?? locEndColumn;
    if (endLine !== undefined) problem.endLine = endLine;
    if (endColumn !== undefined) problem.endColumn = endColumn;
    if (fields.code) problem.code = fields.code;
    if (source !== undefined) problem.source = source;
    return problem;
  }
}

/**
 * Runs a definition's problem matchers over its output, line by line, in order. Each matcher
 * keeps its own place in a multi-line problem. The regular expressions are compiled once, here.
 */
export class OutputMatcher {
  private readonly matchers: LineMatcher[];

  /** `cwd`: the run's working directory, which relative paths are taken from. */
  constructor(matchers: readonly ProblemMatcher[], cwd: string) {
    this.matchers = matchers.map((m) => new LineMatcher(m, cwd));
  }

  /** What the lines gave, in the order of the lines. */
  feed(lines: Iterable<string>): MatchEvent[] {
    const events: MatchEvent[] = [];
    for (const line of lines) {
      if (line.length > MAX_MATCHED_LINE) continue;
      for (const matcher of this.matchers) matcher.match(line, events);
    }
    return events;
  }
}

/** A matched path as an absolute one: kept when absolute, else taken from the matcher's folder or the run's cwd. */
export function resolveProblemFile(file: string, location: FileLocation, cwd: string): string {
  if (path.isAbsolute(file)) return path.normalize(file);
  return path.resolve(location.dir ?? cwd, file);
}
