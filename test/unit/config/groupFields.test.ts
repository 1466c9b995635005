import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import { locateProblem } from '../../../src/config/locate';
import { groupMembers, groupNames } from '../../../src/core/groups';
import { ctx, errorsWith, specWith } from './entryHelpers';

describe('group', () => {
  test('a name or an array of names, repeats dropped; none when absent', () => {
    assert.deepEqual(specWith({ group: 'backend' }).groups, ['backend']);
    assert.deepEqual(specWith({ group: ['backend', 'db', 'backend'] }).groups, ['backend', 'db']);
    assert.equal(specWith({}).groups, undefined);
  });

  const bad: [string, unknown, string, RegExp][] = [
    ['a number', 3000, 'group', /Task "web": "group" must be a group name or an array of them.*; got a number\./],
    ['an empty string', ' ', 'group', /"group" must be a non-empty group name/],
    ['an empty array', [], 'group', /got an empty array \(remove the field for no group\)/],
    ['a number in the array', ['db', 7], 'group[1]', /item 1 is a number/],
    ['a line break', ['db', 'a\nb'], 'group[1]', /"group\[1\]" must not contain control characters/],
    ['an object', { name: 'db' }, 'group', /got an object/],
  ];
  for (const [what, value, field, message] of bad) {
    test(`${what}: a problem at the field, the entry named`, () => {
      const errors = errorsWith({ group: value });
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].field, field);
      assert.match(errors[0].message, message);
    });
  }

  test('the problem is located on the value in settings.json', () => {
    const text = '{ "devProcesses.tasks": [ { "name": "web", "command": "x", "group": 42 } ] }';
    const range = locateProblem(text, { index: 0, field: 'group' });
    assert.equal(text.slice(range!.start, range!.end), '42');
  });

  test('one bad entry leaves the others working', () => {
    const set = parseDefinitions([{ name: 'a', command: 'x', group: 1 }, { name: 'b', command: 'x', group: 'g' }], ctx);
    assert.deepEqual(set.specs.map((s) => s.name), ['b']);
  });

  test('group names are listed once, sorted; members in settings order, one definition in several groups', () => {
    const set = parseDefinitions([
      { name: 'web', command: 'x', group: ['web', 'all'] },
      { name: 'db', command: 'x', group: 'all' },
      { name: 'lint', command: 'x' },
    ], ctx);
    assert.deepEqual(groupNames(set.specs), ['all', 'web']);
    assert.deepEqual(groupMembers(set.specs, 'all').map((s) => s.name), ['web', 'db']);
    assert.deepEqual(groupMembers(set.specs, 'nope'), []);
  });
});
