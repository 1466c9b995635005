import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import { specForInstance } from '../../../src/engine/pool/replicas';
import { ctx, specWith } from './entryHelpers';

function errorsWith(fields: Record<string, unknown>): { field?: string; message: string }[] {
  const set = parseDefinitions([{ name: 'web', command: 'x', ...fields }], ctx);
  assert.equal(set.specs.length, 0, 'an entry with errors gives no spec');
  return set.errors.map(({ field, message }) => ({ field, message }));
}

describe('stop', () => {
  test('keeps signal, command (variables expanded) and timeoutMs; none when absent', () => {
    const spec = specWith({ stop: { signal: 'SIGINT', command: ['docker', 'compose', '-f', '${workspaceFolder}/dc.yml', 'down'], timeoutMs: 15_000 } });
    assert.deepEqual(spec.stop, { signal: 'SIGINT', command: ['docker', 'compose', '-f', '/ws/dc.yml', 'down'], timeoutMs: 15_000 });
    assert.ok(!Object.hasOwn(specWith({}), 'stop'));
    assert.deepEqual(specWith({ stop: { timeoutMs: 0 } }).stop, { timeoutMs: 0 });
  });

  const bad: [string, unknown, string, RegExp][] = [
    ['not an object', 'SIGINT', 'stop', /"stop" must be an object such as \{ "signal": "SIGINT" \}; got a string \(write \{ "signal": "SIGINT" \}\)/],
    ['an unknown signal', { signal: 'SIGKILL' }, 'stop.signal', /"stop.signal" must be "SIGINT", "SIGTERM", "SIGHUP" or "SIGQUIT"; got "SIGKILL"/],
    ['a signal written short', { signal: 'int' }, 'stop.signal', /\(write "SIGINT"\)/],
    ['a command as one string', { command: 'docker compose down' }, 'stop.command', /must be an array: the program, then its arguments; got a string \(write it as a list: \["docker", "compose", "down"\]\)/],
    ['an empty command', { command: [] }, 'stop.command', /must start with the program to run/],
    ['a command with a number', { command: ['kill', 3] }, 'stop.command[1]', /item 1 is a number/],
    ['a negative grace', { timeoutMs: -1 }, 'stop.timeoutMs', /"stop.timeoutMs" must be/],
    ['an unknown key', { signall: 'SIGINT' }, 'stop.signall', /unknown field "signall" \(did you mean "signal"\?\)/],
  ];
  for (const [what, stop, field, message] of bad) {
    test(`${what}: a located problem, the entry named`, () => {
      const errors = errorsWith({ stop });
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].field, field);
      assert.match(errors[0].message, /^Task "web": /);
      assert.match(errors[0].message, message);
    });
  }

  test('one bad entry leaves the others working', () => {
    const set = parseDefinitions([{ name: 'a', command: 'x', stop: { signal: 'TERM!' } }, { name: 'b', command: 'x', stop: { signal: 'SIGHUP' } }], ctx);
    assert.deepEqual(set.specs.map((s) => s.name), ['b']);
    assert.equal(set.errors.length, 1);
  });
});

describe('port and openOnReady', () => {
  test('a number, text expanded, and "${instance}" kept for each replica', () => {
    assert.equal(specWith({ port: 3000 }).port, 3000);
    assert.equal(parseDefinitions([{ name: 'web', command: 'x', port: '${env:PORT}' }], { ...ctx, env: { PORT: '8080' } }).specs[0].port, 8080);
    const spec = specWith({ port: '300${instance}', instances: { max: 3 } });
    assert.equal(spec.port, '300${instance}');
    assert.equal(specForInstance(spec, 2).port, 3002);
    assert.equal(specWith({ openOnReady: true }).openOnReady, true);
    assert.equal(specWith({ openOnReady: 'simple' }).openOnReady, 'simple');
    assert.ok(!Object.hasOwn(specWith({ openOnReady: false }), 'openOnReady'));
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ['a port out of range', { port: 70000 }, 'port', /"port" must be a port number from 1 to 65535, or text such as "300\$\{instance\}"; got 70000/],
    ['a port that is not a number', { port: 'http' }, 'port', /got "http"/],
    ['an env port that expands to nothing numeric', { port: '${env:NOPE}' }, 'port', /got "\$\{env:NOPE\}" \("" once expanded\)/],
    ['openOnReady as a browser name', { openOnReady: 'chrome' }, 'openOnReady', /"openOnReady" must be true \(open in the browser\), "simple" \(open in the Simple Browser\) or false; got "chrome"/],
  ];
  for (const [what, fields, field, message] of bad) {
    test(`${what}: a located problem`, () => {
      const errors = errorsWith(fields);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].field, field);
      assert.match(errors[0].message, message);
    });
  }
});
