import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HelperLink } from '../../../../src/platform/launcher/helperLink';
import { HelperProcess, type HelperGone } from '../../../../src/platform/launcher/helperProcess';
import type { HelperReport, HostRequest } from '../../../../src/platform/launcher/protocol';
import type { ProcessTable, ProcStat } from '../../../../src/platform/procfs';

const BEAT_MS = 20;

/** A helper that answers its first ping only, whose process reads as `stat` says (or has no pid to read, `readable` false). */
function silentHelper(stat: () => Pick<ProcStat, 'state' | 'cpuTicks'>, readable = true) {
  const pid = readable ? 4242 : undefined;
  let reports: ((report: HelperReport) => void) | undefined;
  let pings = 0;
  let killed = false;
  const link: HelperLink = {
    pid,
    usable: true,
    send(request: HostRequest) {
      if (request.type === 'ping' && ++pings === 1) setImmediate(() => reports?.({ type: 'pong' } as HelperReport));
    },
    onReport: (listener) => void (reports = listener),
    onEnd: () => undefined,
    disconnect: () => undefined,
    kill: () => void (killed = true),
  };
  const table: ProcessTable = {
    stat: (pid) => (pid === 4242 ? { pid, ppid: 1, pgid: pid, startTime: 1, ...stat() } : undefined),
    all: () => [],
  };
  let gone: HelperGone | undefined;
  const helper = new HelperProcess(link, BEAT_MS, table, (g) => void (gone = g));
  return { helper, gone: () => gone, killed: () => killed };
}

test('a helper that stops answering while it waits for a CPU is late, not stuck; stopped, it is ended', async () => {
  let state = 'R';
  const h = silentHelper(() => ({ state, cpuTicks: 100 }));
  await sleep(BEAT_MS * 15);
  assert.equal(h.gone(), undefined, 'runnable: kept');
  state = 'T';
  await sleep(BEAT_MS * 10);
  assert.equal(h.gone()?.unresponsive, true, 'stopped: ended as stuck');
  assert.ok(h.killed());
});

test('a sleeping helper that keeps using CPU is kept; once its CPU time stands still it is ended', async () => {
  let cpu = 100;
  let working = true;
  const h = silentHelper(() => ({ state: 'S', cpuTicks: working ? ++cpu : cpu }));
  await sleep(BEAT_MS * 15);
  assert.equal(h.gone(), undefined, 'working between sleeps: kept');
  working = false;
  await sleep(BEAT_MS * 15);
  assert.equal(h.gone()?.unresponsive, true);
  assert.match(h.gone()!.reason, /did not answer/);
});

test('a helper whose process cannot be read is ended as before', async () => {
  const h = silentHelper(() => ({ state: 'R', cpuTicks: 1 }), false);
  await sleep(BEAT_MS * 10);
  assert.equal(h.gone()?.unresponsive, true);
});
