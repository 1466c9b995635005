import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineSplitter, stripControls } from '../../../src/platform/lineSplitter';

test('joins partial lines across chunks and handles CRLF', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(Buffer.from('hel')), []);
  assert.deepEqual(s.push(Buffer.from('lo\r\nwor')), ['hello']);
  assert.deepEqual(s.push(Buffer.from('ld\n\n')), ['world', '']);
  assert.deepEqual(s.end(), []);
});

test('a CRLF split between chunks still ends one line', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('a\r'), []);
  assert.deepEqual(s.push('\nb\n'), ['a', 'b']);
});

test('a multi-byte character split between chunks is decoded whole', () => {
  const s = new LineSplitter();
  const bytes = Buffer.from('é€\n');
  assert.deepEqual(s.push(bytes.subarray(0, 1)), []);
  assert.deepEqual(s.push(bytes.subarray(1, 3)), []);
  assert.deepEqual(s.push(bytes.subarray(3)), ['é€']);
});

test('invalid UTF-8 becomes replacement characters, never an error', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(Buffer.from([0xc3, 0x28, 0x0a])), ['\uFFFD(']);
});

test('carriage-return progress keeps only the last state', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('10%\r20%\r100%\r\n'), ['100%']);
  assert.deepEqual(s.push('done\r\r\n'), ['done']);
});

test('ANSI colours and OSC titles are removed', () => {
  assert.equal(stripControls('\u001b[1;32mok\u001b[0m \u001b]0;title\u0007x'), 'ok x');
  assert.equal(stripControls('plain'), 'plain');
});

test('a line that never ends is cut into bounded pieces', () => {
  const s = new LineSplitter(10);
  assert.deepEqual(s.push('a'.repeat(25)), ['a'.repeat(10), 'a'.repeat(10)]);
  assert.deepEqual(s.end(), ['aaaaa']);
  assert.deepEqual(new LineSplitter(4).push('abcdefghij\n'), ['abcd', 'efgh', 'ij']);
});

test('the last line without a newline comes out at the end', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('tail'), []);
  assert.deepEqual(s.end(), ['tail']);
});

