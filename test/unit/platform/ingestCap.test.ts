import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { IngestCap } from '../../../src/platform/ingestCap';

/** Just what the cap touches of a stream. */
class FakeStream extends EventEmitter {
  paused = false;
  pauses = 0;
  pause(): this {
    this.paused = true;
    this.pauses++;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
}

const asStream = (s: FakeStream) => s as unknown as NodeJS.ReadableStream;

test('reads within the burst go on; past it both streams pause, then resume when the bucket drained', async () => {
  const now = 0;
  // 1 MB/s: a burst of 100 KB. 150 KB read at once is over it; the streams resume once the
  // bucket has drained to half the burst, about 100 ms later.
  const cap = new IngestCap(1_000_000, () => now);
  const out = new FakeStream();
  const err = new FakeStream();
  cap.take(asStream(out), 64 * 1024);
  assert.equal(out.paused, false);
  cap.take(asStream(err), 86_000);
  assert.equal(err.paused, true);
  cap.take(asStream(out), 1);
  assert.equal(out.paused, true);
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.equal(out.paused, false);
  assert.equal(err.paused, false);
});

test('what drained over time is no longer counted', () => {
  let now = 0;
  const cap = new IngestCap(1_000_000, () => now);
  const out = new FakeStream();
  for (let i = 0; i < 20; i++) {
    cap.take(asStream(out), 50_000);
    now += 50; // 50 KB every 50 ms is exactly the rate
  }
  assert.equal(out.pauses, 0);
});
