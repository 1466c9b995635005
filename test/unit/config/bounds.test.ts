import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import { ctx, messagesWith, specWith } from './entryHelpers';

describe('bounded numbers', () => {
  test('instances stay at most 64, with a message naming the field', () => {
    assert.deepEqual(specWith({ instances: { min: 64 } }).instances, { min: 64, max: 64, initial: 64 });
    for (const key of ['min', 'max', 'initial']) {
      const [message] = messagesWith({ instances: { min: 0, max: 64, [key]: 100_000 } });
      assert.match(message, new RegExp(`"instances\\.${key}" must be a whole number from \\d+ to 64; got 100000`));
    }
  });

  test('restart and retry numbers have sane ranges', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ restart: { multiplier: 1e308 } }, /"restart\.multiplier" must be a number from 1 to 10; got 1e\+308/],
      [{ retry: { multiplier: 11 } }, /"retry\.multiplier" must be a number from 1 to 10/],
      [{ restart: { maxRestarts: 1e9 } }, /"restart\.maxRestarts" must be a whole number from 0 to 1000/],
      [{ retry: { maxRetries: 1e9 } }, /"retry\.maxRetries" must be a whole number from 0 to 100/],
      [{ restart: { windowMs: 2_000_000_000 } }, /"restart\.windowMs" must be a whole number from 1 to 86400000; got 2000000000 \(at most one day\)/],
      [{ restart: { initialDelayMs: 100_000_000, maxDelayMs: 100_000_000 } }, /"restart\.initialDelayMs" must be a whole number from 0 to 86400000/],
      [{ retry: { maxDelayMs: 100_000_000 } }, /"retry\.maxDelayMs" must be a whole number from 0 to 86400000/],
      [{ restart: { resetAfterMs: -1 } }, /"restart\.resetAfterMs" must be a whole number from 0 to 86400000/],
    ];
    for (const [fields, expected] of cases) {
      assert.match(messagesWith(fields).join('\n'), expected, JSON.stringify(fields));
    }
    const restart = specWith({ restart: { multiplier: 10, maxRestarts: 1000, windowMs: 86_400_000, initialDelayMs: 0, maxDelayMs: 86_400_000 } }).restart;
    assert.equal(restart.multiplier, 10);
  });
});

describe('names with control characters', () => {
  for (const [what, name] of [['a newline', 'web\nserver'], ['BEL', 'web\u0007'], ['ESC', '\u001b[31mweb'], ['DEL', 'web\u007f'], ['a line separator', 'web\u2028x']]) {
    test(`${what} is refused with a clear message`, () => {
      const set = parseDefinitions([{ name, command: 'x' }], ctx);
      assert.equal(set.specs.length, 0);
      assert.equal(set.errors.length, 1);
      assert.equal(set.errors[0].field, 'name');
      assert.match(set.errors[0].message, /"name" must not contain control characters such as line breaks or escapes\.$/);
      assert.doesNotMatch(set.errors[0].message, /[\u0000-\u001f\u007f\u2028]/, 'the message itself shows the characters escaped');
    });
  }

  test('tabs and other Unicode names stay valid', () => {
    assert.equal(parseDefinitions([{ name: 'café ☕ 服务\tx', command: 'x' }], ctx).specs.length, 1);
  });
});

describe('secrets in settings messages', () => {
  test('a secret-named env value written as a number is not repeated in the message', () => {
    const messages = messagesWith({ env: { API_TOKEN: 1234567890, PORT: 3000 } });
    const joined = messages.join('\n');
    assert.doesNotMatch(joined, /1234567890/);
    assert.match(joined, /"env\.API_TOKEN" must be a string; got a number \(put it in quotes\)\./);
    assert.match(joined, /"env\.PORT" must be a string; got a number \(put it in quotes: "3000"\)\./, 'an ordinary value keeps its hint');
  });
});