const E = '\u001b';
/** Output of real tools as they write it to a pipe or terminal, and the plain text a channel should show. */
const TOOL_OUTPUT: [what: string, raw: string, plain: string][] = [
  ['vitest rerun: RIS, then the header', `${E}c RERUN  src/App.test.tsx x1`, ' RERUN  src/App.test.tsx x1'],
  ['vitest clear: erase display and scrollback, cursor home', `${E}[2J${E}[3J${E}[H DEV  v5.0.0 /app`, ' DEV  v5.0.0 /app'],
  ['Vite banner', `  ${E}[32m${E}[1mVITE${E}[22m v8.0.0${E}[39m  ${E}[2mready in ${E}[0m${E}[1m312${E}[22m${E}[2m${E}[0m ms${E}[22m`, '  VITE v8.0.0  ready in 312 ms'],
  ['Vite local URL', `  ${E}[32m➜${E}[39m  ${E}[1mLocal${E}[22m:   ${E}[36mhttp://localhost:${E}[1m5173${E}[22m/${E}[39m`, '  ➜  Local:   http://localhost:5173/'],
  ['npm progress: hidden cursor, column 1, erase line', `${E}[?25l${E}[1G${E}[0K⠙${E}[1G${E}[0Kadded 3 packages${E}[?25h`, '⠙added 3 packages'],
  ['git hyperlink, ST terminated', `${E}]8;;https://github.com/o/r/commit/1a2b3c?x=1,2&y='z'${E}\\1a2b3c${E}]8;;${E}\\ Fix it`, '1a2b3c Fix it'],
  ['hyperlink with an id, BEL terminated', `${E}]8;id=7;file:///home/ada/a%20b.ts\u0007a b.ts${E}]8;;\u0007:3`, 'a b.ts:3'],
  ['window title, BEL terminated', `${E}]0;vitest: watching /app (2 files)\u0007Waiting for file changes...`, 'Waiting for file changes...'],
  ['window title, ST terminated', `${E}]2;tsc --watch${E}\\Found 0 errors.`, 'Found 0 errors.'],
  ['DCS request (XTGETTCAP)', `${E}P+q544e${E}\\ok`, 'ok'],
  ['tput sgr0: charset selection, then reset', `${E}[1mbold${E}(B${E}[m plain`, 'bold plain'],
  ['line-drawing charset in and out', `${E})0${E}(0lqqk${E}(B done`, 'lqqk done'],
  ['alternate screen and bracketed paste', `${E}[?1049h${E}[?2004hprompt${E}[?2004l${E}[?1049l`, 'prompt'],
  ['truecolor and colon sub-parameters', `${E}[38;2;255;100;0morange${E}[0m ${E}[4:3mcurly${E}[4:0m`, 'orange curly'],
  ['CSI with an intermediate byte (cursor shape, soft reset)', `${E}[2 qblock${E}[!psoft reset`, 'blocksoft reset'],
  ['keypad modes, cursor save and restore, index', `${E}=${E}>${E}7x${E}8${E}D${E}My`, 'xy'],
  ['bell, shift out/in, backspace, delete', `ding\u0007 \u000eshifted\u000f a\bb\u007f`, 'ding shifted ab'],
  ['a title cut off at the end of the line', `done ${E}]0;half a title`, 'done '],
  ['a lone escape at the end', `cut here${E}`, 'cut here'],
  ['tabs and punctuation stay', 'a\tb  ~!@#$%^&*()[]{}', 'a\tb  ~!@#$%^&*()[]{}'],
  ['non-ASCII text stays', 'héllo → ✓ 日本 🎉', 'héllo → ✓ 日本 🎉'],
];

describe('terminal control sequences in real tools\' output', () => {
  for (const [what, raw, plain] of TOOL_OUTPUT) {
    test(what, () => {
      assert.equal(stripControls(raw), plain);
      // Through the splitter too, whole and one character at a time (a sequence cut across chunks).
      assert.deepEqual(new LineSplitter().push(`${raw}\n`), [plain]);
      const split = new LineSplitter();
      const lines = [...raw].flatMap((ch) => split.push(ch));
      assert.deepEqual([...lines, ...split.push('\n')], [plain]);
    });
  }
});

describe('a secret across the 64 KB cut', () => {
  const secret = 'sk-live-0123456789abcdef';
  const mask = (text: string) => text.split(secret).join('********');
  const pieces = (lines: string[]) => lines.join('');

  for (const offset of [-20, -10, -1, 0, 5]) {
    test(`leaves no part of it on either side (secret at the cut ${offset >= 0 ? '+' : ''}${offset})`, () => {
      const max = 1000;
      const text = 'a'.repeat(max + offset) + secret + 'b'.repeat(max * 2);
      for (const chunked of [false, true]) {
        const s = new LineSplitter(max, { mask, overlap: secret.length });
        const lines = chunked ? [...[...text].flatMap((_, i) => (i % 97 === 0 ? s.push(text.slice(i, i + 97)) : [])), ...s.end()] : [...s.push(`${text}\n`), ...s.end()];
        for (const line of lines) {
          assert.ok(line.length <= max, `piece of ${line.length}`);
          for (let k = 6; k < secret.length; k++) {
            assert.ok(!line.includes(secret.slice(0, k)) || !line.endsWith(secret.slice(0, k)), `head of the secret ends a piece: ${line.slice(-30)}`);
            assert.ok(!line.startsWith(secret.slice(-k)), `tail of the secret starts a piece: ${line.slice(0, 30)}`);
          }
        }
        assert.ok(pieces(lines).includes('********'), 'masked');
      }
    });
  }
});
