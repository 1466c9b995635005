import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessSnapshot } from '../../../src/engine/run/snapshot';
import { runSnapshot } from './fakes';
import { describeRun } from '../../../src/ui/format';
import { definitionSummary, definitionTooltip, escapeMarkdown, isReplicated, relativePaths, runRowDescription, runRowLabel, shortCommandLabel } from '../../../src/ui/treeFormat';

const NOW = 1_000_000;

const run = (extra: Partial<ProcessSnapshot> = {}) => runSnapshot(NOW, extra);

test('a run row says its state once: in the label without a pid, in the description with one', () => {
  const failed = run({ state: 'failed', pid: null, startedAt: NOW - 10, endedAt: NOW, error: { code: 'spawn-failed', message: 'x' } });
  assert.equal(runRowLabel(failed, false), 'failed');
  assert.equal(runRowDescription(failed, NOW), 'spawn-failed · 0 s');
  const queued = run({ kind: 'job', state: 'queued', pid: null, startedAt: null, queuePosition: 1, waitingFor: { kind: 'slot', position: 1, running: 2 } });
  assert.equal(runRowLabel(queued, false), 'queued');
  assert.equal(runRowDescription(queued, NOW), '#1 in queue, 2 jobs running');
  assert.equal(runRowLabel(run(), false), 'pid 4242');
  assert.equal(runRowDescription(run(), NOW), 'running · up 4 s');
});

test('a queued run says what it waits for', () => {
  const queued = (waitingFor: ProcessSnapshot['waitingFor']) => describeRun(run({ kind: 'job', state: 'queued', pid: null, queuePosition: 2, waitingFor }), NOW);
  assert.equal(queued({ kind: 'slot', position: 2, running: 4 }), 'queued · #2 in queue, 4 jobs running');
  assert.equal(queued({ kind: 'slot', position: 1, running: 1 }), 'queued · #1 in queue, 1 job running');
  assert.equal(
    queued({ kind: 'dependency', dependencies: [{ name: 'web', condition: 'healthy' }, { name: 'build', condition: 'completed' }] }),
    'queued · waiting for web to be ready, build to complete',
  );
  assert.equal(queued({ kind: 'delay', until: NOW + 3000 }), 'queued · starts in 3 s');
  assert.equal(queued(null), 'queued · #2 in queue');
});

test('the backoff countdown counts from now and says restart for a service, retry for a job', () => {
  const service = run({ state: 'backoff', pid: null, nextAttemptAt: NOW + 4000 });
  assert.equal(describeRun(service, NOW), 'backoff · restart in 4 s');
  assert.equal(describeRun(service, NOW + 3000), 'backoff · restart in 1 s');
  assert.equal(describeRun(service, NOW + 4000), 'backoff · restart now');
  assert.equal(describeRun({ ...service, kind: 'job' }, NOW + 1000), 'backoff · retry in 3 s');
});

test('replicas carry "#N" on every instance, #0 included; a single service does not', () => {
  const replicas = { instances: { min: 1, max: 3, initial: 1 } };
  const single = { instances: { min: 1, max: 1, initial: 1 } };
  assert.equal(isReplicated(run(), replicas), true);
  assert.equal(isReplicated(run(), single), false);
  assert.equal(isReplicated(run({ instance: 1 }), undefined), true);
  assert.equal(isReplicated(run({ kind: 'job' }), replicas), false);
  assert.equal(runRowLabel(run(), true), '#0 pid 4242');
  assert.equal(runRowLabel(run({ instance: 2, pid: 7 }), true), '#2 pid 7');
});

test('an uptime is shown to the second in its first minute, then to the minute: a long-running row changes once a minute', () => {
  assert.equal(runRowDescription(run({ startedAt: NOW - 59_000 }), NOW), 'running · up 59 s');
  assert.equal(runRowDescription(run({ startedAt: NOW - 61_000 }), NOW), 'running · up 1 min');
  assert.equal(runRowDescription(run({ startedAt: NOW - 12 * 60_000 - 59_000 }), NOW), 'running · up 12 min');
  assert.equal(runRowDescription(run({ startedAt: NOW - 65 * 60_000 - 30_000 }), NOW), 'running · up 1 h 5 min');
});

test('a definition row sums up its instances: state, count, the oldest uptime', () => {
  const three = [run({ id: 'c', instance: 2, startedAt: NOW - 1000 }), run({ id: 'b', instance: 1, startedAt: NOW - 2000 }), run({ id: 'a', startedAt: NOW - 65_000 })];
  assert.equal(definitionSummary(three, NOW), 'running · 3 instances · up 1 min');
  assert.equal(definitionSummary([run()], NOW), 'running · up 4 s · pid 4242');
  const oneDown = [run({ id: 'b', instance: 1, state: 'backoff', pid: null, nextAttemptAt: NOW + 1000 }), run()];
  assert.equal(definitionSummary(oneDown, NOW), 'running · 1 of 2 instances up · up 4 s · pid 4242 · 1 waiting to restart');
  const probed = [run({ ready: true, health: { readiness: 'passing', liveness: 'none', message: null } as unknown as ProcessSnapshot['health'] })];
  assert.match(definitionSummary(probed, NOW), /^running · ready · up 4 s/);
  assert.match(definitionSummary([run({ adopted: true })], NOW), /^running · adopted/);
});

