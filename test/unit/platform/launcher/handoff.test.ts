// A flooding stream's pipe is passed from the launcher helper to the host, which reads it itself
// (pipeHandoff.ts). What a user would see must not change: every line, in order; a reader that
// stops makes the writer wait; a reload's replay has the last lines the host read.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { HelperLauncher, type LaunchedProcess, type SessionInfo } from '../../../../src/platform/launcher';
import type { LinkOutput } from '../../../../src/platform/launcher/launchStreams';
import { isGone } from '../../../../src/platform/procfs';
import { processTable } from '../../../../src/platform/processes';
import { RUN_MARKER } from '../../../../src/platform/records';
import { fixture, reap, repoRoot, waitFor } from '../../helpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');
const BLOCK_LINES = 655;

/**
 * A writer of BLOCKS blocks of numbered 100-byte lines (as flood-numbered.js), with blocking
 * writes, that says on stderr how many lines it wrote after each block; then `the end`, and with
 * `stay` it lives on.
 */
function writer(blocks: number, stay = false): string {
  return `const fs = require('fs'); const filler = 'x'.repeat(81); let seq = 0;
function all(fd, buf) { let at = 0; while (at < buf.length) { try { at += fs.writeSync(fd, buf, at); } catch (e) { if (e.code !== 'EAGAIN') throw e; } } }
for (let b = 0; b < ${blocks}; b++) { let t = ''; for (let i = 0; i < ${BLOCK_LINES}; i++) t += 'line ' + String(seq++).padStart(12, '0') + ' ' + filler + '\\n'; all(1, Buffer.from(t)); all(2, Buffer.from(seq + '\\n')); }
all(1, Buffer.from('the end\\n'));
${stay ? 'setInterval(() => undefined, 1000);' : ''}`;
}

/** Checks numbered lines as they come: every one, in order, from `from` on. */
function lineChecker(from = 0) {
  let rest = '';
  let next = from;
  let text = '';
  return {
    push(chunk: Buffer) {
      const lines = (rest + chunk.toString('latin1')).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (line === 'the end') {
          text = line;
          continue;
        }
        const seq = Number(line.slice(5, 17));
        if (seq !== next) throw new Error(`line ${next} expected, got ${JSON.stringify(line.slice(0, 20))}`);
        next++;
      }
    },
    get lines() {
      return next;
    },
    get ended() {
      return text === 'the end' && rest === '';
    },
  };
}

function launchWriter(launcher: HelperLauncher, script: string, env: Record<string, string> = {}): LaunchedProcess {
  return launcher.launch({ command: process.execPath, args: ['-e', script], cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, shell: false });
}

const handoffs = (child: LaunchedProcess) => (child.stdout as LinkOutput).handoffs;

test('a flood is handed to the host: every line arrives once, in order, across the handoff, then the end and the exit', { timeout: 60_000 }, async (t) => {
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT });
  t.after(() => launcher.dispose());
  const child = launcher.launch({ command: process.execPath, args: [fixture('flood-numbered.js'), '64'], cwd: repoRoot, env: { PATH: process.env.PATH ?? '' }, shell: false });
  const check = lineChecker();
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => check.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<void>((resolve) => child.stdout.once('end', resolve));
  const exited = new Promise<number | null>((resolve) => child.onExit((code) => resolve(code)));
  assert.equal(await exited, 0);
  await ended;
  assert.equal(check.lines, Number(/wrote (\d+) lines/.exec(stderr)?.[1]));
  assert.ok(handoffs(child) >= 1, 'the host read the pipe itself');
});

test('a host that stops reading a handed-off pipe makes the writer wait; nothing is lost when it reads again', { timeout: 60_000 }, async (t) => {
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT });
  t.after(() => launcher.dispose());
  const blocks = 600;
  const child = launchWriter(launcher, writer(blocks));
  t.after(() => child.pid && reap([child.pid]));
  const check = lineChecker();
  let written = 0;
  child.stderr.setEncoding('utf8').on('data', (text: string) => (written = Number(text.trim().split('\n').pop())));
  let stopped = false;
  child.stdout.on('data', (chunk: Buffer) => {
    check.push(chunk);
    if (stopped || handoffs(child) === 0 || check.lines < 100_000) return;
    stopped = true;
    child.stdout.pause();
  });
  await waitFor(() => stopped, 'the reader to stop after the handoff', 30_000);
  // Whatever was in flight settles: then the writer must be waiting, not writing on.
  let settled = -1;
  await waitFor(() => {
    const still = written === settled;
    settled = written;
    return still && written > 0;
  }, 'the writer to block', 20_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(written, settled, 'the writer waits while the host does not read');
  assert.ok(written < blocks * BLOCK_LINES, 'it has not finished');
  assert.ok(child.stdout.readableLength < 1024 * 1024, 'the host holds no more than its stream buffer');
  assert.equal(isGone(processTable, child.pid!), false, 'the writer is alive, blocked in its write');

  const exited = new Promise<number | null>((resolve) => child.onExit((code) => resolve(code)));
  const ended = new Promise<void>((resolve) => child.stdout.once('end', resolve));
  child.stdout.resume();
  assert.equal(await exited, 0);
  await ended;
  assert.equal(check.lines, blocks * BLOCK_LINES, 'every line, in order');
  assert.ok(check.ended);
});

test('a reload after a handoff: the pipe goes back to the helper with its last bytes, so the next window replays the latest lines', { timeout: 60_000 }, async (t) => {
  const sessions: SessionInfo[] = [];
  const first = new HelperLauncher({ helperScript: HELPER_SCRIPT, reconnectGraceMs: 10_000, stopGraceMs: 200, onSession: (info) => sessions.push(info) });
  t.after(() => first.dispose());
  const blocks = 300;
  const child = launchWriter(first, writer(blocks, true), { [RUN_MARKER]: 'handoff-reload' });
  const check = lineChecker();
  child.stdout.on('data', (chunk: Buffer) => check.push(chunk));
  await waitFor(() => check.ended, 'the whole flood through the first window', 30_000);
  assert.ok(handoffs(child) >= 1, 'the first window read the pipe itself');
  const pid = child.pid!;
  const helper = first.helperPid!;
  t.after(() => reap([-pid, pid, helper]));
  first.release();
  await new Promise((resolve) => setTimeout(resolve, 500));

  const next = new HelperLauncher({ helperScript: HELPER_SCRIPT, reconnectGraceMs: 0, stopGraceMs: 200 });
  t.after(() => next.dispose());
  const result = await next.reconnect(sessions[0], 3000);
  assert.equal(result.status, 'welcome', result.status === 'welcome' ? '' : result.reason);
  const back = launchWriter(next, '', { [RUN_MARKER]: 'handoff-reload' });
  assert.equal(back.pid ?? pid, pid);
  let replay = '';
  back.stdout.setEncoding('latin1').on('data', (text: string) => (replay += text));
  await waitFor(() => replay.endsWith('the end\n'), 'the replay to end with the last line the first window read');
  // From its first whole line on, the latest lines, in order, up to the last one written.
  const lines = replay.slice(replay.indexOf('\n') + 1).split('\n').slice(0, -2);
  const last = blocks * BLOCK_LINES - 1;
  assert.deepEqual(
    lines.map((l) => Number(l.slice(5, 17))),
    lines.map((_, i) => last - lines.length + 1 + i),
  );
  assert.ok(lines.length > 1000, 'the replay holds many of the latest lines');
});
