import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lsofFilesArgs, parseLsof } from '../../../../src/platform/posix/lsofOutput';

/** `lsof -nP -w -p PIDS -F pfPTn` as lsof 4.9x prints it on Linux (sockets on :: show as `*`). */
const LINUX_FILES = [
  'p7206', 'fcwd', 'n/tmp', 'frtd', 'n/', 'ftxt', 'n/usr/bin/node', 'fmem', 'n/usr/lib/x86_64-linux-gnu/libc.so.6',
  'f0', 'n/dev/null', 'f1', 'npipe', 'f3', 'n[eventpoll]',
  'f19', 'PTCP', 'n*:38309', 'TST=LISTEN', 'TQR=0', 'TQS=0',
  'f20', 'PTCP', 'n127.0.0.1:41025', 'TST=LISTEN', 'TQR=0', 'TQS=0',
  'f21', 'PTCP', 'n127.0.0.1:50000->127.0.0.1:22', 'TST=ESTABLISHED', 'TQR=0', 'TQS=0',
  'p7210', 'fcwd', 'n/tmp', 'f0', 'n/dev/null', 'f5', 'PTCP', 'n[::1]:9229', 'TST=LISTEN',
  '',
].join('\n');

/** The same query on macOS: the fields are the same, names and extra TCP details differ. */
const MACOS_FILES = [
  'p4242', 'fcwd', 'n/Users/dev/app', 'ftxt', 'n/usr/local/bin/node', 'f0', 'n/dev/ttys003',
  'f21', 'PTCP', 'n*:3000', 'TST=LISTEN', 'TQR=0', 'TQS=0', 'TSO=SO_ACCEPTCONN',
  'f22', 'PTCP', 'n127.0.0.1:3000->127.0.0.1:52311', 'TST=ESTABLISHED',
  'f23', 'PUDP', 'n*:5353',
  'f24', 'PTCP', 'n[::1]:3000', 'TST=LISTEN',
].join('\n');

/** `lsof -nP -w -a -p PIDS -iTCP -sTCP:LISTEN -F pn`: lsof selected listening sockets already. */
const LISTENING_ONLY = ['p7206', 'n*:39423', 'n127.0.0.1:35743', 'p7210', 'n[::1]:9229', ''].join('\n');

test('Linux listing: numbered descriptors and the listening TCP ports of each process', () => {
  const procs = parseLsof(LINUX_FILES);
  assert.deepEqual(procs.get(7206), { pid: 7206, fds: 6, listening: [38309, 41025] });
  assert.deepEqual(procs.get(7210), { pid: 7210, fds: 2, listening: [9229] });
});

test('macOS listing: an established connection and a UDP socket are not listeners', () => {
  const procs = parseLsof(MACOS_FILES);
  assert.deepEqual(procs.get(4242), { pid: 4242, fds: 5, listening: [3000] });
});

test('the listening-only query: every named socket is a listener', () => {
  const procs = parseLsof(LISTENING_ONLY, true);
  assert.deepEqual([...procs.values()].map((p) => [p.pid, p.listening]), [[7206, [35743, 39423]], [7210, [9229]]]);
});

test('the command name field is kept when asked for', () => {
  assert.equal(parseLsof('p31\ncpython3\nn*:8000\n', true).get(31)?.command, 'python3');
});

test('nothing found (lsof exits 1 with no output) is an empty map', () => {
  assert.equal(parseLsof('').size, 0);
  assert.deepEqual(lsofFilesArgs([1, 2]).slice(0, 4), ['-nP', '-w', '-p', '1,2']);
});
