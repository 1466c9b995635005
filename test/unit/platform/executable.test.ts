import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { firstWord, resolveExecutable } from '../../../src/platform/executable';

describe('resolveExecutable: the file a command runs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-path-'));
  const first = path.join(dir, 'a');
  const second = path.join(dir, 'b');
  fs.mkdirSync(first);
  fs.mkdirSync(second);
  fs.writeFileSync(path.join(first, 'tool'), 'not executable', { mode: 0o644 });
  fs.writeFileSync(path.join(second, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
  fs.mkdirSync(path.join(first, 'dir-tool'));
  fs.writeFileSync(path.join(second, 'dir-tool'), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'local'), '#!/bin/sh\n', { mode: 0o755 });
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string, string | undefined, string | undefined][] = [
    ['skips a non-executable file earlier on PATH', 'tool', `${first}:${second}`, path.join(second, 'tool')],
    ['skips a directory of the same name', 'dir-tool', `${first}:${second}`, path.join(second, 'dir-tool')],
    ['a bare name not on PATH is not found', 'nope', `${first}:${second}`, undefined],
    ['an empty PATH entry means the working directory', 'local', `${first}::${second}`, path.join(dir, 'local')],
    ['a relative PATH entry is taken from the working directory', 'tool', 'b', path.join(second, 'tool')],
    ['a name with a slash is taken from the working directory', './local', '', path.join(dir, 'local')],
    ['no PATH finds nothing for a bare name', 'tool', undefined, undefined],
  ];
  for (const [what, command, pathVar, expected] of cases) {
    test(what, () => assert.equal(resolveExecutable(command, pathVar, dir), expected));
  }
});

describe('firstWord: the program of a shell command line', () => {
  const cases: [string, string | undefined][] = [
    ['npx vite --port 5173', 'npx'],
    ['  ./run.sh', './run.sh'],
    ['PORT=1 node x.js', undefined],
    ['"quoted name" arg', undefined],
    ['$HOME/bin/x', undefined],
    ['', undefined],
  ];
  for (const [line, expected] of cases) test(JSON.stringify(line), () => assert.equal(firstWord(line), expected));
});
