import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NAMED_PROBLEM_MATCHERS, type OutputProblem, type ProblemMatcher } from '../../../src/core/problemMatchers';
import { MAX_MATCHED_LINE, OutputMatcher, type MatchEvent } from '../../../src/platform/problemMatcher';

const CWD = '/ws/app';

function eventsOf(name: string, lines: string[]): MatchEvent[] {
  return new OutputMatcher([NAMED_PROBLEM_MATCHERS[name]], CWD).feed(lines);
}

function problemsOf(name: string, lines: string[]): OutputProblem[] {
  return eventsOf(name, lines).flatMap((e) => (e.type === 'problem' ? [e.problem] : []));
}

/** The parts a test compares: where, how bad, what. */
const brief = (p: OutputProblem) => [p.file, p.line, p.column, p.severity, p.code, p.message];

describe('shipped problem matchers on real output', () => {
  test('$tsc: one problem per error line, paths from the run cwd', () => {
    const problems = problemsOf('$tsc', [
      "src/a.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      'src/lib/b.ts(10,1): warning TS6133: \'x\' is declared but its value is never read.',
      '',
      'Found 2 errors in 2 files.',
    ]);
    assert.deepEqual(problems.map(brief), [
      ['/ws/app/src/a.ts', 3, 5, 'error', 'TS2322', "Type 'string' is not assignable to type 'number'."],
      ['/ws/app/src/lib/b.ts', 10, 1, 'warning', 'TS6133', "'x' is declared but its value is never read."],
    ]);
    assert.equal(problems[0].owner, 'typescript');
    assert.equal(problems[0].source, 'ts');
  });

  test('$tsc-watch: rounds begin and end, with the errors between', () => {
    const events = eventsOf('$tsc-watch', [
      '12:00:00 PM - Starting compilation in watch mode...',
      '',
      "src/a.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      '',
      '12:00:02 PM - Found 1 error. Watching for file changes.',
      '[12:00:09 PM] File change detected. Starting incremental compilation...',
      '[12:00:10 PM] Found 0 errors. Watching for file changes.',
    ]);
    assert.deepEqual(events.map((e) => e.type), ['begin', 'problem', 'end', 'begin', 'end']);
  });

  test('$eslint-stylish: a file line, then its problems (loop), then the next file', () => {
    const problems = problemsOf('$eslint-stylish', [
      '',
      '/ws/app/src/a.js',
      "   1:7   error    'x' is assigned a value but never used  no-unused-vars",
      '  12:3   warning  Unexpected console statement            no-console',
      '',
      'src/b.js',
      '  4:1  error  Parsing error: Unexpected token',
      '',
      '✖ 3 problems (2 errors, 1 warning)',
    ]);
    assert.deepEqual(problems.map(brief), [
      ['/ws/app/src/a.js', 1, 7, 'error', 'no-unused-vars', "'x' is assigned a value but never used"],
      ['/ws/app/src/a.js', 12, 3, 'warning', 'no-console', 'Unexpected console statement'],
      ['/ws/app/src/b.js', 4, 1, 'error', undefined, 'Parsing error: Unexpected token'],
    ]);
  });

  test('$eslint-compact: one line per problem, rule in parentheses', () => {
    const problems = problemsOf('$eslint-compact', [
      "/ws/app/src/a.js: line 1, col 7, Error - 'x' is assigned a value but never used. (no-unused-vars)",
      'src/b.js: line 2, col 3, Warning - Unexpected console statement. (no-console)',
      '',
      '2 problems',
    ]);
    assert.deepEqual(problems.map(brief), [
      ['/ws/app/src/a.js', 1, 7, 'error', 'no-unused-vars', "'x' is assigned a value but never used."],
      ['/ws/app/src/b.js', 2, 3, 'warning', 'no-console', 'Unexpected console statement.'],
    ]);
  });

  test('$gcc: errors, warnings, notes; a line without a column', () => {
    const problems = problemsOf('$gcc', [
      'src/main.c: In function ‘main’:',
      "src/main.c:7:12: error: 'y' undeclared (first use in this function)",
      '    7 |     return y;',
      '      |            ^',
      'src/main.c:5:9: warning: unused variable ‘z’ [-Wunused-variable]',
      "src/main.c:7:12: note: each undeclared identifier is reported only once",
      'ld.c:12: fatal error: cannot open output file',
    ]);
    assert.deepEqual(problems.map(brief), [
      ['/ws/app/src/main.c', 7, 12, 'error', undefined, "'y' undeclared (first use in this function)"],
      ['/ws/app/src/main.c', 5, 9, 'warning', undefined, 'unused variable ‘z’ [-Wunused-variable]'],
      ['/ws/app/src/main.c', 7, 12, 'info', undefined, 'each undeclared identifier is reported only once'],
      ['/ws/app/ld.c', 12, 1, 'error', undefined, 'cannot open output file'],
    ]);
  });

  test('$go: build, vet and test output', () => {
    const problems = problemsOf('$go', [
      '# example.com/app',
      './main.go:12:2: undefined: foo',
      'vet: ./pkg/x.go:3:1: missing return',
      '--- FAIL: TestAdd (0.00s)',
      '    add_test.go:9: got 3, want 4',
      'FAIL	example.com/app	0.002s',
    ]);
    assert.deepEqual(problems.map(brief), [
      ['/ws/app/main.go', 12, 2, 'error', undefined, 'undefined: foo'],
      ['/ws/app/pkg/x.go', 3, 1, 'error', undefined, 'missing return'],
      ['/ws/app/add_test.go', 9, 1, 'error', undefined, 'got 3, want 4'],
    ]);
  });
});

