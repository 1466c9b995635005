import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import type { DefinitionContext } from '../../../src/config/types';
import { findCycles } from '../../../src/config/cycles';
import type { DefinitionSet } from '../../../src/core/types';

const ctx: DefinitionContext = { workspaceFolder: '/ws', env: {}, homeDir: '/home/ada' };

function parse(raw: unknown[]): DefinitionSet {
  return parseDefinitions(raw, ctx);
}

const job = (name: string, dependsOn?: unknown) => ({ name, command: 'x', kind: 'job', ...(dependsOn === undefined ? {} : { dependsOn }) });
const service = (name: string, dependsOn?: unknown) => ({ name, command: 'x', kind: 'service', ...(dependsOn === undefined ? {} : { dependsOn }) });

function dependsOnOf(set: DefinitionSet, name: string) {
  const spec = set.specs.find((s) => s.name === name);
  assert.ok(spec, `no spec ${name}`);
  return spec.dependsOn;
}

function messages(set: DefinitionSet): string[] {
  return set.errors.map((e) => e.message);
}

describe('dependsOn: conditions', () => {
  test('a bare name means completed for a job and healthy for a service', () => {
    const set = parse([job('build'), service('db'), job('test', ['build', 'db'])]);
    assert.deepEqual(set.errors, []);
    assert.deepEqual(dependsOnOf(set, 'test'), [
      { name: 'build', condition: 'completed' },
      { name: 'db', condition: 'healthy' },
    ]);
  });

  test('the named definition may come later, even in the object form without a condition', () => {
    const set = parse([service('web', ['db', { name: 'migrate' }]), service('db'), job('migrate')]);
    assert.deepEqual(set.errors, []);
    assert.deepEqual(dependsOnOf(set, 'web'), [
      { name: 'db', condition: 'healthy' },
      { name: 'migrate', condition: 'completed' },
    ]);
  });

  test('a written condition is kept; started and completed work on a service', () => {
    const set = parse([
      service('db'),
      service('cache'),
      job('seed'),
      service('web', [{ name: 'db', condition: 'started' }, { name: 'cache', condition: 'completed' }, { name: 'seed', condition: 'started' }]),
    ]);
    assert.deepEqual(set.errors, []);
    assert.deepEqual(dependsOnOf(set, 'web'), [
      { name: 'db', condition: 'started' },
      { name: 'cache', condition: 'completed' },
      { name: 'seed', condition: 'started' },
    ]);
  });

  test('healthy on a job is an error; the job itself stays valid', () => {
    const set = parse([job('build'), service('web', [{ name: 'build', condition: 'healthy' }])]);
    assert.deepEqual(set.specs.map((s) => s.name), ['build']);
    assert.deepEqual(set.errors, [
      {
        index: 1,
        name: 'web',
        field: 'dependsOn[0]',
        message: 'Task "web": "dependsOn[0]" waits for "build" to be healthy, but "build" is a job; use "completed" or "started".',
      },
    ]);
  });

  test('a definition without dependsOn gets an empty list', () => {
    assert.deepEqual(dependsOnOf(parse([job('a')]), 'a'), []);
  });
});

describe('dependsOn: shape errors', () => {
  test('must be an array, with a hint for a single name', () => {
    assert.deepEqual(messages(parse([service('db'), job('web', 'db')])), [
      'Task "web": "dependsOn" must be an array of names, e.g. ["db"]; got a string (write it as a list: ["db"]).',
    ]);
    assert.deepEqual(messages(parse([job('web', { name: 'db' })])), ['Task "web": "dependsOn" must be an array of names, e.g. ["db"]; got an object.']);
  });

  test('each item is a name or an object with a name and a known condition', () => {
    const set = parse([
      service('db'),
      job('web', [3, '  ', {}, { name: '' }, { name: 'db', condition: 'ready' }, { name: 'db', conditon: 'started' }, { name: 'db', condition: 'healthly' }]),
    ]);
    assert.deepEqual(set.specs.map((s) => s.name), ['db']);
    assert.deepEqual(set.errors.map((e) => [e.field, e.message]), [
      ['dependsOn[0]', 'Task "web": "dependsOn[0]" must be a name or an object with "name" and "condition"; got a number.'],
      ['dependsOn[1]', 'Task "web": "dependsOn[1]" must be a name or an object with "name" and "condition"; got an empty string.'],
      ['dependsOn[2]', 'Task "web": "dependsOn[2]" needs a "name".'],
      ['dependsOn[3].name', 'Task "web": "dependsOn[3].name" must be a non-empty string; got an empty string.'],
      ['dependsOn[4].condition', 'Task "web": "dependsOn[4].condition" must be "started", "completed" or "healthy"; got "ready".'],
      ['dependsOn[5].conditon', 'Task "web": "dependsOn[5]" has an unknown field "conditon" (did you mean "condition"?).'],
      ['dependsOn[6].condition', 'Task "web": "dependsOn[6].condition" must be "started", "completed" or "healthy"; got "healthly" (did you mean "healthy"?).'],
    ]);
  });

  test('a definition cannot depend on itself', () => {
    assert.deepEqual(parse([job('a', ['a'])]).errors, [
      { index: 0, name: 'a', field: 'dependsOn[0]', message: 'Task "a": "dependsOn[0]" names the task itself; a task cannot depend on itself.' },
    ]);
    assert.deepEqual(messages(parse([job('a', [{ name: 'a', condition: 'started' }])])), [
      'Task "a": "dependsOn[0]" names the task itself; a task cannot depend on itself.',
    ]);
  });

  test('a name listed twice is an error, whatever its conditions', () => {
    assert.deepEqual(messages(parse([service('db'), job('web', ['db', { name: 'db', condition: 'started' }, 'db'])])), [
      'Task "web": "dependsOn[1]" repeats "db" from "dependsOn[0]"; list each name once.',
      'Task "web": "dependsOn[2]" repeats "db" from "dependsOn[0]"; list each name once.',
    ]);
  });

  test('shape errors are reported with the other errors of the entry', () => {
    assert.deepEqual(messages(parse([{ name: 'web', dependsOn: [1], kind: 'daemon' }])), [
      'Task "web": "command" is required.',
      'Task "web": "kind" must be "service" or "job"; got "daemon".',
      'Task "web": "dependsOn[0]" must be a name or an object with "name" and "condition"; got a number.',
    ]);
  });
});

