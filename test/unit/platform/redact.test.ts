import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_LINE_LENGTH } from '../../../src/platform/lineSplitter';
import { maskSecrets, redact, REDACTED, secretValues } from '../../../src/platform/redact';
import { makeEngine, nodeSpec } from '../helpers';

test('values of TOKEN, SECRET, PASSWORD and KEY variables are secrets; short ones are not', () => {
  const secrets = secretValues({ API_TOKEN: 'tok-123456', DB_PASSWORD: 'hunter22', AWS_SECRET_ACCESS_KEY: 'abc/def', PATH: '/bin', SHORT_KEY: 'x', PORT: '3000' });
  assert.deepEqual(secrets, ['tok-123456', 'hunter22', 'abc/def']);
  assert.equal(redact('login hunter22 with tok-123456', secrets), `login ${REDACTED} with ${REDACTED}`);
});

test('a secret never reaches the output, the command line or the error message', async (t) => {
  const engine = makeEngine(t, [nodeSpec('leaky', 'env.js', ['API_TOKEN', 'sk-live-987654'], { kind: 'job', env: { API_TOKEN: 'sk-live-987654' } })]);
  const id = await engine.spawn('leaky');
  await engine.whenDone(id);
  const all = [...engine.output(id).map((l) => l.text), engine.get(id)!.commandLine].join('\n');
  assert.ok(!all.includes('sk-live-987654'), all);
  assert.ok(all.includes(REDACTED));
});

test('credentials known by their place are masked: URL password, secret-named parameters, Authorization', () => {
  const cases: [string, string][] = [
    ['GET http://admin:hunter22@db.local:5432/x failed', `GET http://admin:${REDACTED}@db.local:5432/x failed`],
    ['GET http://localhost:3000/health?token=abc123def&x=1 failed', `GET http://localhost:3000/health?token=${REDACTED}&x=1 failed`],
    ['curl "http://h/?api_key=k-99999"', `curl "http://h/?api_key=${REDACTED}"`],
    ['TOKEN=s3cr3t-value ./run.sh', `TOKEN=${REDACTED} ./run.sh`],
    ['deploy --password="two words"', `deploy --password=${REDACTED}`],
    ['curl -H "Authorization: Bearer abc.def-ghi" http://x', `curl -H "Authorization: Bearer ${REDACTED}" http://x`],
    ['curl -H "Authorization: Basic dXNlcjpwYXNz"', `curl -H "Authorization: Basic ${REDACTED}"`],
    ['echo hello world && ls -la', 'echo hello world && ls -la'],
  ];
  for (const [text, masked] of cases) assert.equal(maskSecrets(text, []), masked);
  assert.equal(maskSecrets('login hunter22', ['hunter22']), `login ${REDACTED}`);
});

test('an ad-hoc command line carrying a credential shows masked in its name and command line', async (t) => {
  const engine = makeEngine(t, []);
  const id = await engine.runCommandLine('TOKEN=sk-live-555555 echo hi; echo "Authorization: Bearer abcdef-123456" >/dev/null');
  const snap = engine.get(id)!;
  await engine.whenDone(id);
  for (const text of [snap.name, snap.commandLine, engine.get(id)!.name, ...engine.output(id).map((l) => l.text)]) {
    assert.ok(!text.includes('sk-live-555555') && !text.includes('abcdef-123456'), text);
  }
  assert.equal(engine.get(id)!.state, 'completed');
});

test('a secret printed across the 64 KB line cut leaves no part of itself in either piece', async (t) => {
  const secret = 'sk-live-cut-0123456789';
  const script = `process.stdout.write('a'.repeat(${MAX_LINE_LENGTH - 9}) + process.env.API_TOKEN + 'b'.repeat(100) + '\\n')`;
  const engine = makeEngine(t, [nodeSpec('cut', 'echo.js', [], { kind: 'job', args: ['-e', script], env: { API_TOKEN: secret } })]);
  const id = await engine.spawn('cut');
  await engine.whenDone(id);
  const pieces = engine.output(id).filter((l) => l.stream === 'stdout').map((l) => l.text);
  assert.equal(pieces.length, 2);
  assert.match(pieces.join(''), /a\*{8}b/);
  for (let k = 5; k < secret.length; k++) {
    assert.ok(!pieces[0].endsWith(secret.slice(0, k)) && !pieces[1].startsWith(secret.slice(k)), `cut at ${k}`);
  }
});
