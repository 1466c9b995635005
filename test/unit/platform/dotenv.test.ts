import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDotenv } from '../../../src/platform/dotenv';
import { buildEnvironment, inheritedEnvironment } from '../../../src/platform/environment';

test('reads assignments, export, quotes and comments', () => {
  const { vars, errors } = parseDotenv('# c\nA=1\nexport B = two words # note\nC="x\\ny"\nD=\'$raw\'\n\nE=\n');
  assert.deepEqual(errors, []);
  assert.deepEqual(vars, { A: '1', B: 'two words', C: 'x\ny', D: '$raw', E: '' });
});

test('reports each bad line with its number', () => {
  const { errors } = parseDotenv('OK=1\nnot an assignment\n1BAD=x\nQ="open\n');
  assert.deepEqual(errors, [
    'line 2: expected NAME=value.',
    'line 3: "1BAD" is not a valid variable name.',
    'line 4: the double quote is not closed.',
  ]);
});

test('the environment layers host < file < definition and drops the editor variables', () => {
  const env = buildEnvironment(
    inheritedEnvironment({ PATH: '/bin', X: 'host', VSCODE_IPC_HOOK: 'sock', ELECTRON_RUN_AS_NODE: '1', GONE: undefined }),
    { X: 'file', Y: 'file' },
    { Y: 'def', VSCODE_KEEP: 'asked for' },
  );
  assert.deepEqual(env, { PATH: '/bin', X: 'file', Y: 'def', VSCODE_KEEP: 'asked for' });
});
