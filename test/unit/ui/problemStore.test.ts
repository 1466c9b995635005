import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NAMED_PROBLEM_MATCHERS } from '../../../src/core/problemMatchers';
import type { OutputEvent } from '../../../src/engine/engine';
import type { ProcessSnapshot } from '../../../src/engine/run/snapshot';
import { MAX_PROBLEMS_PER_RUN, ProblemStore } from '../../../src/ui/problemStore';
import { formatProblemCounts } from '../../../src/ui/treeFormat';

const ERROR = "src/a.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.";

function output(id: string, texts: string[], extra: Partial<OutputEvent> = {}): OutputEvent {
  return { id, name: 'tsc', instance: 0, lines: texts.map((text) => ({ stream: 'stdout' as const, text, at: 0 })), ...extra };
}

function storeFor(matcher = '$tsc-watch') {
  const changed: string[] = [];
  const store = new ProblemStore((name) => (name === 'tsc' ? { matchers: [NAMED_PROBLEM_MATCHERS[matcher]], cwd: '/ws' } : { matchers: undefined, cwd: '/ws' }), (name) => changed.push(name));
  return { store, changed };
}

describe('problems of runs', () => {
  test('a round that begins clears the problems of the round before', () => {
    const { store, changed } = storeFor();
    store.output(output('r1', ['Starting compilation in watch mode...', ERROR, ERROR.replace('(3,5)', '(4,1)'), 'Found 2 errors. Watching for file changes.']));
    assert.deepEqual(store.countsOf('r1'), { errors: 2, warnings: 0 });
    assert.deepEqual(store.problemsOf('tsc').map((p) => [p.file, p.line]), [['/ws/src/a.ts', 3], ['/ws/src/a.ts', 4]]);
    store.output(output('r1', ['File change detected. Starting incremental compilation...']));
    assert.deepEqual(store.problemsOf('tsc'), []);
    assert.deepEqual(changed, ['tsc', 'tsc']);
  });

  test('a new run of the definition, or a new attempt of the run, starts clean; an ended run keeps its problems', () => {
    const { store } = storeFor('$tsc');
    store.output(output('r1', [ERROR]));
    store.runChanged({ id: 'r1', name: 'tsc', instance: 0, adhoc: false, attempts: 1, state: 'failed' } as ProcessSnapshot);
    assert.equal(store.problemsOf('tsc').length, 1, 'kept after the run ended');
    store.runChanged({ id: 'r1', name: 'tsc', instance: 0, adhoc: false, attempts: 2, state: 'starting' } as ProcessSnapshot);
    assert.equal(store.problemsOf('tsc').length, 0, 'a new attempt');
    store.output(output('r1', [ERROR]));
    store.output(output('r2', ['Starting...']));
    assert.equal(store.problemsOf('tsc').length, 0, 'a new run');
    assert.deepEqual(store.countsOf('r1'), { errors: 0, warnings: 0 });
  });

  test('our own lines, restored lines, ad-hoc runs and definitions without a matcher are not read', () => {
    const { store } = storeFor('$tsc');
    store.output({ ...output('r1', []), lines: [{ stream: 'system', text: ERROR, at: 0 }] });
    store.output(output('r1', [ERROR], { restored: true }));
    store.output(output('r2', [ERROR], { name: 'other' }));
    store.output(output('r3', [ERROR], { adhoc: true }));
    assert.deepEqual(store.problemsOf('tsc'), []);
    assert.deepEqual(store.problemsOf('other'), []);
  });

  test('a flood of problems is bounded', () => {
    const { store } = storeFor('$tsc');
    store.output(output('r1', Array.from({ length: MAX_PROBLEMS_PER_RUN + 50 }, () => ERROR)));
    assert.equal(store.problemsOf('tsc').length, MAX_PROBLEMS_PER_RUN);
  });

  test('the tree says "3 errors, 1 warning", and nothing when there are none', () => {
    assert.equal(formatProblemCounts([{ errors: 2, warnings: 0 }, { errors: 1, warnings: 1 }]), '3 errors, 1 warning');
    assert.equal(formatProblemCounts([{ errors: 1, warnings: 0 }]), '1 error');
    assert.equal(formatProblemCounts([{ errors: 0, warnings: 0 }]), undefined);
  });
});
