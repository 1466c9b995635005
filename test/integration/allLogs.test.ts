import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevProcessesApi } from '../../src/api/api';
import type { LogViewProbe, LogViewRow } from '../../src/ui/logView/logPanel';
import { fixture, getApi, setTasks, waitFor, waitForState } from './helpers';

const TITLE = 'Dev Processes: All Processes';

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === TITLE);
}

describe('the All Processes log view in a real extension host', function () {
  let api: DevProcessesApi;

  before(async () => {
    api = await getApi();
    await setTasks(api, [
      { name: 'alpha', kind: 'job', command: 'node', args: [fixture('ticks.js'), 'alpha', '12', '20'] },
      { name: 'beta', kind: 'job', command: 'node', args: [fixture('ticks.js'), 'beta', '12', '33'] },
      { name: 'flood', kind: 'job', command: 'node', args: [fixture('flood-for.js'), '1'] },
    ]);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('receives the lines of two runs merged in time order, stderr marked, one panel per window', async () => {
    const probe = await vscode.commands.executeCommand<LogViewProbe>('devProcesses.showAllLogs');
    const alpha = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'alpha');
    const beta = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'beta');
    await waitForState(api, alpha, 'completed');
    await waitForState(api, beta, 'completed');
    const own = (rows: LogViewRow[]) => rows.filter((r) => r.stream !== 'system' && (r.runId === alpha || r.runId === beta));
    const rows = await waitFor(() => {
      const r = own(probe.rows());
      return r.length === 24 && r;
    }, 'the panel to receive the 24 lines of alpha and beta');

    // The order the panel shows: by the time each line was read, across both runs. Lines of the
    // two runs read in the same millisecond keep the order they reached the host in, which the
    // runs' own outputs do not tell: so the same lines with the same times, in time order.
    const key = (l: { runId: string; text: string; at: number }) => `${l.runId}:${l.text}@${l.at}`;
    const expected = [...api.output(alpha).map((l) => ({ ...l, runId: alpha })), ...api.output(beta).map((l) => ({ ...l, runId: beta }))]
      .filter((l) => l.stream !== 'system')
      .map(key);
    assert.deepEqual(rows.map(key).sort(), expected.sort());
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i].at >= rows[i - 1].at, `line ${i} is not in time order`);
    assert.ok(rows.some((r) => r.runId === alpha) && rows.some((r) => r.runId === beta));
    const alphaRows = rows.filter((r) => r.runId === alpha);
    // A run's lines keep the order its output has (stdout and stderr are two pipes: the order
    // between them is the order they were read, the same in the run's own output).
    const alphaOwn = api.output(alpha).filter((l) => l.stream !== 'system').map((l) => l.text);
    assert.deepEqual(alphaRows.map((r) => r.text), alphaOwn, 'a run keeps its own order');
    assert.deepEqual(new Set(alphaOwn), new Set(Array.from({ length: 12 }, (_, i) => `alpha ${i}`)));
    assert.deepEqual(new Set(alphaRows.map((r) => r.label)), new Set(['alpha']));
    assert.deepEqual(alphaRows.filter((r) => r.stream === 'stderr').map((r) => r.text), ['alpha 2', 'alpha 5', 'alpha 8', 'alpha 11'], 'stderr lines are marked');
    // The runs' own system lines (start, exit) are in the view too.
    assert.ok(probe.rows().some((r) => r.runId === alpha && r.stream === 'system'), 'system lines are shown');

    await vscode.commands.executeCommand('devProcesses.showAllLogs');
    assert.equal(panelTabs().length, 1, 'a second Show All Processes Log reveals the same panel');
  });

  it('a flood reaches the panel in acknowledged batches: its newest lines arrive, within the bound', async () => {
    const probe = await vscode.commands.executeCommand<LogViewProbe>('devProcesses.showAllLogs');
    const id = await vscode.commands.executeCommand<string>('devProcesses.spawn', 'flood');
    await waitForState(api, id, 'completed');
    const last = api.output(id).filter((l) => l.stream === 'stdout').at(-1)?.text;
    assert.ok(last?.startsWith('line '), `the flood wrote lines (last: ${last})`);
    const rows = await waitFor(() => {
      const r = probe.rows();
      return r.some((row) => row.runId === id && row.text === last) && r;
    }, 'the newest line of the flood to reach the panel', 30_000);
    assert.ok(rows.length <= 100_000, `${rows.length} lines kept`);
    const flood = rows.filter((r) => r.runId === id && r.stream === 'stdout').map((r) => Number(r.text.split(' ')[1]));
    for (let i = 1; i < flood.length; i++) assert.ok(flood[i] > flood[i - 1], `flood line ${flood[i]} after ${flood[i - 1]}`);
  });
});
