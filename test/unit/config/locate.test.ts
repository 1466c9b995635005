import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'jsonc-parser/lib/esm/main.js';
import { parseDefinitions } from '../../../src/config/definitions';
import { findTasksSetting, locateProblem, positionAt, WORKSPACE_FILE_PREFIX, type SettingsRange } from '../../../src/config/locate';
import type { DefinitionError } from '../../../src/core/types';

/** The text a problem is located at, and how precisely. */
function at(text: string, index: number, field?: string, prefix: (string | number)[] = []): [string, SettingsRange['precision']] | undefined {
  const found = locateProblem(text, { index, field }, prefix);
  return found && [text.slice(found.start, found.end), found.precision];
}

const SETTINGS = `// Workspace settings
{
  "editor.tabSize": 2, // not ours
  /* the processes */
  "devProcesses.tasks": [
    {
      "name": "web",
      "command": "node",
      "args": ["server.js", "--port", 3000,], // a number where a string belongs
      "env": { "PORT": 3000, "a.b": true, },
      "retry": { "maxRetries": 2, "maxDelayMs": -5 },
      "comand": "oops",
    },
    {
      "name": "api",
      "command": "node",
      "dependsOn": ["web", { "name": "db", "condition": "healthy" }],
      "healthCheck": {
        "readiness": { "type": "http", "url": "ftp://x", "intervall": 5 },
        "liveness": { "type": "http" },
      },
    },
    { "name": "no-command" },
  ],
}
`;

test('a field inside an array, in text with comments and trailing commas, is its value', () => {
  assert.deepEqual(at(SETTINGS, 0, 'args[2]'), ['3000', 'field']);
  assert.deepEqual(at(SETTINGS, 0, 'args'), ['["server.js", "--port", 3000,]', 'field']);
  assert.deepEqual(at(SETTINGS, 0, 'command'), ['"node"', 'field']);
});

test('nested fields: env, retry, healthCheck and dependsOn', () => {
  assert.deepEqual(at(SETTINGS, 0, 'env.PORT'), ['3000', 'field']);
  assert.deepEqual(at(SETTINGS, 0, 'retry.maxDelayMs'), ['-5', 'field']);
  assert.deepEqual(at(SETTINGS, 1, 'healthCheck.readiness.url'), ['"ftp://x"', 'field']);
  assert.deepEqual(at(SETTINGS, 1, 'dependsOn[0]'), ['"web"', 'field']);
  assert.deepEqual(at(SETTINGS, 1, 'dependsOn[1].condition'), ['"healthy"', 'field']);
});

test('an env name with a dot is one variable, not a path', () => {
  assert.deepEqual(at(SETTINGS, 0, 'env.a.b'), ['true', 'field']);
});

test('an unknown key is located at the key, at any depth', () => {
  assert.deepEqual(at(SETTINGS, 0, 'comand'), ['"comand"', 'field']);
  assert.deepEqual(at(SETTINGS, 1, 'healthCheck.readiness.intervall'), ['"intervall"', 'field']);
  const text = '{"devProcesses.tasks": [{"name": "a", "command": "b", "retry": {"maxDelay": 5}, "dependsOn": [{"name": "c", "when": 1}], "recovery": {"crash": "restart"}}]}';
  assert.deepEqual(at(text, 0, 'retry.maxDelay'), ['"maxDelay"', 'field']);
  assert.deepEqual(at(text, 0, 'dependsOn[0].when'), ['"when"', 'field']);
  assert.deepEqual(at(text, 0, 'recovery.crash'), ['"crash"', 'field']);
});

test('a key that may hold any name (env) is located at its value', () => {
  assert.deepEqual(at('{"devProcesses.tasks": [{"env": {"comand": 1}}]}', 0, 'env.comand'), ['1', 'field']);
});

test('a field that is not written falls back to the innermost object that would hold it', () => {
  assert.deepEqual(at(SETTINGS, 2, 'command'), ['{ "name": "no-command" }', 'entry']);
  assert.deepEqual(at(SETTINGS, 1, 'healthCheck.liveness.url'), ['{ "type": "http" }', 'entry']);
  assert.deepEqual(at(SETTINGS, 0, 'args[7]'), ['["server.js", "--port", 3000,]', 'entry']);
  assert.deepEqual(at(SETTINGS, 2), ['{ "name": "no-command" }', 'entry']);
});

