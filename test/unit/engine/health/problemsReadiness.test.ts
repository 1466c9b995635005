import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_PROBE_TIMING } from '../../../../src/core/defaults';
import { NAMED_PROBLEM_MATCHERS } from '../../../../src/core/problemMatchers';
import { makeEngine, nodeSpec, waitFor } from '../../helpers';

describe('"problems" readiness', () => {
  test('a watcher is ready once a round ends with no errors, not before', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-problems-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const source = path.join(dir, 'a.ts');
    fs.writeFileSync(source, 'let x: number = "error";\n');
    const matchers = [NAMED_PROBLEM_MATCHERS['$tsc-watch']];
    const readiness = { ...DEFAULT_PROBE_TIMING, type: 'problems' as const, matchers };
    const engine = makeEngine(t, [nodeSpec('watch', 'tsc-watch.js', [source], { problemMatcher: matchers, healthCheck: { readiness } })]);
    const texts: string[] = [];
    engine.onDidOutput((e) => texts.push(...e.lines.map((l) => l.text)));
    const id = await engine.spawn('watch');
    await waitFor(() => engine.get(id)?.health?.readiness === 'failing', 'the first round ends with an error');
    assert.equal(engine.get(id)!.ready, false);
    assert.equal(engine.get(id)!.health!.message, 'the last round ended with 1 error');
    assert.ok(texts.includes('Not ready: the last round ended with 1 error.'), JSON.stringify(texts));
    fs.writeFileSync(source, 'let x: number = 1;\n');
    await waitFor(() => engine.get(id)?.ready === true, 'ready after a clean round');
    assert.equal(engine.get(id)!.health!.message, null);
    const clean = texts.findIndex((l) => / - Found 0 errors\. Watching for file changes\.$/.test(l));
    const ready = texts.indexOf('Ready: a round of the problem matcher ended with no errors.');
    assert.ok(clean >= 0 && ready > clean, JSON.stringify(texts));
  });
});
