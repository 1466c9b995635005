// Hostile settings given straight to the engine: a huge or binary env file, an environment too
// big for the system, a NUL in a secret. Each must end in one short error naming the definition
// and the field, without the editor's memory or event loop paying for it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { ProcessEngine } from '../../src/engine/engine';
import type { ProcessSpec } from '../../src/core/types';
import { nodeSpec } from '../unit/helpers';
import { MB, assertAnswers, faultEngine, growthMB, memory, taggedEnv } from './faultHelpers';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-bounded-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `name` and returns the error of its run, which must fail. */
async function failureOf(engine: ProcessEngine, name: string): Promise<{ code: string; message: string }> {
  const id = await engine.spawn(name);
  await engine.whenDone(id);
  const snap = engine.get(id)!;
  assert.equal(snap.state, 'failed', `${name} ended ${snap.state}`);
  const lines = engine.output(id).map((l) => l.text).join('\n');
  assert.ok(lines.includes(snap.error!.message.replace(/\.$/, '')), 'the output says the same');
  return snap.error!;
}

const job = (name: string, extra: Partial<ProcessSpec>): ProcessSpec => nodeSpec(name, 'exit.js', ['0'], { kind: 'job', ...extra });

describe('envFile is bounded', () => {
  test('a 50 MB file is refused before it is read: one short error, no memory spent on it', async (t) => {
    const file = path.join(tempDir(t), 'big.env');
    fs.writeFileSync(file, Buffer.alloc(50 * MB, 'A=1\n'));
    const engine = faultEngine(t, [job('big', { envFile: file })]);
    const before = memory();
    const error = await failureOf(engine, 'big');
    assert.equal(error.code, 'spawn-failed');
    assert.equal(error.message, `"big" could not start: "envFile" ${file} is too big (50.0 MB; at most 1 MB).`);
    assert.ok(growthMB(before).heap < 16, `heap grew ${growthMB(before).heap} MB`);
    await assertAnswers(engine);
  });

  test('a binary file and a file of non NAME=value lines each give one short error', async (t) => {
    const dir = tempDir(t);
    const binary = path.join(dir, 'binary.env');
    fs.writeFileSync(binary, Buffer.from([0x41, 0x3d, 0x31, 0x0a, 0x00, 0xff, 0xfe, 0x00]));
    const prose = path.join(dir, 'prose.env');
    fs.writeFileSync(prose, 'this is not an env file\n'.repeat(5000));
    const engine = faultEngine(t, [job('bin', { envFile: binary }), job('prose', { envFile: prose })]);
    const bin = await failureOf(engine, 'bin');
    assert.equal(bin.message, `"bin" could not start: "envFile" ${binary} is not a text file (it contains NUL bytes).`);
    const text = await failureOf(engine, 'prose');
    assert.equal(text.message, `"prose" could not start: "envFile" ${prose} has lines that are not NAME=value: line 1: expected NAME=value. line 2: expected NAME=value. line 3: expected NAME=value (and 4997 more).`);
  });

  test('a good file still sets variables, under the definition\'s env', async (t) => {
    const file = path.join(tempDir(t), 'good.env');
    fs.writeFileSync(file, 'FROM_FILE=yes\nBOTH=file\n');
    const engine = faultEngine(t, [nodeSpec('good', 'env.js', ['FROM_FILE', 'BOTH'], { kind: 'job', envFile: file, env: { BOTH: 'env' } })]);
    const id = await engine.spawn('good');
    await engine.whenDone(id);
    assert.equal(engine.get(id)?.state, 'completed');
    assert.ok(engine.output(id).some((l) => l.text === 'env {"FROM_FILE":"yes","BOTH":"env"}'));
  });

  test('a stop while the file is read starts nothing', async (t) => {
    const file = path.join(tempDir(t), 'good.env');
    fs.writeFileSync(file, 'A=1\n');
    const engine = faultEngine(t, [nodeSpec('slow', 'hang.js', [], { envFile: file })]);
    const id = await engine.spawn('slow');
    await engine.kill(id);
    await new Promise((r) => setTimeout(r, 200));
    const snap = engine.get(id)!;
    assert.equal(snap.state, 'terminated');
    assert.equal(snap.pid, null, 'no process was started after the stop');
  });
});

describe('spawn inputs the system refuses', () => {
  test('E2BIG names the definition and the field', async (t) => {
    const engine = faultEngine(t, [job('huge', { env: { BIG: 'x'.repeat(300_000) } })]);
    const error = await failureOf(engine, 'huge');
    assert.equal(error.code, 'spawn-failed');
    assert.match(error.message, /^"huge" could not start: its arguments and environment are too big for the system \(E2BIG\); the largest is "env\.BIG" \(293 KB\)\.$/);
  });

  test('a NUL in a secret value names the field and never shows the value', async (t) => {
    const engine = faultEngine(t, [job('nul', { env: { API_TOKEN: 'abc\u0000hunter2-secret' } })]);
    const error = await failureOf(engine, 'nul');
    assert.equal(error.message, '"nul" could not start: "env.API_TOKEN" contains a NUL character, which no process can be given.');
    const id = engine.list().find((r) => r.name === 'nul')!.id;
    assert.ok(engine.output(id).every((l) => !l.text.includes('hunter2')));
  });

  test('a cwd error does not show a secret expanded into the path', async (t) => {
    const secret = 'cwd-secret-1234567';
    const engine = faultEngine(t, [job('where', { cwd: `/nonexistent/${secret}` })], { hostEnv: { ...taggedEnv(), DEPLOY_TOKEN: secret } });
    const error = await failureOf(engine, 'where');
    assert.match(error.message, /the working directory \/nonexistent\/\*{8} does not exist/);
    const id = engine.list().find((r) => r.name === 'where')!.id;
    assert.ok(engine.output(id).every((l) => !l.text.includes(secret)));
  });
});
