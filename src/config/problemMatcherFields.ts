import { NAMED_PROBLEM_MATCHERS, type BackgroundPatterns, type FileLocation, type ProblemMatcher, type ProblemPattern, type ProblemSeverity } from '../core/problemMatchers';
import { report, reportUnknownKeys, type Entry } from './entry';
import { ENTRY_SCHEMA, choicesOf } from './schema';
import { describe, didYouMean, didYouMeanFix, isNonBlank, isObject, quote, quoteChoices, typeName } from './text';
import { expandVariables } from './variables';

type Choices = { enum: string[] };
/** The schema's choices: a name, or a matcher written out (JSON types make the union too wide to narrow). */
const [NAMED_SCHEMA, OBJECT_SCHEMA] = ENTRY_SCHEMA.problemMatcher.anyOf as unknown as [Choices, { properties: { severity: Choices; fileLocation: { anyOf: [Choices] } } }];
/** The names `problemMatcher` takes, as the schema lists them (a unit test keeps them equal to the shipped ones). */
export const PROBLEM_MATCHER_CHOICES = choicesOf<string>(NAMED_SCHEMA);
export const PROBLEM_SEVERITIES = choicesOf<ProblemSeverity>(OBJECT_SCHEMA.properties.severity);
const FILE_LOCATIONS = choicesOf<FileLocation['base']>(OBJECT_SCHEMA.properties.fileLocation.anyOf[0]);
const MATCHER_KEYS = ['owner', 'source', 'severity', 'fileLocation', 'pattern', 'background'];
const GROUP_KEYS = ['file', 'location', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message'] as const;
const PATTERN_KEYS = ['regexp', ...GROUP_KEYS, 'loop'];
const BACKGROUND_KEYS = ['activeBegin', 'beginsPattern', 'endsPattern'];
const EXAMPLE = '"$tsc" or { "owner": "x", "pattern": { "regexp": "^(.*):(\\\\d+): (.*)$", "file": 1, "line": 2, "message": 3 } }';

/** `problemMatcher`: a shipped matcher's name, a matcher written out as in tasks.json, or an array of these. */
export function applyProblemMatcher(value: unknown, entry: Entry): void {
  const errorsBefore = entry.errors.length;
  const items = Array.isArray(value) ? value.map((item, i) => [item, `problemMatcher[${i}]`] as const) : [[value, 'problemMatcher'] as const];
  const matchers = items.map(([item, field]) => readMatcher(item, field, entry)).filter((m): m is ProblemMatcher => m !== undefined);
  if (entry.errors.length === errorsBefore && matchers.length > 0) entry.spec.problemMatcher = matchers;
}

function readMatcher(value: unknown, field: string, entry: Entry): ProblemMatcher | undefined {
  if (typeof value === 'string') return readNamed(value, field, entry);
  if (!isObject(value)) {
    report(entry, field, `${quote(field)} must be ${EXAMPLE}; got ${typeName(value)}.`);
    return undefined;
  }
  const errorsBefore = entry.errors.length;
  const owner = Object.hasOwn(value, 'owner') ? readText(value.owner, `${field}.owner`, entry) : entry.name;
  const source = Object.hasOwn(value, 'source') ? readText(value.source, `${field}.source`, entry) : undefined;
  const severity = Object.hasOwn(value, 'severity') ? readSeverity(value.severity, `${field}.severity`, entry) : 'error';
  const fileLocation = Object.hasOwn(value, 'fileLocation') ? readFileLocation(value.fileLocation, `${field}.fileLocation`, entry) : { base: 'relative' as const };
  const pattern = Object.hasOwn(value, 'pattern') ? readPatterns(value.pattern, `${field}.pattern`, entry) : reportMissing(`${field}.pattern`, entry);
  const background = Object.hasOwn(value, 'background') ? readBackground(value.background, `${field}.background`, entry) : undefined;
  reportUnknownKeys(value, field, MATCHER_KEYS, entry);
  if (entry.errors.length > errorsBefore || !pattern || !fileLocation || !severity) return undefined;
  const matcher: ProblemMatcher = { label: field, owner: owner ?? 'devProcesses', severity, fileLocation, pattern };
  if (source !== undefined) matcher.source = source;
  if (background) matcher.background = background;
  return matcher;
}

function readNamed(name: string, field: string, entry: Entry): ProblemMatcher | undefined {
  const known = NAMED_PROBLEM_MATCHERS[name];
  if (known && PROBLEM_MATCHER_CHOICES.includes(name)) return known;
  const guess = !name.startsWith('$') && NAMED_PROBLEM_MATCHERS[`$${name}`] ? ` (did you mean ${quote(`$${name}`)}?)` : didYouMean(name, PROBLEM_MATCHER_CHOICES);
  report(entry, field, `${quote(field)} names no matcher we ship: ${describe(name)}${guess}; use ${quoteChoices(PROBLEM_MATCHER_CHOICES)}, or write one out as an object.`, didYouMeanFix(name, PROBLEM_MATCHER_CHOICES));
  return undefined;
}

function reportMissing(field: string, entry: Entry): undefined {
  report(entry, field, `${quote(field)} is required: the regular expression a line of output must match, with the groups that hold the file, line and message.`);
  return undefined;
}

function readText(value: unknown, field: string, entry: Entry): string | undefined {
  if (isNonBlank(value)) return value;
  report(entry, field, `${quote(field)} must be a non-empty string; got ${describe(value)}.`);
  return undefined;
}

function readSeverity(value: unknown, field: string, entry: Entry): ProblemSeverity | undefined {
  const found = PROBLEM_SEVERITIES.find((s) => s === value);
  if (found === undefined) report(entry, field, `${quote(field)} must be ${quoteChoices(PROBLEM_SEVERITIES)}; got ${describe(value)}.`);
  return found;
}

/** `"relative"`, `"absolute"`, `"autoDetect"`, or `["relative", "${workspaceFolder}/src"]`. */
function readFileLocation(value: unknown, field: string, entry: Entry): FileLocation | undefined {
  const [base, dir] = Array.isArray(value) ? value : [value];
  const mode = FILE_LOCATIONS.find((choice) => choice === base);
  const wanted = `${quote(field)} must be ${quoteChoices(FILE_LOCATIONS)}, or one of these and a folder in an array`;
  if (mode === undefined || (Array.isArray(value) && (value.length !== 2 || !isNonBlank(dir)))) {
    report(entry, field, `${wanted}; got ${describe(value)}.`);
    return undefined;
  }
  if (!Array.isArray(value)) return { base: mode };
  const { text, unresolved } = expandVariables(dir as string, entry.ctx);
  if (unresolved.length > 0 || !text.startsWith('/')) {
    report(entry, `${field}[1]`, `${quote(`${field}[1]`)} must be an absolute folder (\${workspaceFolder} expands); got ${quote(dir as string)}.`);
    return undefined;
  }
  return { base: mode, dir: text };
}

function readPatterns(value: unknown, field: string, entry: Entry): ProblemPattern[] | undefined {
  if (isObject(value)) {
    const pattern = readPattern(value, field, entry, true);
    return pattern && placesProblems([pattern], field, entry);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every(isObject)) {
    report(entry, field, `${quote(field)} must be an object with "regexp", or a non-empty array of them for a problem over several lines; got ${describe(value)}.`);
    return undefined;
  }
  const errorsBefore = entry.errors.length;
  const patterns = value.map((item, i) => readPattern(item as Record<string, unknown>, `${field}[${i}]`, entry, i === value.length - 1));
  if (entry.errors.length > errorsBefore) return undefined;
  return placesProblems(patterns as ProblemPattern[], field, entry);
}

/** A problem needs a file and a line from some line of it. */
function placesProblems(patterns: ProblemPattern[], field: string, entry: Entry): ProblemPattern[] | undefined {
  const missing = [patterns.some((p) => p.file !== undefined) ? undefined : '"file"', patterns.some((p) => p.line !== undefined || p.location !== undefined) ? undefined : '"line" (or "location")'].filter(Boolean);
  if (missing.length === 0) return patterns;
  report(entry, field, `${quote(field)} has no group for ${missing.join(' nor ')}: set the number of the capture group that holds it.`);
  return undefined;
}

function readPattern(value: Record<string, unknown>, field: string, entry: Entry, last: boolean): ProblemPattern | undefined {
  const errorsBefore = entry.errors.length;
  const regexp = Object.hasOwn(value, 'regexp') ? readRegExp(value.regexp, `${field}.regexp`, entry) : reportMissingRegExp(`${field}.regexp`, entry);
  const pattern: ProblemPattern = { regexp: regexp ?? '' };
  const groups = regexp === undefined ? undefined : groupCount(regexp);
  for (const key of GROUP_KEYS) {
    if (!Object.hasOwn(value, key)) continue;
    const group = value[key];
    const keyField = `${field}.${key}`;
    if (typeof group !== 'number' || !Number.isInteger(group) || group < 0) report(entry, keyField, `${quote(keyField)} must be the number of a capture group (0 for the whole line); got ${describe(group)}.`);
    else if (groups !== undefined && group > groups) report(entry, keyField, `${quote(keyField)} is group ${group}, but the regular expression has ${groups === 0 ? 'no groups' : `only ${groups}`}.`);
    else pattern[key] = group;
  }
  if (Object.hasOwn(value, 'loop')) {
    if (typeof value.loop !== 'boolean') report(entry, `${field}.loop`, `${quote(`${field}.loop`)} must be true or false; got ${describe(value.loop)}.`);
    else if (value.loop && !last) report(entry, `${field}.loop`, `${quote(`${field}.loop`)} is for the last pattern only: it repeats on the lines that follow.`);
    else pattern.loop = value.loop;
  }
  reportUnknownKeys(value, field, PATTERN_KEYS, entry);
  if (entry.errors.length > errorsBefore) return undefined;
  // Without a message group, a problem says its whole line.
  if (last && pattern.message === undefined) pattern.message = 0;
  return pattern;
}

function reportMissingRegExp(field: string, entry: Entry): undefined {
  report(entry, field, `${quote(field)} is required.`);
  return undefined;
}

/** How many capture groups a (valid) regular expression has: an empty alternative makes it match "". */
function groupCount(source: string): number {
  return new RegExp(`${source}|`).exec('')!.length - 1;
}

/** Compiled as the matcher compiles it (no flags); `example` follows "a non-empty regular expression". */
export function readRegExp(value: unknown, field: string, entry: Entry, example = ''): string | undefined {
  if (typeof value !== 'string' || value === '') {
    report(entry, field, `${quote(field)} must be a non-empty regular expression${example}; got ${describe(value)}.`);
    return undefined;
  }
  try {
    new RegExp(value);
    return value;
  } catch (err) {
    // V8 says "Invalid regular expression: /<pattern>/: <reason>"; the pattern is quoted, cut short, below.
    const reason = err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(err);
    report(entry, field, `${quote(field)} is not a valid regular expression: ${reason} (in ${quote(value)}).`);
    return undefined;
  }
}

function readBackground(value: unknown, field: string, entry: Entry): BackgroundPatterns | undefined {
  if (!isObject(value)) {
    report(entry, field, `${quote(field)} must be an object with "beginsPattern" and "endsPattern"; got ${typeName(value)}.`);
    return undefined;
  }
  const errorsBefore = entry.errors.length;
  const read = (key: string) => {
    const keyField = `${field}.${key}`;
    if (!Object.hasOwn(value, key)) return reportMissingRegExp(keyField, entry);
    // tasks.json also writes these as { "regexp": "..." }.
    const raw = isObject(value[key]) ? value[key].regexp : value[key];
    return readRegExp(raw, keyField, entry);
  };
  const beginsPattern = read('beginsPattern');
  const endsPattern = read('endsPattern');
  const activeBegin = value.activeBegin === undefined ? false : value.activeBegin;
  if (typeof activeBegin !== 'boolean') report(entry, `${field}.activeBegin`, `${quote(`${field}.activeBegin`)} must be true or false; got ${describe(activeBegin)}.`);
  reportUnknownKeys(value, field, BACKGROUND_KEYS, entry);
  if (entry.errors.length > errorsBefore || beginsPattern === undefined || endsPattern === undefined) return undefined;
  return { activeBegin: activeBegin as boolean, beginsPattern, endsPattern };
}
