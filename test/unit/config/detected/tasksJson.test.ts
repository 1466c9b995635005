import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTasksJson } from '../../../../src/config/detected/tasksJson';
import { assertValidEntries, byName, detectFixture, readFixture } from './helpers';

const folder = detectFixture('vscode-tasks');
const file = detectFixture('vscode-tasks', '.vscode', 'tasks.json');
const read = (platform: NodeJS.Platform = 'linux') => parseTasksJson(readFixture('vscode-tasks', '.vscode', 'tasks.json'), file, folder, platform);

test('shell and process tasks of a commented tasks.json become entries; other types and compound tasks stay with the editor', () => {
  const { entries } = read();
  assert.deepEqual(entries.map((e) => e.name), ['tasks: build', 'tasks: watch', 'tasks: api', 'tasks: migrate']);
  const tasks = byName(entries);
  assert.deepEqual(tasks.get('tasks: build')?.entry, {
    name: 'tasks: build', command: 'make', args: ['-j4', "'all targets'"], shell: true, env: { NODE_ENV: 'development' }, kind: 'job', problemMatcher: '$gcc',
  });
  assert.deepEqual(tasks.get('tasks: build')?.at, { file, line: 9, column: 15 });
  assert.deepEqual(tasks.get('tasks: watch')?.entry, {
    name: 'tasks: watch', command: 'node', args: ['${workspaceFolder}/node_modules/typescript/bin/tsc', '-w', '-p', '.'], env: { NODE_ENV: 'development' }, kind: 'service', problemMatcher: '$tsc-watch',
  });
  assertValidEntries(entries);
});

test('a task without a type is a shell task; its cwd, env, dependsOn and platform part are kept', () => {
  const api = byName(read().entries).get('tasks: api');
  assert.deepEqual(api?.entry, {
    name: 'tasks: api',
    command: 'go run ./cmd/api --linux',
    shell: true,
    cwd: 'services/api',
    env: { NODE_ENV: 'development', DATABASE_URL: 'postgres://localhost:5432/dev', HOME_DIR: '${env:HOME}' },
    kind: 'service',
    dependsOn: ['tasks: migrate'],
  });
  assert.equal(byName(read('darwin').entries).get('tasks: api')?.entry.command, 'go run ./cmd/api --mac');
  assert.equal(byName(read().entries).get('tasks: migrate')?.entry.cwd, 'services/api');
});

