import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { expandVariables, type VariableValues } from '../../../src/config/variables';

const values: VariableValues = {
  workspaceFolder: '/home/ada/project',
  env: { HOME: '/home/ada', PORT: '3000', EMPTY: '', UNSET: undefined },
};

function expand(text: string, overrides: Partial<VariableValues> = {}): string {
  return expandVariables(text, { ...values, ...overrides }).text;
}

describe('expandVariables', () => {
  test('expands ${workspaceFolder} wherever it appears', () => {
    assert.equal(expand('${workspaceFolder}'), '/home/ada/project');
    assert.equal(expand('${workspaceFolder}/a:${workspaceFolder}/b'), '/home/ada/project/a:/home/ada/project/b');
  });

  test('expands ${env:NAME} from the given environment', () => {
    assert.equal(expand('http://localhost:${env:PORT}/'), 'http://localhost:3000/');
    assert.equal(expand('${env:HOME}${env:PORT}'), '/home/ada3000');
  });

  test('a missing, unset or empty variable expands to an empty string', () => {
    assert.equal(expand('[${env:NOPE}]'), '[]');
    assert.equal(expand('[${env:UNSET}]'), '[]');
    assert.equal(expand('[${env:EMPTY}]'), '[]');
  });

  test('environment names are case-sensitive', () => {
    assert.equal(expand('[${env:port}]'), '[]');
  });

  test('does not read inherited properties of the environment object', () => {
    assert.equal(expand('[${env:constructor}][${env:toString}][${env:__proto__}]'), '[][][]');
  });

  test('leaves ${instance} for the per-replica expansion', () => {
    assert.equal(expand('300${instance}'), '300${instance}');
    assert.equal(expand('${workspaceFolder}/logs/${instance}.log'), '/home/ada/project/logs/${instance}.log');
  });

  test('leaves unknown and malformed variables as written', () => {
    for (const text of ['${foo}', '${}', '${env:}', '${WORKSPACEFOLDER}', '${workspaceFolderBasename}', '$workspaceFolder', '${workspaceFolder', '$ {env:PORT}']) {
      assert.equal(expand(text), text);
    }
  });

  test('expands in one pass: values are not expanded again', () => {
    const env = { TRICK: '${workspaceFolder}', OTHER: '${env:PORT}' };
    assert.equal(expand('${env:TRICK} ${env:OTHER}', { env }), '${workspaceFolder} ${env:PORT}');
  });

  test('dollar patterns in values are inserted literally', () => {
    assert.equal(expand('${env:X}', { env: { X: "$& $1 $$ $' $`" } }), "$& $1 $$ $' $`");
    assert.equal(expand('${workspaceFolder}', { workspaceFolder: '/tmp/$&' }), '/tmp/$&');
  });

  test('reports ${workspaceFolder} as unresolved with no folder open, once, and leaves it', () => {
    const result = expandVariables('${workspaceFolder}/a ${workspaceFolder}/b ${env:PORT}', { ...values, workspaceFolder: undefined });
    assert.deepEqual(result, { text: '${workspaceFolder}/a ${workspaceFolder}/b 3000', unresolved: ['workspaceFolder'] });
  });

  test('text without variables comes back unchanged with nothing unresolved', () => {
    assert.deepEqual(expandVariables('plain $HOME text', values), { text: 'plain $HOME text', unresolved: [] });
  });
});
