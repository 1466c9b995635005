// Fault: definitions that cannot start (no such command, no such working directory, no permission,
// an env file that does not parse or does not exist), as services and as jobs with retries. Each
// gives one clear error naming the definition, is not restarted or retried, and a healthy
// definition in the same engine keeps working.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseDefinitions } from '../../src/config/definitions';
import { ProcessMonitor } from '../../src/engine/monitor/monitor';
import type { Alert } from '../../src/engine/monitor/types';
import { fixture, waitFor, waitForLine } from '../unit/helpers';
import { allDone, assertAnswers, assertNothingLeft, faultEngine, growthMB, memory, summary, watchPids } from './faultHelpers';

/** What each broken definition must say, and with which code. */
const BROKEN: { name: string; code: string; says: RegExp }[] = [
  { name: 'missing-command', code: 'spawn-failed', says: /^"missing-command(-job)?" could not start: command "dpm-no-such-command" was not found \(ENOENT\)\.$/ },
  { name: 'missing-cwd', code: 'spawn-failed', says: /^"missing-cwd(-job)?" could not start: the working directory \/no\/such\/dir does not exist\.$/ },
  { name: 'no-permission', code: 'permission', says: /^"no-permission(-job)?" could not start: permission denied to run ".*not-executable\.sh" \(EACCES\)\.$/ },
  { name: 'bad-env-file', code: 'spawn-failed', says: /^"bad-env-file(-job)?" could not start: "envFile" .*\/bad\.env has lines that are not NAME=value: line 1: expected NAME=value\. line 3: "1BAD" is not a valid variable name\. line 4: the double quote is not closed\.$/ },
  { name: 'missing-env-file', code: 'spawn-failed', says: /^"missing-env-file(-job)?" could not start: "envFile" .*\/missing\.env cannot be read \(ENOENT\)\.$/ },
];

test('definitions that cannot start: one clear error each, no retries, and a healthy one keeps working', { timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-fault-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'not-executable.sh'), '#!/bin/sh\necho hi\n', { mode: 0o644 });
  fs.writeFileSync(path.join(dir, 'bad.env'), 'this line has no equals sign\nGOOD=1\n1BAD=2\nQUOTED="never closed\n');

  // Through the settings reader, as settings.json would give them; relative paths resolve in `dir`.
  const node = process.execPath;
  const exit0 = [fixture('exit.js'), '0'];
  const entries: Record<string, unknown>[] = [
    { name: 'missing-command', command: 'dpm-no-such-command' },
    { name: 'missing-cwd', command: node, args: exit0, cwd: '/no/such/dir' },
    { name: 'no-permission', command: path.join(dir, 'not-executable.sh') },
    { name: 'bad-env-file', command: node, args: exit0, envFile: 'bad.env' },
    { name: 'missing-env-file', command: node, args: exit0, envFile: 'missing.env' },
  ];
  const raw = [
    { name: 'healthy', command: node, args: [fixture('echo.js')] },
    // Services restart on failure by default (5 times): none of these may.
    ...entries,
    // Jobs that retry 3 times: none of these may.
    ...entries.map((e) => ({ ...e, name: `${e.name}-job`, kind: 'job', retry: { maxRetries: 3, initialDelayMs: 10 } })),
  ];
  const set = parseDefinitions(raw, { workspaceFolder: dir, env: {}, homeDir: os.homedir() });
  assert.deepEqual(set.errors, [], 'the settings themselves are valid: the problems show only at start');
  const engine = faultEngine(t, set.specs);
  const pids = watchPids(engine);
  const monitor = new ProcessMonitor(engine, { intervalMs: 200 });
  t.after(() => monitor.dispose());
  const alerts: Alert[] = [];
  monitor.onDidAlert((a) => alerts.push(a));
  const before = memory();

  const healthyId = await engine.spawn('healthy');
  await waitForLine(engine, healthyId, /^ready$/);
  const healthyPid = engine.get(healthyId)!.pid;

  const names = raw.slice(1).map((e) => e.name as string);
  const ids = await Promise.all(names.map((name) => engine.spawn(name)));
  await allDone(engine, ids, 30_000, 'every broken definition to fail');
  // Long enough for any wrongly scheduled retry or restart (10-20 ms backoff) to have shown.
  await new Promise((r) => setTimeout(r, 300));

  for (const [i, id] of ids.entries()) {
    const snap = engine.get(id)!;
    const expected = BROKEN.find((b) => names[i] === b.name || names[i] === `${b.name}-job`)!;
    assert.equal(snap.state, 'failed', snap.name);
    assert.equal(snap.error?.code, expected.code, snap.name);
    assert.match(snap.error!.message, expected.says);
    assert.equal(snap.attempts, 1, `${snap.name} was not tried again`);
    assert.equal(snap.restarts, 0, `${snap.name} was not restarted`);
    assert.equal(snap.pid, null, `${snap.name} never had a process`);
    // The output says it once: the error line, and no "Started" line or retry notice.
    const system = engine.output(id).filter((l) => l.stream === 'system').map((l) => l.text);
    assert.equal(system.length, 1, `${snap.name}: ${JSON.stringify(system)}`);
    assert.ok(system[0].startsWith(snap.error!.message.replace(/\.$/, '')), system[0]);
    // One run per definition: no new run was made to try again.
    assert.equal(engine.list().filter((r) => r.name === snap.name).length, 1);
  }
  const metrics = engine.metrics();
  assert.equal(metrics.failed, names.length);
  assert.equal(metrics.retried, 0);

  // One `down` alert per broken service, none for the jobs.
  await waitFor(() => alerts.filter((a) => a.type === 'down').length >= entries.length, 'the down alerts', 5_000);
  const down = alerts.filter((a) => a.type === 'down');
  assert.deepEqual(down.map((a) => a.name).sort(), entries.map((e) => e.name as string).sort());

  // The healthy service never noticed: same process, still answering.
  const healthy = engine.get(healthyId)!;
  assert.equal(healthy.state, 'running');
  assert.equal(healthy.pid, healthyPid);
  engine.sendInput(healthyId, 'still here');
  await waitForLine(engine, healthyId, /^echo: still here$/);
  const answerMs = await assertAnswers(engine);

  monitor.dispose();
  await engine.killAll();
  assertNothingLeft(pids, 'bad starts');
  const grown = growthMB(before);
  summary('cannot-start', {
    broken: names.length,
    failedOnce: ids.filter((id) => engine.get(id)?.attempts === 1 && engine.get(id)?.state === 'failed').length,
    retried: metrics.retried,
    downAlerts: down.length,
    healthyStillRunning: true,
    quickJobMs: answerMs,
    rssGrowthMB: grown.rss,
  });
});
