import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FRAME_STDERR, FRAME_STDOUT, FRAME_STDOUT_END, FrameReader, frameHeader } from '../../../../src/platform/launcher/dataFrames';
import { HelperLauncher } from '../../../../src/platform/launcher';
import type { LaunchedProcess } from '../../../../src/platform/launcher';
import { repoRoot } from '../../helpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');

test('frames cut at every byte boundary give the same streams, in order', () => {
  const frames: [number, number, Buffer][] = [
    [FRAME_STDOUT, 7, Buffer.from('hello\n')],
    [FRAME_STDERR, 7, Buffer.from('oops\n')],
    [FRAME_STDOUT, 70000, Buffer.alloc(3000, 'x')],
    [FRAME_STDOUT_END, 7, Buffer.alloc(0)],
  ];
  const wire = Buffer.concat(frames.flatMap(([kind, id, data]) => [frameHeader(kind, id, data.length), data]));
  for (const size of [1, 2, 5, 9, 10, 4096, wire.length]) {
    const got: [number, number, Buffer][] = [];
    const reader = new FrameReader((kind, id, data) => {
      const last = got[got.length - 1];
      // Pieces of one payload arrive one after the other: join them to compare.
      if (last && last[0] === kind && last[1] === id && data.length > 0 && last[2].length > 0) last[2] = Buffer.concat([last[2], data]);
      else got.push([kind, id, Buffer.from(data)]);
    });
    for (let at = 0; at < wire.length; at += size) reader.push(wire.subarray(at, at + size));
    assert.deepEqual(got, frames, `pieces of ${size} bytes`);
  }
});

/** Sockets this process holds open. */
function openSockets(): number {
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
}

test('the stdio of many running children costs the host one connection to the helper, not one per stream', { skip: !fs.existsSync('/proc/self/fd') }, async (t) => {
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT });
  t.after(() => launcher.dispose());
  const children: LaunchedProcess[] = [];
  t.after(() => {
    for (const child of children) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // It ended on its own.
      }
    }
  });
  const start = (n: number) =>
    new Promise<string>((resolve, reject) => {
      const child = launcher.launch({ command: '/bin/sh', args: ['-c', `echo child ${n}; read line; echo "got $line"`], cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' }, shell: false });
      children.push(child);
      child.onError(reject);
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(text);
      });
    });
  assert.equal(await start(0), 'child 0\n');
  const before = openSockets();
  const lines = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(start));
  assert.deepEqual(lines, [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `child ${n}\n`));
  assert.equal(openSockets(), before, 'eight more children, no more sockets in the host');
  // Input still reaches each child, and its answer comes back on its own stream.
  const answers = children.map(
    (child) =>
      new Promise<string>((resolve) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.stdout.once('end', () => resolve(text));
      }),
  );
  children.forEach((child, n) => child.stdin.write(`line ${n}\n`));
  assert.deepEqual(await Promise.all(answers), children.map((_, n) => `got line ${n}\n`));
});
