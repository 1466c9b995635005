import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact, REDACTED, secretValues } from '../../../src/platform/redact';
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
