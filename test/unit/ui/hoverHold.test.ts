import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HoverHold } from '../../../src/ui/hoverHold';

const runs = (...ids: string[]) => ids.map((id) => ({ id }));

test('a hovered definition row is held until the pause ends, and no other row is', () => {
  const hold = new HoverHold(1000);
  assert.equal(hold.holds('def:api', runs('r1'), 0), false, 'nothing hovered yet');
  hold.hovered('def:api', undefined, 100);
  assert.equal(hold.holds('def:api', runs('r1'), 500), true);
  assert.equal(hold.holds('def:web', runs('r2'), 500), false, 'another row ticks on');
  assert.equal(hold.holds('def:api', runs('r1'), 1100), false, 'the pause is over');
  assert.equal(hold.holds('def:api', runs('r1'), 600), false, 'and stays over: the hover was forgotten');
});

test('a hovered run row holds the definition row it is under (a redraw of that row draws its runs again)', () => {
  const hold = new HoverHold(1000);
  hold.hovered(undefined, 'r2', 0);
  assert.equal(hold.holds('def:api', runs('r1', 'r2'), 10), true);
  assert.equal(hold.holds(undefined, runs('r2'), 10), true, 'the ad-hoc runs\' row');
  assert.equal(hold.holds('def:web', runs('r3'), 10), false);
});

test('the last hover is the one held', () => {
  const hold = new HoverHold(1000);
  hold.hovered('def:api', undefined, 0);
  hold.hovered('def:web', undefined, 10);
  assert.equal(hold.holds('def:api', runs('r1'), 20), false);
  assert.equal(hold.holds('def:web', runs('r3'), 20), true);
});
