import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Disposable } from '../../../src/core/dispose';

class Owner extends Disposable {
  own(name: string, log: string[]): void {
    this._register({ dispose: () => log.push(name) });
  }
}

test('a Disposable releases what it registered, newest first, once', () => {
  const log: string[] = [];
  const owner = new Owner();
  owner.own('first', log);
  owner.own('second', log);
  owner.dispose();
  owner.dispose();
  assert.deepEqual(log, ['second', 'first']);
});

test('a registration after dispose is released at once rather than leaked', () => {
  const log: string[] = [];
  const owner = new Owner();
  owner.dispose();
  owner.own('late', log);
  assert.deepEqual(log, ['late']);
});
