import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { test } from 'node:test';
import { classifyFromOutput, portInUse } from '../../../../src/engine/recovery/failureHints';
import { findPortHolder } from '../../../../src/platform/ports';
import { fixture, freePort } from '../../helpers';

test('finds the port in the usual "address already in use" messages', () => {
  assert.equal(portInUse(['Error: listen EADDRINUSE: address already in use :::3000']), 3000);
  assert.equal(portInUse(['OSError: [Errno 98] Address already in use', 'x']), undefined);
  assert.equal(portInUse(['Port 5173 is already in use']), 5173);
  assert.equal(portInUse(['bind: address already in use 127.0.0.1:8080']), 8080);
  assert.equal(portInUse(['all good on :3000']), undefined);
});

test('output naming resource exhaustion reclassifies a failure', () => {
  assert.equal(classifyFromOutput('exit-code', ['Error: EMFILE: too many open files, open x']), 'resource-exhausted');
  assert.equal(classifyFromOutput('crashed', ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory']), 'resource-exhausted');
  assert.equal(classifyFromOutput('exit-code', ['plain failure']), 'exit-code');
  assert.equal(classifyFromOutput('spawn-failed', ['ENOMEM']), 'spawn-failed');
});

test('names the process that listens on a port (this one, on IPv4 and on ::)', async (t) => {
  for (const host of ['127.0.0.1', '::']) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    t.after(() => server.close());
    const port = (server.address() as net.AddressInfo).port;
    const holder = findPortHolder(port);
    assert.equal(holder?.pid, process.pid, `holder of ${host}:${port}`);
    assert.match(holder!.command, /node/);
  }
});

test("a port holder's command line is shown with its credentials masked", async (t) => {
  const port = await freePort();
  const child = spawn(process.execPath, [fixture('listen.js'), String(port), '--password=pw-holder-31', 'postgres://app:pw-holder-32@db/x'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => child.kill('SIGKILL'));
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const holder = findPortHolder(port);
  assert.equal(holder?.pid, child.pid);
  assert.match(holder!.command, /listen\.js/);
  assert.ok(!holder!.command.includes('pw-holder-31') && !holder!.command.includes('pw-holder-32'), holder!.command);
});
