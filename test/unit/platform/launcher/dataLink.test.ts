import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FRAME_EXIT, FRAME_STDERR, FRAME_STDOUT, FRAME_STDOUT_END, FrameReader, MAX_REPORT_BYTES, frameHeader, readReport, reportFrame } from '../../../../src/platform/launcher/dataFrames';
import type { HelperReport } from '../../../../src/platform/launcher/protocol';
import * as net from 'node:net';
import * as os from 'node:os';
import { DataLink } from '../../../../src/platform/launcher/dataLink';
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

test('a run report read from the link is the report sent, whole, however the reads cut it', () => {
  const reports: HelperReport[] = [
    { type: 'spawned', id: 3, pid: 4242 },
    { type: 'spawned', id: 4, pid: 99, tty: true },
    { type: 'spawned', id: 5, pid: 7, ttyUnavailable: 'node-pty could not be loaded: \u00e9'.repeat(3) },
    { type: 'exit', id: 3, exitCode: 0, signal: null },
    { type: 'exit', id: 4, exitCode: 255, signal: null },
    { type: 'exit', id: 5, exitCode: null, signal: 'SIGKILL' },
    { type: 'failed', id: 6, error: { message: 'spawn nope ENOENT', code: 'ENOENT', errno: -2, syscall: 'spawn nope', path: 'nope' } },
  ];
  const wire = Buffer.concat(
    reports.flatMap((report) => {
      const [kind, payload] = reportFrame(report as Parameters<typeof reportFrame>[0])!;
      return [frameHeader(kind, (report as { id: number }).id, payload.length), payload, frameHeader(FRAME_STDOUT, 1, 2), Buffer.from('ok')];
    }),
  );
  for (const size of [1, 3, 7, wire.length]) {
    const got: HelperReport[] = [];
    const reader = new FrameReader((kind, id, data) => {
      const report = readReport(kind, id, data);
      if (report) got.push(report);
    });
    for (let at = 0; at < wire.length; at += size) reader.push(wire.subarray(at, at + size));
    assert.deepEqual(got, reports, `pieces of ${size} bytes`);
  }
});

test('a report too long for a frame is not sent as one, and one on the wire is passed over', () => {
  assert.equal(reportFrame({ type: 'failed', id: 1, error: { message: 'x'.repeat(MAX_REPORT_BYTES) } }), undefined);
  const got: number[] = [];
  const reader = new FrameReader((kind) => got.push(kind));
  reader.push(Buffer.concat([frameHeader(FRAME_EXIT, 1, MAX_REPORT_BYTES + 1), Buffer.alloc(MAX_REPORT_BYTES + 1), frameHeader(FRAME_STDOUT_END, 1, 0)]));
  assert.deepEqual(got, [FRAME_STDOUT_END]);
});

test('frames of a run being gathered wait for its release, in order, while other runs go on', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-gather-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const got: [number, number, string][] = [];
  let arrived: () => void = () => undefined;
  const server = net.createServer((socket) => {
    let header = true;
    const reader = new FrameReader((kind, id, data) => {
      got.push([kind, id, data.toString()]);
      arrived();
    });
    socket.on('data', (chunk: Buffer) => {
      if (header) {
        header = false;
        chunk = chunk.subarray(chunk.indexOf(0x0a) + 1);
      }
      reader.push(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(path.join(dir, 's'), resolve));
  t.after(() => server.close());
  const link = await DataLink.connect(path.join(dir, 's'), 'token');
  t.after(() => link.destroy());
  const until = (count: number) => new Promise<void>((resolve) => (arrived = () => got.length >= count && resolve()));

  link.gather(7, 60_000);
  link.send(FRAME_STDOUT, 7, Buffer.from('a'));
  link.send(FRAME_STDOUT, 8, Buffer.from('b'));
  link.send(FRAME_STDOUT_END, 7);
  await until(1);
  assert.deepEqual(got, [[FRAME_STDOUT, 8, 'b']]);
  link.send(FRAME_EXIT, 7, Buffer.from('c'));
  link.release(7);
  await until(4);
  assert.deepEqual(got.slice(1), [
    [FRAME_STDOUT, 7, 'a'],
    [FRAME_STDOUT_END, 7, ''],
    [FRAME_EXIT, 7, 'c'],
  ]);
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