test('an idle definition says its last result and when, or "not started"', () => {
  assert.equal(definitionSummary([], NOW), 'not started');
  const ended = run({ kind: 'job', state: 'failed', exitCode: 1, startedAt: NOW - 2000, endedAt: NOW - 1000 });
  assert.match(definitionSummary([ended], NOW), /^failed · exit 1 · 1 s · at \S+/);
  const queued = run({ kind: 'job', state: 'queued', pid: null, queuePosition: 1, waitingFor: { kind: 'slot', position: 1, running: 2 } });
  assert.equal(definitionSummary([queued, ended], NOW), 'queued · #1 in queue, 2 jobs running');
});

test('a typed command line gets a short label: escapes stripped, blanks collapsed, cut with an ellipsis', () => {
  assert.equal(shortCommandLabel('printf "\\033[31mred\\033[0m"'), 'printf "red"');
  assert.equal(shortCommandLabel('echo -e "\\e[1mbold\\x1b[0m \\u001b[Kx"'), 'echo -e "bold x"');
  assert.equal(shortCommandLabel('echo \u001b[32mgreen\u001b[0m\tthen'), 'echo green then');
  const long = shortCommandLabel('npm run build -- --mode production --sourcemap --minify --watch=false');
  assert.equal(long.length, 40);
  assert.ok(long.endsWith('…'));
});

test('paths inside the workspace folder read relative to it; others stay absolute', () => {
  const one = ['/home/me/app'];
  assert.equal(relativePaths('node /home/me/app/scripts/ticker.js', one), 'node scripts/ticker.js');
  assert.equal(relativePaths('Started: node /home/me/app/x.js (pid 3) in /home/me/app', one), 'Started: node x.js (pid 3) in .');
  assert.equal(relativePaths('node /home/me/application/x.js /usr/bin/env', one), 'node /home/me/application/x.js /usr/bin/env');
  const two = ['/w/api', '/w/web'];
  assert.equal(relativePaths('node /w/web/main.js in /w/api', two), 'node web/main.js in api');
});

test('the definition tooltip is escaped Markdown: no link, image or HTML from a name or an error', () => {
  assert.equal(escapeMarkdown('[a](b) ![i](x) <b>`c`</b>'), '\\[a\\]\\(b\\) \\!\\[i\\]\\(x\\) \\<b\\>\\`c\\`\\<\\/b\\>');
  const md = definitionTooltip(
    '[run](command:devProcesses.killAll)',
    { kind: 'service', command: 'node', args: ['server.js', '<img src=x>'], env: {} },
    'failed: ![pixel](https://evil.example/p.png) see http://evil.example',
    [],
    {},
  );
  assert.ok(!/(^|[^\\])[[\]()<>`!]/.test(md.replace(/\*\*/g, '')), md);
  assert.ok(!md.includes('http://evil') && !md.includes('https://evil'), md);
  assert.match(md, /^\*\*\\\[run\\\]/);
});

test('the definition tooltip masks secrets in the command line, including values from ${env:...}', () => {
  const md = definitionTooltip(
    'api',
    { kind: 'service', command: 'curl', args: ['-H', 'Authorization: Bearer bearer-777777', 'http://u:pw-888888@h/?token=tok-999999', 'from-env-000000'], env: {} },
    undefined,
    [],
    { SERVICE_TOKEN: 'from-env-000000' },
  );
  const shown = md.replace(/\\(.)/g, '$1');
  for (const secret of ['bearer-777777', 'pw-888888', 'tok-999999', 'from-env-000000']) assert.ok(!shown.includes(secret), shown);
  assert.match(shown, /curl -H Authorization: Bearer \*+ http:\/\/u:\*+@h\/\?token=\*+ \*+/);
});

test('a run that listens shows its ports on its row and its definition\'s', () => {
  assert.equal(runRowDescription(run({ ports: [3000] }), NOW), 'running · up 4 s · :3000');
  assert.equal(runRowDescription(run({ ports: [3000, 9229] }), NOW), 'running · up 4 s · :3000 :9229');
  assert.match(definitionSummary([run({ ports: [9229, 3000] })], NOW), / · :3000 :9229$/);
  assert.doesNotMatch(definitionSummary([run()], NOW), /:\d/);
});
