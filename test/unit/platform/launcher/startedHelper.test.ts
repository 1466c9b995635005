import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { HelperLauncher, type SessionInfo } from '../../../../src/platform/launcher';
import { recordedHelperAlive, startHelper } from '../../../../src/platform/launcher/helperStart';
import { processTable } from '../../../../src/platform/processes';
import { isGone } from '../../../../src/platform/procfs';
import { makeEngine, nodeSpec, reap, repoRoot, waitFor, waitForLine } from '../../helpers';

const HELPER_SCRIPT = path.join(repoRoot, 'dist', 'launcherHost.js');
type TestContext = { after(fn: () => unknown): void };

/** A helper started ahead of any launcher, as the extension's entry does; reaped after the test whatever happens. */
function startedAhead(t: TestContext): ChildProcess {
  const child = startHelper(HELPER_SCRIPT);
  t.after(() => reap([child.pid!]));
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

test('a launcher given a helper started ahead takes that process over: its launches run in it, and no second helper starts', async (t) => {
  const started = startedAhead(t);
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT, started });
  const engine = makeEngine(t, [nodeSpec('svc', 'ready-later.js', ['0'])], { launcher });
  t.after(() => launcher.dispose());
  const id = await engine.spawn('svc');
  await waitForLine(engine, id, /^ready$/);
  assert.equal(launcher.helperPid, started.pid, 'the launch went through the helper started ahead');
  const child = processTable.stat(engine.get(id)!.pid!);
  assert.equal(child?.ppid, started.pid, 'the service is that helper\'s child');
  launcher.prepare();
  assert.equal(launcher.helperPid, started.pid);
});

test('a helper started ahead that no launcher takes ends by itself once its host lets go, leaving nothing running', async (t) => {
  const started = startedAhead(t);
  // As a host that goes away before its launcher was made (a failed activation, a closed window).
  await waitFor(() => started.connected, 'the helper to start');
  started.disconnect();
  await exited(started);
  assert.equal(started.exitCode, 0, 'it exited by itself');
  assert.ok(isGone(processTable, started.pid!));
});

test('a launcher disposed before it needed its helper started ahead ends it', async (t) => {
  const started = startedAhead(t);
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT, started });
  launcher.dispose();
  await exited(started);
  assert.ok(isGone(processTable, started.pid!));
});

test('a helper started ahead that is gone before it is needed is replaced by a new one', async (t) => {
  const started = startedAhead(t);
  started.kill('SIGKILL');
  await exited(started);
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT, started });
  const engine = makeEngine(t, [nodeSpec('svc', 'ready-later.js', ['0'])], { launcher });
  t.after(() => launcher.dispose());
  const id = await engine.spawn('svc');
  await waitForLine(engine, id, /^ready$/);
  assert.notEqual(launcher.helperPid, undefined);
  assert.notEqual(launcher.helperPid, started.pid);
});

test('a window that reconnects to the previous window\'s helper ends the helper it started ahead', async (t) => {
  const sessions: SessionInfo[] = [];
  const first = new HelperLauncher({ helperScript: HELPER_SCRIPT, reconnectGraceMs: 10_000, stopGraceMs: 200, onSession: (info) => sessions.push(info) });
  t.after(() => first.dispose());
  // A helper with nothing running ends with its window: the first window leaves a service to it.
  const engine = makeEngine(t, [nodeSpec('svc', 'ready-later.js', ['0'])], { launcher: first });
  const id = await engine.spawn('svc');
  await waitForLine(engine, id, /^ready$/);
  await waitFor(() => sessions.length === 1, 'the first helper to say where it can be found');
  const firstHelper = first.helperPid!;
  t.after(() => reap([firstHelper, engine.get(id)!.pid!]));
  first.release();

  const started = startedAhead(t);
  const second = new HelperLauncher({ helperScript: HELPER_SCRIPT, started });
  t.after(() => second.dispose());
  const result = await second.reconnect(sessions[0], 3000);
  assert.equal(result.status, 'welcome');
  assert.equal(second.helperPid, firstHelper, 'the previous window\'s helper');
  await exited(started);
  assert.ok(isGone(processTable, started.pid!), 'the helper started ahead is gone');
});

test('the helper is started without the host\'s NODE_OPTIONS and NODE_EXTRA_CA_CERTS; a child it launches still gets the host\'s NODE_EXTRA_CA_CERTS', async (t) => {
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS };
  const restore = (name: keyof typeof saved) => {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  };
  t.after(() => (Object.keys(saved) as (keyof typeof saved)[]).forEach(restore));
  // Files that do not exist: a helper that read them would fail or warn; a child only prints the name.
  const caFile = path.join(os.tmpdir(), 'dpm-no-such-ca.pem');
  process.env.NODE_EXTRA_CA_CERTS = caFile;
  process.env.NODE_OPTIONS = `--require ${path.join(os.tmpdir(), 'dpm-no-such-module.js')}`;
  const started = startedAhead(t);
  // The child is a Node process too: the --require would stop it. The certificates stay in the
  // host's environment, which each launch carries.
  restore('NODE_OPTIONS');
  const helperEnv = fs.readFileSync(`/proc/${started.pid}/environ`, 'utf8').split('\0');
  assert.ok(!helperEnv.some((entry) => entry.startsWith('NODE_EXTRA_CA_CERTS=') || entry.startsWith('NODE_OPTIONS=')), 'the helper\'s own environment');
  const launcher = new HelperLauncher({ helperScript: HELPER_SCRIPT, started });
  const engine = makeEngine(t, [nodeSpec('env', 'env.js', ['NODE_EXTRA_CA_CERTS'])], { launcher });
  t.after(() => launcher.dispose());
  const id = await engine.spawn('env');
  const line = await waitForLine(engine, id, /^env /);
  assert.deepEqual(JSON.parse(line.slice('env '.length)), { NODE_EXTRA_CA_CERTS: caFile }, 'the child\'s environment keeps the host\'s');
  assert.equal(launcher.helperPid, started.pid);
});

test('recordedHelperAlive: a live recorded helper, a dead one, no record, a broken record', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-started-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'session.json');
  assert.equal(recordedHelperAlive(file), false, 'no record');
  fs.writeFileSync(file, JSON.stringify({ socketPath: '/x', token: '0'.repeat(32), pid: process.pid, startTime: 1 }));
  assert.equal(recordedHelperAlive(file), true, 'this process stands in for a live helper');
  fs.writeFileSync(file, JSON.stringify({ socketPath: '/x', token: '0'.repeat(32), pid: 2 ** 22 + 1 }));
  assert.equal(recordedHelperAlive(file), false, 'a pid above any Linux pid_max');
  fs.writeFileSync(file, '{not json');
  assert.equal(recordedHelperAlive(file), false);
  fs.writeFileSync(file, JSON.stringify({ socketPath: '/x', token: '0'.repeat(32) }));
  assert.equal(recordedHelperAlive(file), false, 'a record without a pid');
});
