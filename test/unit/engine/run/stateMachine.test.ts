import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertTransition, canTransition, isFinal } from '../../../../src/engine/run/stateMachine';
import type { RunState } from '../../../../src/core/types';

const all: RunState[] = ['queued', 'starting', 'running', 'stopping', 'backoff', 'completed', 'failed', 'terminated'];

test('final states have no way out', () => {
  for (const from of ['completed', 'failed', 'terminated'] as const) {
    assert.equal(isFinal(from), true);
    for (const to of all) assert.equal(canTransition(from, to), false, `${from} -> ${to}`);
  }
});

test('a stop always ends terminated, and illegal moves throw', () => {
  assert.deepEqual(all.filter((to) => canTransition('stopping', to)), ['terminated']);
  assert.throws(() => assertTransition('queued', 'running'), /Illegal run state change: queued -> running/);
  assert.doesNotThrow(() => assertTransition('running', 'stopping'));
});
