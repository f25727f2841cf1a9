import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs } from './backoff.js';

describe('backoffMs', () => {
  it('waits the base before the second attempt, twice as long before each next one, up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempts) => backoffMs(attempts, { baseMs: 100, maxMs: 500 })),
      [100, 200, 400, 500, 500],
    );
  });

  it('waits the base when no attempt was made yet', () => {
    assert.equal(backoffMs(0, { baseMs: 100, maxMs: 500 }), 100);
  });
});