test('a missing entry falls back to the setting\'s key; a problem with the whole setting is its value', () => {
  assert.deepEqual(at(SETTINGS, 9, 'command'), ['"devProcesses.tasks"', 'setting']);
  assert.deepEqual(at('{ "devProcesses.tasks": { "command": "x" } }', -1), ['{ "command": "x" }', 'setting']);
  assert.deepEqual(at('{ "devProcesses.tasks": { "command": "x" } }', 0, 'command'), ['"devProcesses.tasks"', 'setting']);
});

test('a file without the setting, or not JSON at all, has nothing to locate', () => {
  assert.equal(findTasksSetting('{ "editor.tabSize": 2 }'), undefined);
  assert.equal(findTasksSetting(''), undefined);
  assert.equal(findTasksSetting('not json'), undefined);
  assert.equal(findTasksSetting('[1, 2]'), undefined);
});

test('a .code-workspace file holds the settings under "settings"', () => {
  const workspace = `{
  "folders": [{ "path": "a" }, { "path": "b" }],
  // shared by every folder
  "settings": {
    "devProcesses.tasks": [{ "name": "web", "command": 42 }],
  },
}`;
  assert.deepEqual(at(workspace, 0, 'command', WORKSPACE_FILE_PREFIX), ['42', 'field']);
  assert.equal(locateProblem(workspace, { index: 0, field: 'command' }), undefined, 'not at the top level');
  assert.equal(locateProblem('{ "folders": [] }', { index: 0 }, WORKSPACE_FILE_PREFIX), undefined);
});

test('the setting written as nested objects is found too', () => {
  assert.deepEqual(at('{ "devProcesses": { "tasks": [{ "name": 1 }] } }', 0, 'name'), ['1', 'field']);
});

test('of repeated keys the last counts, as it does for VS Code', () => {
  const text = '{ "devProcesses.tasks": [{ "name": "old" }], "devProcesses.tasks": [{ "name": "new", "name": 7 }] }';
  assert.deepEqual(at(text, 0, 'name'), ['7', 'field']);
});

test('every problem the validator finds lands on the text of its field', () => {
  const raw: unknown = parse(SETTINGS, [], { allowTrailingComma: true });
  const { errors } = parseDefinitions((raw as Record<string, unknown>)['devProcesses.tasks'], { workspaceFolder: '/ws', env: {}, homeDir: '/home/u' });
  const tasks = findTasksSetting(SETTINGS)!;
  const found = errors.map((e: DefinitionError) => {
    const { start, end, precision } = tasks.locate(e);
    return [e.index, e.field, SETTINGS.slice(start, end), precision];
  });
  const expected = [
    [0, 'args[2]', '3000', 'field'],
    [0, 'env.PORT', '3000', 'field'],
    [0, 'env.a.b', 'true', 'field'],
    [0, 'retry.maxDelayMs', '-5', 'field'],
    [0, 'comand', '"comand"', 'field'],
    [1, 'healthCheck.readiness.url', '"ftp://x"', 'field'],
    [1, 'healthCheck.readiness.intervall', '"intervall"', 'field'],
    [1, 'healthCheck.liveness.url', '{ "type": "http" }', 'entry'],
    [2, 'command', '{ "name": "no-command" }', 'entry'],
  ];
  const key = (row: unknown[]) => JSON.stringify(row);
  assert.deepEqual(found.map(key).sort(), expected.map(key).sort());
});

test('never throws on cut-off or garbled text', () => {
  const problems = [{ index: 0, field: 'args[2]' }, { index: 1, field: 'healthCheck.readiness.url' }, { index: -1 }, { index: 0, field: 'constructor' }, { index: 0, field: '__proto__.x' }];
  for (let cut = 0; cut <= SETTINGS.length; cut += 3) {
    const text = SETTINGS.slice(0, cut) + SETTINGS.slice(cut + 5);
    for (const problem of problems) {
      const found = locateProblem(text, problem);
      if (found) assert.ok(found.start >= 0 && found.end <= text.length && found.start <= found.end, `bad range at cut ${cut}`);
    }
  }
});

test('positionAt counts \\n, \\r\\n and a lone \\r as line breaks', () => {
  assert.deepEqual(positionAt('ab\ncd', 4), { line: 1, character: 1 });
  assert.deepEqual(positionAt('ab\r\ncd', 5), { line: 1, character: 1 });
  assert.deepEqual(positionAt('ab\rcd\nef', 7), { line: 2, character: 1 });
  assert.deepEqual(positionAt('ab', 0), { line: 0, character: 0 });
  assert.deepEqual(positionAt('ab', 99), { line: 0, character: 2 });
});