describe('dependsOn: names across entries', () => {
  test('an unknown name, with a suggestion when one is close', () => {
    assert.deepEqual(parse([service('postgres'), job('web', ['postgress', 'redis'])]).errors, [
      {
        index: 1,
        name: 'web',
        field: 'dependsOn[0]',
        message: 'Task "web": "dependsOn[0]" names "postgress", but no task has that name (did you mean "postgres"?).',
      },
      { index: 1, name: 'web', field: 'dependsOn[1]', message: 'Task "web": "dependsOn[1]" names "redis", but no task has that name.' },
    ]);
  });

  test('names are compared exactly', () => {
    assert.deepEqual(messages(parse([service('db'), job('web', ['DB'])])), [
      'Task "web": "dependsOn[0]" names "DB", but no task has that name (did you mean "db"?).',
    ]);
  });

  test('a dependent of an entry with errors is dropped too, and so are its own dependents', () => {
    const set = parse([{ name: 'db', command: 'x', kind: 'servce' }, service('api', ['db']), service('web', ['api', 'cache']), service('cache'), job('lint')]);
    assert.deepEqual(set.specs.map((s) => s.name), ['cache', 'lint']);
    assert.deepEqual(set.errors, [
      { index: 0, name: 'db', field: 'kind', message: 'Task "db": "kind" must be "service" or "job"; got "servce" (did you mean "service"?).', fix: { kind: 'replace', text: '"service"' } },
      { index: 1, name: 'api', field: 'dependsOn[0]', message: 'Task "api": depends on "db", which has errors in its settings.' },
      { index: 2, name: 'web', field: 'dependsOn[0]', message: 'Task "web": depends on "api", which has errors in its settings.' },
    ]);
  });

  test('a name held by a duplicate entry resolves to the valid first one', () => {
    const set = parse([job('build'), service('build'), job('test', ['build'])]);
    assert.deepEqual(set.specs.map((s) => s.name), ['build', 'test']);
    assert.deepEqual(dependsOnOf(set, 'test'), [{ name: 'build', condition: 'completed' }]);
  });

  test('an entry with its own dependency problems is not also told that a dependency has errors', () => {
    const set = parse([{ name: 'db' }, job('web', ['db', 'nope'])]);
    assert.deepEqual(messages(set), [
      'Task "db": "command" is required.',
      'Task "web": "dependsOn[1]" names "nope", but no task has that name.',
    ]);
  });
});

