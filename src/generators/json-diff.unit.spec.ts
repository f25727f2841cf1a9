import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonChanges } from './json-diff.js';

describe('JSON changes', () => {
  it('finds nothing between equal documents', () => {
    assert.deepEqual(jsonChanges({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), []);
  });

  it('points at what was added, removed and changed, as deep as it goes', () => {
    assert.deepEqual(
      jsonChanges(
        { paths: { '/orders': { get: { summary: 'old' } } }, gone: true, list: [1, 2] },
        { paths: { '/orders': { get: { summary: 'new' } } }, list: [1, 3], added: 1 },
      ),
      [
        { kind: 'changed', pointer: '/paths/~1orders/get/summary' },
        { kind: 'removed', pointer: '/gone' },
        { kind: 'changed', pointer: '/list/1' },
        { kind: 'added', pointer: '/added' },
      ],
    );
  });

  it('sees an object turned into an array as a change of the whole value', () => {
    assert.deepEqual(jsonChanges({ a: {} }, { a: [] }), [{ kind: 'changed', pointer: '/a' }]);
  });
});
