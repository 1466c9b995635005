import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLogSettings, resolveLogDirectory } from '../../../src/config/outputFields';

const ctx = { workspaceFolder: '/ws', env: { LOGS: '/var/logs' }, homeDir: '/home/me' };

test('log settings within their bounds are taken; anything else gives the default', () => {
  const read = (values: Record<string, unknown>) => readLogSettings((key) => values[key], ctx);
  assert.deepEqual(read({}), { enabled: true, directory: undefined, maxBytes: 10 * 1024 * 1024, maxFiles: 5 });
  assert.deepEqual(read({ 'logs.enabled': false, 'logs.maxSizeMB': 1.5, 'logs.maxFiles': 1 }), { enabled: false, directory: undefined, maxBytes: 1.5 * 1024 * 1024, maxFiles: 1 });
  for (const bad of [0, 0.5, 2048, '10', null, Number.NaN]) assert.equal(read({ 'logs.maxSizeMB': bad }).maxBytes, 10 * 1024 * 1024, String(bad));
  for (const bad of [0, 2.5, 101, '3']) assert.equal(read({ 'logs.maxFiles': bad }).maxFiles, 5, String(bad));
  assert.equal(read({ 'logs.enabled': 'no' }).enabled, true);
});

test('the log directory: absolute, relative to the first folder, with variables and ~ expanded', () => {
  assert.equal(resolveLogDirectory('/tmp/logs/', ctx), '/tmp/logs/');
  assert.equal(resolveLogDirectory('.logs', ctx), '/ws/.logs');
  assert.equal(resolveLogDirectory('${workspaceFolder}/out/../logs', ctx), '/ws/logs');
  assert.equal(resolveLogDirectory('${env:LOGS}/dev', ctx), '/var/logs/dev');
  assert.equal(resolveLogDirectory('~/logs', ctx), '/home/me/logs');
  for (const none of ['', '  ', undefined, 42]) assert.equal(resolveLogDirectory(none, ctx), undefined);
  const noFolder = { ...ctx, workspaceFolder: undefined };
  assert.equal(resolveLogDirectory('logs', noFolder), undefined);
  assert.equal(resolveLogDirectory('${workspaceFolder}/logs', noFolder), undefined);
});