test('a task using variables only the editor fills in is skipped with a problem at its label', () => {
  const { problems } = read();
  assert.deepEqual(problems.map((p) => [p.line, p.column]), [[44, 15], [59, 15]]);
  assert.match(problems[0].message, /task "lint current file" uses \$\{file\}, which only the editor's task system can fill in/);
  assert.match(problems[1].message, /\$\{input:port\}/);
});

test('a task that depends on one we cannot run is skipped with a problem at that dependency, and so are its dependents', () => {
  const text = JSON.stringify({
    tasks: [
      { label: 'ask', command: 'echo ${command:pick}' },
      { label: 'mid', command: 'make mid', dependsOn: 'ask' },
      { label: 'top', command: 'make top', dependsOn: ['mid'] },
      { label: 'typed', command: 'make', dependsOn: [{ type: 'npm', script: 'build' }] },
      { label: 'ok', command: 'make ok' },
    ],
  }, null, 2);
  const { entries, problems } = parseTasksJson(text, '/ws/.vscode/tasks.json', '/ws', 'linux');
  assert.deepEqual(entries.map((e) => e.name), ['tasks: ok']);
  assert.deepEqual(problems.map((p) => p.message.replace(/;.*/, '')), [
    'task "ask" uses ${command:pick}, which only the editor\'s task system can fill in',
    '"mid" depends on "ask", which is not defined here or cannot run outside the editor',
    '"top" depends on "mid", which is skipped too',
    '"typed" depends on "a task given by its type", which is not defined here or cannot run outside the editor',
  ]);
});

test('a malformed tasks.json is one problem at the syntax error', () => {
  const bad = detectFixture('malformed', '.vscode', 'tasks.json');
  const { entries, problems } = parseTasksJson(readFixture('malformed', '.vscode', 'tasks.json'), bad, detectFixture('malformed'), 'linux');
  assert.deepEqual(entries, []);
  assert.equal(problems.length, 1);
  assert.deepEqual([problems[0].line, problems[0].column], [5, 6]);
  assert.match(problems[0].message, /tasks\.json is not valid JSON with comments: comma expected/);
});

test('odd tasks give a problem each or are left alone, never an exception', () => {
  const cases: [unknown, RegExp | undefined][] = [
    [{ tasks: {} }, /"tasks" must be a list/],
    [{ tasks: [42] }, /each task must be an object/],
    [{ tasks: [{ command: 'make' }] }, /has no "label"/],
    [{ tasks: [{ label: 'x' }] }, /"x" has no "command"/],
    [{ tasks: [{ label: 'x', command: 'make', args: [1] }] }, /"args" must be a list of strings/],
    [{ tasks: [{ label: 'a\u0007b', command: 'make' }] }, /control characters/],
    [{ tasks: [{ label: 'x'.repeat(10_000), command: 'make' }] }, /longer than 200/],
    [{ tasks: [{ label: 'x', command: 'a' }, { label: 'x', command: 'b' }] }, /"x" is defined again/],
    [{ tasks: [{ label: 'x', type: 'typescript', tsconfig: 'tsconfig.json' }] }, undefined],
    [{ version: '2.0.0' }, undefined],
  ];
  for (const [json, expected] of cases) {
    const { problems } = parseTasksJson(JSON.stringify(json), '/ws/.vscode/tasks.json', '/ws', 'linux');
    if (expected === undefined) assert.deepEqual(problems, []);
    else assert.match(problems[0]?.message ?? '', expected, JSON.stringify(json).slice(0, 60));
  }
  const deep = parseTasksJson(`{"tasks":${'['.repeat(50_000)}${']'.repeat(50_000)}}`, '/ws/.vscode/tasks.json', '/ws', 'linux');
  assert.equal(deep.entries.length, 0);
  assert.equal(deep.problems.length, 1);
});

test('only the problem matchers we ship are copied', () => {
  const text = JSON.stringify({ tasks: [
    { label: 'a', command: 'tsc', problemMatcher: ['$tsc', '$esbuild'] },
    { label: 'b', command: 'x', problemMatcher: { pattern: { regexp: '.' } } },
    { label: 'c', command: 'x', problemMatcher: ['$tsc', '$go'] },
  ] });
  const entries = byName(parseTasksJson(text, '/ws/.vscode/tasks.json', '/ws', 'linux').entries);
  assert.equal(entries.get('tasks: a')?.entry.problemMatcher, '$tsc');
  assert.equal(entries.get('tasks: b')?.entry.problemMatcher, undefined);
  assert.deepEqual(entries.get('tasks: c')?.entry.problemMatcher, ['$tsc', '$go']);
  assertValidEntries([...entries.values()]);
});

test('a shell task\'s arguments are quoted as the editor quotes them; a process task\'s are passed as they are', () => {
  const args = ['plain', 'two words', '', { value: "it's", quoting: 'strong' }, { value: 'a $HOME "b"', quoting: 'weak' }, { value: 'a b;c', quoting: 'escape' }, '$HOME', '*.js'];
  const text = JSON.stringify({ tasks: [{ label: 'sh', type: 'shell', command: 'echo', args }, { label: 'proc', type: 'process', command: 'echo', args }] });
  const found = byName(parseTasksJson(text, '/ws/.vscode/tasks.json', '/ws', 'linux').entries);
  assert.deepEqual(found.get('tasks: sh')?.entry.args, ['plain', "'two words'", "''", "'it'\\''s'", '"a $HOME \\"b\\""', 'a\\ b\\;c', '$HOME', '*.js']);
  assert.deepEqual(found.get('tasks: proc')?.entry.args, ['plain', 'two words', '', "it's", 'a $HOME "b"', 'a b;c', '$HOME', '*.js']);
});