describe('dependsOn: cycles', () => {
  test('a cycle of two is reported on both entries, each from itself', () => {
    const set = parse([job('a', ['b']), job('b', ['a']), job('c')]);
    assert.deepEqual(set.specs.map((s) => s.name), ['c']);
    assert.deepEqual(set.errors, [
      { index: 0, name: 'a', field: 'dependsOn', message: 'Task "a": dependsOn forms a cycle: a -> b -> a.' },
      { index: 1, name: 'b', field: 'dependsOn', message: 'Task "b": dependsOn forms a cycle: b -> a -> b.' },
    ]);
  });

  test('a cycle of three, whatever the conditions', () => {
    const set = parse([job('a', ['b']), service('b', [{ name: 'c', condition: 'started' }]), job('c', ['a'])]);
    assert.deepEqual(messages(set), [
      'Task "a": dependsOn forms a cycle: a -> b -> c -> a.',
      'Task "b": dependsOn forms a cycle: b -> c -> a -> b.',
      'Task "c": dependsOn forms a cycle: c -> a -> b -> c.',
    ]);
  });

  test('a definition leading into a cycle is dropped as a dependent of entries with errors', () => {
    const set = parse([job('entry', ['a']), job('a', ['b']), job('b', ['a']), job('free', ['entry2']), job('entry2')]);
    assert.deepEqual(set.specs.map((s) => s.name), ['free', 'entry2']);
    assert.deepEqual(messages(set), [
      'Task "entry": depends on "a", which has errors in its settings.',
      'Task "a": dependsOn forms a cycle: a -> b -> a.',
      'Task "b": dependsOn forms a cycle: b -> a -> b.',
    ]);
  });

  test('with overlapping cycles each entry shows a shortest cycle through it', () => {
    const set = parse([job('a', ['b', 'd']), job('b', ['c']), job('c', ['a']), job('d', ['a'])]);
    assert.deepEqual(messages(set), [
      'Task "a": dependsOn forms a cycle: a -> d -> a.',
      'Task "b": dependsOn forms a cycle: b -> c -> a -> b.',
      'Task "c": dependsOn forms a cycle: c -> a -> b -> c.',
      'Task "d": dependsOn forms a cycle: d -> a -> d.',
    ]);
  });

  // How fast is for bench/, not for a test on a shared machine; this one guards against blow-ups
  // through the test runner's own timeout.
  test('a long chain resolves and a diamond is not a cycle', () => {
    const chain = Array.from({ length: 5000 }, (_, i) => job(`j${i}`, i === 0 ? undefined : [`j${i - 1}`]));
    const set = parse([...chain, job('top', ['j4999', 'j10']), job('bottom', ['top', 'j0'])]);
    assert.deepEqual(set.errors, []);
    assert.equal(set.specs.length, 5002);
  });

  test('a long cycle is found from every entry and its middle is left out of the messages', () => {
    const ring = Array.from({ length: 1000 }, (_, i) => job(`r${i}`, [`r${(i + 1) % 1000}`]));
    const set = parse(ring);
    assert.equal(set.specs.length, 0);
    assert.equal(set.errors.length, 1000);
    assert.equal(set.errors[0].message, 'Task "r0": dependsOn forms a cycle: r0 -> r1 -> r2 -> r3 -> r4 -> r5 -> … -> r999 -> r0.');
    assert.equal(set.errors[500].message, 'Task "r500": dependsOn forms a cycle: r500 -> r501 -> r502 -> r503 -> r504 -> r505 -> … -> r499 -> r500.');
  });

  test('a cycle of eight is shown whole', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const set = parse(names.map((name, i) => job(name, [names[(i + 1) % names.length]])));
    assert.equal(set.errors[0].message, 'Task "a": dependsOn forms a cycle: a -> b -> c -> d -> e -> f -> g -> h -> a.');
  });
});

describe('findCycles', () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

  test('finds nothing in an acyclic graph, with edges to nodes outside it ignored', () => {
    assert.deepEqual(findCycles(graph({ a: ['b', 'c', 'outside'], b: ['c'], c: [] })), new Map());
  });

  test('gives each node on a cycle, in input order, and skips nodes that only lead to one', () => {
    const cycles = findCycles(graph({ x: ['a'], a: ['b'], b: ['a', 'y'], y: [] }));
    assert.deepEqual([...cycles], [['a', ['a', 'b', 'a']], ['b', ['b', 'a', 'b']]]);
  });

  test('a ring with a way off it is searched from each node', () => {
    const cycles = findCycles(graph({ a: ['b'], b: ['c'], c: ['a', 'b'] }));
    assert.deepEqual([...cycles], [['a', ['a', 'b', 'c', 'a']], ['b', ['b', 'c', 'b']], ['c', ['c', 'b', 'c']]]);
  });

  test('a self loop is a cycle of one', () => {
    assert.deepEqual([...findCycles(graph({ a: ['a'] }))], [['a', ['a', 'a']]]);
  });
});

describe('dependsOn: reuse', () => {
  test('reuse: true on a job dependency is kept; false is the default and left out', () => {
    const set = parse([job('typecheck'), job('lint'), job('build', [{ name: 'typecheck', condition: 'completed', reuse: true }, { name: 'lint', reuse: false }])]);
    assert.deepEqual(set.errors, []);
    assert.deepEqual(dependsOnOf(set, 'build'), [
      { name: 'typecheck', condition: 'completed', reuse: true },
      { name: 'lint', condition: 'completed' },
    ]);
  });

  test('a reuse that is not a boolean, or names a service, is an error at the field', () => {
    const set = parse([job('typecheck'), service('db'), job('build', [{ name: 'typecheck', reuse: 'yes' }]), job('test', [{ name: 'db', reuse: true }])]);
    assert.deepEqual(set.specs.map((s) => s.name), ['typecheck', 'db']);
    assert.deepEqual(
      set.errors.map((e) => [e.name, e.field, e.message]),
      [
        ['build', 'dependsOn[0].reuse', 'Task "build": "dependsOn[0].reuse" must be true or false; got "yes".'],
        ['test', 'dependsOn[0].reuse', 'Task "test": "dependsOn[0].reuse" applies to jobs, but "db" is a service (a running service is always used); remove "reuse".'],
      ],
    );
  });
});
