import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import { PROBLEM_MATCHER_CHOICES } from '../../../src/config/problemMatcherFields';
import { NAMED_PROBLEM_MATCHERS, PROBLEM_MATCHER_NAMES } from '../../../src/core/problemMatchers';
import { ctx, specWith } from './entryHelpers';

/** [field, message] of each problem of the entry "web" with these fields; the other entry stays valid. */
function problemsWith(fields: Record<string, unknown>): [string | undefined, string][] {
  const set = parseDefinitions([{ name: 'web', command: 'x', ...fields }, { name: 'other', command: 'y' }], ctx);
  assert.deepEqual(set.specs.map((s) => s.name), ['other'], 'the entry at fault gives no spec, the other does');
  return set.errors.map((e) => [e.field, e.message]);
}

const TSC_LIKE = { regexp: '^(.*)\\((\\d+),(\\d+)\\): (.*)$', file: 1, line: 2, column: 3, message: 4 };

describe('problemMatcher', () => {
  test('the names the schema offers are the matchers we ship', () => {
    assert.deepEqual([...PROBLEM_MATCHER_CHOICES].sort(), [...PROBLEM_MATCHER_NAMES].sort());
  });

  test('a name, an object, and an array of both', () => {
    assert.deepEqual(specWith({ problemMatcher: '$tsc' }).problemMatcher, [NAMED_PROBLEM_MATCHERS.$tsc]);
    const [named, custom] = specWith({ problemMatcher: ['$gcc', { owner: 'lint', pattern: TSC_LIKE, fileLocation: ['relative', '${workspaceFolder}/src'] }] }).problemMatcher!;
    assert.equal(named, NAMED_PROBLEM_MATCHERS.$gcc);
    assert.deepEqual(custom, { label: 'problemMatcher[1]', owner: 'lint', severity: 'error', fileLocation: { base: 'relative', dir: '/ws/src' }, pattern: [TSC_LIKE] });
  });

  test('a multi-line pattern with loop, and background patterns (as strings or { regexp })', () => {
    const [matcher] = specWith({
      problemMatcher: {
        pattern: [{ regexp: '^(\\S.*)$', file: 1 }, { regexp: '^\\s+(\\d+):(\\d+) (.*)$', line: 1, column: 2, message: 3, loop: true }],
        background: { activeBegin: true, beginsPattern: 'start', endsPattern: { regexp: 'done' } },
      },
    }).problemMatcher!;
    assert.equal(matcher.owner, 'web', "the owner defaults to the definition's name");
    assert.equal(matcher.pattern[1].loop, true);
    assert.deepEqual(matcher.background, { activeBegin: true, beginsPattern: 'start', endsPattern: 'done' });
  });

  test('an unknown name is a problem at the field, with the closest name', () => {
    const [[field, message]] = problemsWith({ problemMatcher: '$tsc-wach' });
    assert.equal(field, 'problemMatcher');
    assert.match(message, /^Task "web": "problemMatcher" names no matcher we ship: "\$tsc-wach" \(did you mean "\$tsc-watch"\?\)/);
    assert.match(problemsWith({ problemMatcher: ['$go', 'tsc'] })[0][1], /"problemMatcher\[1\]".*did you mean "\$tsc"/);
  });

  test('an invalid regular expression is a problem at its field', () => {
    const errors = problemsWith({ problemMatcher: [{ pattern: { ...TSC_LIKE, regexp: '^(.*' } }] });
    assert.equal(errors.length, 1);
    assert.equal(errors[0][0], 'problemMatcher[0].pattern.regexp');
    assert.match(errors[0][1], /is not a valid regular expression: Unterminated group/);
    assert.equal(problemsWith({ problemMatcher: { pattern: TSC_LIKE, background: { beginsPattern: '[', endsPattern: 'x' } } })[0][0], 'problemMatcher.background.beginsPattern');
  });

  test('a group the regular expression does not have is a problem at its field', () => {
    const errors = problemsWith({ problemMatcher: { pattern: [{ regexp: '^(\\S+)$', file: 1 }, { regexp: '^(\\d+) (.*)$', line: 1, message: 3 }] } });
    assert.deepEqual(errors, [['problemMatcher.pattern[1].message', 'Task "web": "problemMatcher.pattern[1].message" is group 3, but the regular expression has only 2.']]);
  });

  test('a pattern must place its problems; loop only on the last; unknown keys are named', () => {
    assert.match(problemsWith({ problemMatcher: { pattern: { regexp: '(.*)', message: 1 } } })[0][1], /has no group for "file" nor "line" \(or "location"\)/);
    assert.equal(problemsWith({ problemMatcher: { pattern: [{ ...TSC_LIKE, loop: true }, TSC_LIKE] } })[0][0], 'problemMatcher.pattern[0].loop');
    assert.equal(problemsWith({ problemMatcher: { pattern: TSC_LIKE, severty: 'error' } })[0][0], 'problemMatcher.severty');
    assert.equal(problemsWith({ problemMatcher: { pattern: TSC_LIKE, fileLocation: 'nearby' } })[0][0], 'problemMatcher.fileLocation');
    assert.equal(problemsWith({ problemMatcher: 3 })[0][0], 'problemMatcher');
  });

  test('a "problems" readiness probe needs a background matcher', () => {
    const spec = specWith({ problemMatcher: '$tsc-watch', healthCheck: { readiness: { type: 'problems' } } });
    assert.deepEqual(spec.healthCheck?.readiness?.matchers, [NAMED_PROBLEM_MATCHERS['$tsc-watch']]);
    const errors = problemsWith({ problemMatcher: '$tsc', healthCheck: { readiness: { type: 'problems' } } });
    assert.deepEqual(errors.map(([field]) => field), ['healthCheck.readiness.type']);
    assert.match(errors[0][1], /"problems" needs a "problemMatcher" with "background" \(such as "\$tsc-watch"\)/);
    // The matcher's own problem is enough: no second one at the probe.
    assert.deepEqual(problemsWith({ problemMatcher: '$nope', healthCheck: { readiness: { type: 'problems' } } }).map(([field]) => field), ['problemMatcher']);
    assert.deepEqual(problemsWith({ problemMatcher: '$tsc-watch', healthCheck: { readiness: { type: 'problems', intervalMs: 500 } } }).map(([field]) => field), ['healthCheck.readiness.intervalMs']);
  });
});
