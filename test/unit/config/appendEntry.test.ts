import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'jsonc-parser/lib/esm/main.js';
import { appendEntry, indentationOf } from '../../../src/config/appendEntry';

const entry = { name: 'npm: dev', command: 'npm', args: ['run', 'dev'] };
const four = { tabSize: 4, insertSpaces: true };

test('an entry goes after the others, indented as the file, comments kept', () => {
  const text = '{\n    // ours\n    "editor.tabSize": 4,\n    "devProcesses.tasks": [\n        { "name": "api", "command": "node" }\n    ]\n}\n';
  const { text: out, at } = appendEntry(text, [], entry, four);
  assert.match(out, /\/\/ ours/);
  assert.deepEqual(parse(out)['devProcesses.tasks'].map((e: { name: string }) => e.name), ['api', 'npm: dev']);
  assert.match(out, /\n {8}\{\n {12}"name": "npm: dev"/);
  assert.equal(out.slice(at, at + 1), '{');
  assert.ok(out.indexOf('npm: dev') > out.indexOf('"api"'));
});

test('the setting is created in an empty or missing file, and under "settings" of a workspace file', () => {
  assert.deepEqual(parse(appendEntry('', [], entry, four).text), { 'devProcesses.tasks': [entry] });
  const workspace = appendEntry('{ "folders": [{ "path": "." }], "settings": { "a": 1 } }', ['settings'], entry, { tabSize: 2, insertSpaces: true });
  assert.deepEqual(parse(workspace.text).settings, { a: 1, 'devProcesses.tasks': [entry] });
});

test('a setting that is not an array, or a file that is not an object, is refused and left as written', () => {
  assert.throws(() => appendEntry('{ "devProcesses.tasks": { "name": "x" } }', [], entry, four), /not an array/);
  assert.throws(() => appendEntry('[1, 2]', [], entry, four), /not hold a JSON object/);
});

test('the indentation of the file is what a new entry follows', () => {
  assert.deepEqual(indentationOf('{\n  "a": 1\n}'), { tabSize: 2, insertSpaces: true });
  assert.deepEqual(indentationOf('{\n\t"a": 1\n}'), { tabSize: 4, insertSpaces: false });
  assert.equal(indentationOf('{ "a": 1 }'), undefined);
  const { text } = appendEntry('{\n  "devProcesses.tasks": [\n    { "name": "api", "command": "node" }\n  ]\n}\n', [], entry, indentationOf('{\n  "x": 1\n}')!);
  assert.match(text, /\n {4}\{\n {6}"name": "npm: dev"/);
});
