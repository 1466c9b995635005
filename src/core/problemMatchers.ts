// The problem matchers a definition's `problemMatcher` names or writes out, in the shape of
// tasks.json's. Data only: config validates into it, the matching engine runs it.

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** Capture-group numbers of one line's regular expression; 0 is the whole line. */
export interface ProblemPattern {
  regexp: string;
  file?: number;
  /** A "line", "line,column" or "line,column,endLine,endColumn" group, instead of `line` and `column`. */
  location?: number;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  severity?: number;
  code?: number;
  message?: number;
  /** The last pattern of several: it matches again on each following line, one problem per line. */
  loop?: boolean;
}

/** Where a matched path is taken from: the run's cwd, or `dir` (already absolute). Absolute paths are kept either way. */
export interface FileLocation {
  base: 'relative' | 'absolute' | 'autoDetect';
  dir?: string;
}

/** Lines that tell when a watcher starts and finishes one round of work. */
export interface BackgroundPatterns {
  /** The output starts inside a round (no begin line comes first). */
  activeBegin: boolean;
  beginsPattern: string;
  endsPattern: string;
}

export interface ProblemMatcher {
  /** What the matcher was called in settings: `$tsc`, or `problemMatcher[1]` for one written out. */
  label: string;
  owner: string;
  source?: string;
  /** The severity of a problem whose line says none. */
  severity: ProblemSeverity;
  fileLocation: FileLocation;
  /** One pattern per line of a problem, in order. */
  pattern: ProblemPattern[];
  background?: BackgroundPatterns;
}

// The regular expressions below are ours, written from the output formats of each tool.

const TSC_PATTERN: ProblemPattern = {
  // src/a.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.
  regexp: '^(\\S.*?)\\((\\d+),(\\d+)\\):\\s+(error|warning|info)\\s+(TS\\d+)\\s*:\\s*(.*)$',
  file: 1,
  line: 2,
  column: 3,
  severity: 4,
  code: 5,
  message: 6,
};

const RELATIVE: FileLocation = { base: 'relative' };

/** The matchers `problemMatcher` may name, by name. */
export const NAMED_PROBLEM_MATCHERS: Readonly<Record<string, ProblemMatcher>> = {
  $tsc: { label: '$tsc', owner: 'typescript', source: 'ts', severity: 'error', fileLocation: RELATIVE, pattern: [TSC_PATTERN] },
  '$tsc-watch': {
    label: '$tsc-watch',
    owner: 'typescript',
    source: 'ts',
    severity: 'error',
    fileLocation: RELATIVE,
    pattern: [TSC_PATTERN],
    background: {
      activeBegin: true,
      // "12:00:00 - Starting compilation in watch mode..." / "... File change detected. Starting incremental compilation..."
      beginsPattern: '(?:Starting compilation in watch mode|File change detected\\. Starting incremental compilation)\\.\\.\\.',
      // "12:00:03 - Found 1 error. Watching for file changes."
      endsPattern: 'Watching for file changes\\.',
    },
  },
  '$eslint-stylish': {
    label: '$eslint-stylish',
    owner: 'eslint',
    source: 'eslint',
    severity: 'error',
    fileLocation: RELATIVE,
    pattern: [
      // A path alone on its line, then its problems indented under it.
      { regexp: '^(\\S.*)$', file: 1 },
      // "  3:10  error  'x' is assigned a value but never used  no-unused-vars"
      { regexp: '^\\s+(\\d+):(\\d+)\\s+(error|warning|info)\\s+(.+?)(?:\\s{2,}(\\S+))?\\s*$', line: 1, column: 2, severity: 3, message: 4, code: 5, loop: true },
    ],
  },
  '$eslint-compact': {
    label: '$eslint-compact',
    owner: 'eslint',
    source: 'eslint',
    severity: 'error',
    fileLocation: RELATIVE,
    // "/app/src/a.js: line 3, col 10, Error - 'x' is never used. (no-unused-vars)"
    pattern: [{ regexp: '^(\\S.*?): line (\\d+), col (\\d+), (Error|Warning|Info) - (.+?)(?: \\(([\\w@/-]+)\\))?$', file: 1, line: 2, column: 3, severity: 4, message: 5, code: 6 }],
  },
  $gcc: {
    label: '$gcc',
    owner: 'cpp',
    source: 'gcc',
    severity: 'error',
    fileLocation: RELATIVE,
    // "src/main.c:7:12: error: 'y' undeclared (first use in this function)"; the column may be missing.
    pattern: [{ regexp: '^(\\S[^:]*):(\\d+):(?:(\\d+):)?\\s+(?:fatal )?(error|warning|note):\\s+(.*)$', file: 1, line: 2, column: 3, severity: 4, message: 5 }],
  },
  $go: {
    label: '$go',
    owner: 'go',
    source: 'go',
    severity: 'error',
    fileLocation: RELATIVE,
    // "./main.go:12:2: undefined: foo", "vet: ./x.go:3:1: ...", and "    x_test.go:9: want 2" from go test.
    pattern: [{ regexp: '^\\s*(?:[\\w-]+: )?([^\\s:]+\\.go):(\\d+)(?::(\\d+))?: (.+)$', file: 1, line: 2, column: 3, message: 4 }],
  },
};

export const PROBLEM_MATCHER_NAMES: readonly string[] = Object.keys(NAMED_PROBLEM_MATCHERS);

/** A problem read from output. Lines and columns are 1-based as the tools print them; a missing column is 1. */
export interface OutputProblem {
  owner: string;
  source?: string;
  /** Absolute: resolved as the matcher's `fileLocation` says. */
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: ProblemSeverity;
  code?: string;
  message: string;
}

/** Problems counted by severity: what the tree shows on a row ("3 errors"). */
export interface ProblemCounts {
  errors: number;
  warnings: number;
}