describe('matcher objects', () => {
  const custom = (fields: Partial<ProblemMatcher>): ProblemMatcher => ({ label: 'problemMatcher', owner: 'me', severity: 'warning', fileLocation: { base: 'relative' }, pattern: [], ...fields });

  test('a multi-line pattern without loop gives one problem per group of lines, and restarts on a broken sequence', () => {
    const matcher = custom({
      pattern: [
        { regexp: '^FILE (.*)$', file: 1 },
        { regexp: '^AT (\\d+):(\\d+)$', line: 1, column: 2 },
        { regexp: '^MSG (.*)$', message: 1 },
      ],
    });
    const events = new OutputMatcher([matcher], CWD).feed(['FILE a.txt', 'AT 2:4', 'MSG first', 'MSG orphan', 'FILE b.txt', 'noise', 'FILE c.txt', 'AT 1:1', 'MSG third']);
    const problems = events.flatMap((e) => (e.type === 'problem' ? [brief(e.problem)] : []));
    assert.deepEqual(problems, [
      ['/ws/app/a.txt', 2, 4, 'warning', undefined, 'first'],
      ['/ws/app/c.txt', 1, 1, 'warning', undefined, 'third'],
    ]);
  });

  test('location groups, end positions, and a folder given in fileLocation', () => {
    const matcher = custom({ fileLocation: { base: 'relative', dir: '/elsewhere' }, pattern: [{ regexp: '^(\\S+)\\(([\\d,]+)\\) (\\w+): (.*)$', file: 1, location: 2, severity: 3, message: 4 }] });
    const [event] = new OutputMatcher([matcher], CWD).feed(['x.ts(3,5,4,9) error: bad']);
    assert.equal(event.type, 'problem');
    const p = (event as { problem: OutputProblem }).problem;
    assert.deepEqual([p.file, p.line, p.column, p.endLine, p.endColumn, p.severity, p.owner], ['/elsewhere/x.ts', 3, 5, 4, 9, 'error', 'me']);
  });

  test('lines past the bound are not matched', () => {
    const long = `src/a.ts(1,1): error TS1: ${'x'.repeat(MAX_MATCHED_LINE)}`;
    assert.deepEqual(problemsOf('$tsc', [long]), []);
  });

  test('a matcher that matches nothing gives nothing', () => {
    assert.deepEqual(new OutputMatcher([custom({ pattern: [{ regexp: 'never', file: 0, line: 0 }] })], CWD).feed(['a', 'b']), []);
  });
});
