import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryMatcher } from '../../../../src/platform/procfs';
import { chooseProcessBackend } from '../../../../src/platform/processes';
import { environBlock, parseCpuTime, parsePidLines, parsePsTable, psEnvironmentFlag, toProcStat } from '../../../../src/platform/posix/psOutput';

/** `ps -A -ww -o pid= ... -o command=` as procps-ng prints it (Linux): cpu time [DD-]HH:MM:SS. */
const PROCPS = [
  '      1       0       1 Ss    11800 00:00:03 Tue Dec  1 08:00:00 2026 /sbin/init splash',
  '      2       0       0 S         0 00:00:00 Tue Dec  1 08:00:00 2026 [kthreadd]',
  '   2345    2300    2345 Sl+   98765 1-02:03:04 Thu Dec  3 21:05:44 2026 node server.js --title (x) y',
  '   2399    2345    2345 Z         0 00:00:00 Thu Dec  3 21:06:01 2026 [sh] <defunct>',
  '',
].join('\n');

/** The same columns as macOS (BSD) ps prints them: cpu time MM:SS.ss, minutes past 59. */
const BSD = [
  '    1     0     1 Ss    13456 125:12.34 Mon Nov 30 09:12:01 2026 /sbin/launchd',
  ' 4242  4100  4242 S+    52340   0:00.52 Thu Dec  3 21:05:44 2026 /usr/local/bin/node /Users/dev/app/server.js',
  ' 4300  4242  4242 Z         0   0:00.00 Thu Dec  3 21:06:01 2026 (node)',
  ' 4301  4242  4242 U         8   0:01.05 Thu Dec  3 21:06:02 2026 ',
].join('\n');

const local = (y: number, mo: number, d: number, h: number, mi: number, s: number) => new Date(y, mo, d, h, mi, s).getTime() / 1000;

test('parses the process table as procps prints it', () => {
  const rows = parsePsTable(PROCPS);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[2], {
    pid: 2345, ppid: 2300, pgid: 2345, state: 'S', rssKb: 98765, cpuSeconds: 86400 + 2 * 3600 + 3 * 60 + 4,
    startedAtS: local(2026, 11, 3, 21, 5, 44), command: 'node server.js --title (x) y',
  });
  assert.equal(rows[0].command, '/sbin/init splash');
  assert.equal(rows[3].state, 'Z', 'a zombie');
  assert.equal(rows[1].pgid, 0);
});

test('parses the process table as macOS (BSD) ps prints it', () => {
  const rows = parsePsTable(BSD);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[1], {
    pid: 4242, ppid: 4100, pgid: 4242, state: 'S', rssKb: 52340, cpuSeconds: 0.52,
    startedAtS: local(2026, 11, 3, 21, 5, 44), command: '/usr/local/bin/node /Users/dev/app/server.js',
  });
  assert.equal(rows[0].cpuSeconds, 125 * 60 + 12.34);
  assert.equal(rows[2].state, 'Z');
  assert.equal(rows[3].command, '', 'a process with no command line');
});

test('lines that do not fit the columns are skipped, not guessed', () => {
  assert.deepEqual(parsePsTable('  PID  PPID\nnot a line\n 12 1 12 S 10 00:00:01 Thu Xyz  3 21:06:01 2026 x\n'), []);
});

test('cpu time in each shape ps uses', () => {
  assert.equal(parseCpuTime('00:00:29'), 29);
  assert.equal(parseCpuTime('3-00:00:01'), 3 * 86400 + 1);
  assert.equal(parseCpuTime('0:00.03'), 0.03);
  assert.equal(parseCpuTime('1:02:03.50'), 3723.5);
  assert.ok(Number.isNaN(parseCpuTime('12')));
  assert.ok(Number.isNaN(parseCpuTime('a:b')));
});

test('start and cpu times become ticks at 100 per second, like USER_HZ', () => {
  const stat = toProcStat(parsePsTable(BSD)[1]);
  assert.equal(stat.cpuTicks, 52);
  assert.equal(stat.startTime, local(2026, 11, 3, 21, 5, 44) * 100);
});

test('the environment ps appends is matched entry by entry, like /proc/PID/environ', () => {
  const [line] = parsePidLines(' 4242 node server.js HOME=/Users/dev DEVPROC_RUN=r-12 PATH=/usr/bin\n');
  assert.equal(line.pid, 4242);
  const block = environBlock(line.text);
  assert.equal(entryMatcher('DEVPROC_RUN=r-12')(block), true);
  assert.equal(entryMatcher('DEVPROC_RUN=r-1')(block), false, 'a prefix of the value is another run');
  assert.equal(entryMatcher('PATH=/usr/bin')(block), true, 'the last entry');
});

test('each platform gets the ps flag that shows the environment, or none', () => {
  assert.equal(psEnvironmentFlag('linux'), 'e');
  assert.equal(psEnvironmentFlag('darwin'), '-E');
  assert.equal(psEnvironmentFlag('freebsd'), '-e');
  assert.equal(psEnvironmentFlag('win32'), undefined);
});

test('Linux reads /proc unless DEVPROC_PROCESS_BACKEND=posix; other platforms use ps', () => {
  assert.equal(chooseProcessBackend('linux', {}), 'procfs');
  assert.equal(chooseProcessBackend('linux', { DEVPROC_PROCESS_BACKEND: 'posix' }), 'posix');
  assert.equal(chooseProcessBackend('linux', { DEVPROC_PROCESS_BACKEND: 'other' }), 'procfs');
  assert.equal(chooseProcessBackend('darwin', {}), 'posix');
  assert.equal(chooseProcessBackend('freebsd', {}), 'posix');
});
