import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { DEFAULT_PROBE_TIMING } from '../../../../src/core/defaults';
import { probedPort } from '../../../../src/platform/portOwnership';
import type { ProbeSpec } from '../../../../src/core/types';
import { fixture, freePort, makeEngine, nodeSpec, waitFor } from '../../helpers';

const probe = (over: Partial<ProbeSpec>): ProbeSpec => ({ ...DEFAULT_PROBE_TIMING, type: 'http', intervalMs: 100, timeoutMs: 300, ...over });

/** Someone else's server on a free port (this test process holds it), answering 200. */
async function strangerServer(t: { after(fn: () => unknown): void }): Promise<number> {
  const server = http.createServer((_req, res) => res.end('not yours\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

describe('readiness counts only the run\'s own server', () => {
  for (const type of ['http', 'tcp'] as const) {
    test(`a ${type} probe answered by another process is not ready, and says who holds the port`, async (t) => {
      const port = await strangerServer(t);
      const readiness = type === 'http' ? probe({ url: `http://127.0.0.1:${port}/` }) : probe({ type: 'tcp', port });
      const engine = makeEngine(t, [nodeSpec('vite', 'hang.js', [], { healthCheck: { readiness } })]);
      const id = await engine.spawn('vite');
      const expected = `${port} is held by node (pid ${process.pid}), not by this run`;
      await waitFor(() => engine.get(id)?.health?.message === expected, `"${expected}"`);
      assert.equal(engine.get(id)!.ready, false);
      assert.ok(engine.output(id).every((l) => !l.text.startsWith('Ready')));
    });
  }

  test('a server started by a child of the run counts (the tree, not only the leader)', async (t) => {
    const port = await freePort();
    const spec = nodeSpec('web', 'http-server.js', [], {
      command: '/bin/sh',
      args: ['-c', `"${process.execPath}" "${fixture('http-server.js')}"; true`],
      env: { PORT: String(port) },
      healthCheck: { readiness: probe({ url: `http://127.0.0.1:${port}/` }) },
    });
    const engine = makeEngine(t, [spec]);
    const id = await engine.spawn('web');
    await waitFor(() => engine.get(id)?.ready === true, 'ready through the child');
    assert.equal(engine.get(id)!.health?.message, null);
  });

  test('only probes of this machine are checked', () => {
    assert.equal(probedPort(probe({ url: 'http://localhost:5173/' })), 5173);
    assert.equal(probedPort(probe({ url: 'https://127.0.0.1/health' })), 443);
    assert.equal(probedPort(probe({ url: 'http://[::1]:8080/' })), 8080);
    assert.equal(probedPort(probe({ url: 'http://example.invalid:5173/' })), undefined);
    assert.equal(probedPort(probe({ type: 'tcp', port: 5432 })), 5432);
    assert.equal(probedPort(probe({ type: 'tcp', host: 'db.example.invalid', port: 5432 })), undefined);
    assert.equal(probedPort(probe({ type: 'exec', command: 'true' })), undefined);
  });
});
