// Fault: input sent to a process that never reads its stdin. What waits for it is bounded (1 MB),
// then sendInput says clearly that the process is not reading its input.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProcessEngine } from '../../src/engine/engine';
import { ProcessError } from '../../src/core/errors';
import { childProcessLauncher } from '../../src/platform/launcher';
import { MAX_QUEUED_INPUT } from '../../src/engine/run/runInput';
import { nodeSpec, waitForLine } from '../unit/helpers';
import { faultEngine, MB, summary } from './faultHelpers';
import { shippedEngine } from './shipped';

/** Sends 64 KB lines until refused (or 64 MB went); resolves to the bytes accepted and the error. */
async function flood(engine: ProcessEngine, id: string): Promise<{ sent: number; error: unknown }> {
  const line = 'x'.repeat(64 * 1024 - 1);
  let sent = 0;
  try {
    while (sent < 64 * MB) {
      engine.sendInput(id, line);
      sent += line.length + 1;
      // Let the streams move what they can, as between a user's sends.
      if (sent % MB === 0) await new Promise((r) => setImmediate(r));
    }
  } catch (error) {
    return { sent, error };
  }
  return { sent, error: undefined };
}

describe('sendInput to a process that does not read its stdin', () => {
  for (const [how, make] of [
    ['through the launcher helper', shippedEngine],
    ['in process', (t: Parameters<typeof faultEngine>[0], specs: Parameters<typeof faultEngine>[1]) => faultEngine(t, specs, { launcher: childProcessLauncher })],
  ] as const) {
    test(`is bounded, then refused as not reading its input (${how})`, async (t) => {
      const engine = make(t, [nodeSpec('deaf', 'hang.js')]);
      const id = await engine.spawn('deaf');
      await waitForLine(engine, id, /^ready$/);
      const { sent, error } = await flood(engine, id);
      summary(`sendInput flood ${how}`, { acceptedMB: Math.round((sent / MB) * 10) / 10 });
      assert.ok(error instanceof ProcessError, `refused, after ${sent} bytes`);
      assert.equal(error.code, 'resource-exhausted');
      assert.match(error.message, /"deaf" is not reading its input/);
      // What the pipe and socket buffers of the kernel hold comes on top of what waits here.
      assert.ok(sent <= MAX_QUEUED_INPUT + 8 * MB, `accepted ${sent} bytes`);
      assert.equal(engine.get(id)!.state, 'running', 'the process itself is left alone');
    });
  }

  test('a process that reads its input takes more than the bound, batch by batch', async (t) => {
    const engine = shippedEngine(t, [nodeSpec('echo', 'echo.js')]);
    const id = await engine.spawn('echo');
    await waitForLine(engine, id, /^ready$/);
    const line = 'y'.repeat(1023);
    for (let batch = 0; batch < 4; batch++) {
      for (let i = 0; i < 512; i++) engine.sendInput(id, line);
      engine.sendInput(id, `mark-${batch}`);
      await waitForLine(engine, id, new RegExp(`^echo: mark-${batch}$`));
    }
  });
});
