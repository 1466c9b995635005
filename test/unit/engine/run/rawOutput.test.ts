import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { makeEngine, nodeSpec, waitFor, waitForLine } from '../../helpers';
import { LineSplitter } from '../../../../src/platform/lineSplitter';
import { OutputRing } from '../../../../src/platform/outputRing';

test('the splitter keeps the raw text of a line only when cleaning changed it', () => {
  const splitter = new LineSplitter(64 * 1024, undefined, true);
  const lines = splitter.push('plain\n\u001b[32mgreen\u001b[0m\nbar 1\rbar 2\n');
  assert.deepEqual(lines, ['plain', 'green', 'bar 2']);
  assert.equal(splitter.raws[0], undefined);
  assert.equal(splitter.raws[1], '\u001b[32mgreen\u001b[0m');
  assert.equal(splitter.raws[2], 'bar 1\rbar 2');
  assert.deepEqual(splitter.push('next\n'), ['next']);
  assert.equal(splitter.raws.length, 0, 'raws are per push');
  splitter.push('\u001b[1m? prompt: ');
  assert.equal(splitter.pending, '\u001b[1m? prompt: ');
});

test('without keepRaw the splitter records nothing', () => {
  const splitter = new LineSplitter();
  splitter.push('\u001b[32mgreen\u001b[0m\n');
  assert.equal(splitter.raws.length, 0);
});

test('the ring counts raw text against its byte bound', () => {
  const ring = new OutputRing({ maxLines: 100, maxBytes: 1000 });
  ring.push({ stream: 'stdout', text: 'a'.repeat(100), at: 0, raw: `\u001b[1m${'a'.repeat(100)}` });
  assert.equal(ring.byteSize, (100 + 104) * 2);
  for (let i = 0; i < 5; i++) ring.push({ stream: 'stdout', text: 'b'.repeat(100), at: 0, raw: `\u001b[1m${'b'.repeat(100)}` });
  assert.ok(ring.byteSize <= 1000, `ring holds ${ring.byteSize} bytes`);
});

test('a run keeps colours for replay, streams them live while someone follows, and remembers its prompt', async (t) => {
  const engine = makeEngine(t, [nodeSpec('colors', 'colors.js')]);
  const live: string[] = [];
  const sub = engine.onDidWrite((e) => live.push(e.text));
  t.after(() => sub.dispose());
  const id = await engine.spawn('colors');
  await waitForLine(engine, id, /progress 100%/);
  await waitFor(() => engine.unfinishedOutput(id) === '? name: ', 'the prompt');
  const red = engine.output(id).find((l) => l.text === 'red plain');
  assert.equal(red?.raw, '\u001b[31mred\u001b[0m plain');
  const progress = engine.output(id).find((l) => l.text === 'progress 100%');
  assert.equal(progress?.raw, 'progress 1%\rprogress 50%\rprogress 100%');
  assert.ok(live.join('').includes('\u001b[31mred\u001b[0m plain\n'), 'colours reach the live follower as written');
  assert.ok(live.join('').endsWith('? name: '), 'an unfinished line reaches the live follower at once');
});

test('nothing is built for live followers when nobody listens', async (t) => {
  const engine = makeEngine(t, [nodeSpec('colors', 'colors.js')]);
  const id = await engine.spawn('colors');
  await waitForLine(engine, id, /progress 100%/);
  const sub = engine.onDidWrite(() => undefined);
  sub.dispose();
  assert.equal(engine.unfinishedOutput('nope'), '');
});

test('secrets are masked in raw lines, in the prompt and live, even split across reads', async (t) => {
  const secret = 'hunter2-very-secret-value';
  // The second half comes well after the first: a pause must not let a half through.
  const script = `process.stdout.write('\\u001b[1mtoken=${secret.slice(0, 9)}'); setTimeout(() => process.stdout.write('${secret.slice(9)}\\u001b[0m\\n? ${secret}'), 200);`;
  const engine = makeEngine(t, [{ ...nodeSpec('leaky', 'colors.js'), args: ['-e', script], env: { API_TOKEN: secret } }]);
  const live: string[] = [];
  const sub = engine.onDidWrite((e) => live.push(e.text));
  t.after(() => sub.dispose());
  const id = await engine.spawn('leaky');
  await engine.whenDone(id);
  // Not the Started line: the command line holds the halves as typed.
  const all = [...engine.output(id).filter((l) => l.stream !== 'system').map((l) => `${l.text}|${l.raw ?? ''}`), live.join(''), engine.unfinishedOutput(id)].join('\n');
  assert.ok(!all.includes(secret) && !all.includes(secret.slice(9)), all);
});

test('interrupt sends SIGINT to the process group; the process decides what to do', async (t) => {
  const engine = makeEngine(t, [nodeSpec('colors', 'colors.js')]);
  const id = await engine.spawn('colors');
  await waitForLine(engine, id, /progress 100%/);
  assert.equal(engine.interrupt(id), true);
  // After the prompt, on its line.
  await waitForLine(engine, id, /\? name: interrupted$/);
  await engine.whenDone(id);
  assert.equal(engine.get(id)?.exitCode, 130);
  assert.equal(engine.interrupt(id), false, 'nothing to interrupt once it ended');
});
