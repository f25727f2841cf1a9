import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterUnavailable, reconcileDelayMs } from './retry.js';

describe('retry policy', () => {
  const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 250 };

  it('backs off exponentially up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3].map((attempts) => afterUnavailable({ ...policy, maxAttempts: 9 }, attempts)),
      [100, 200, 250].map((delayMs) => ({ action: 'retry', delayMs })),
    );
  });

  it('gives up after the last attempt the provider did not act on', () => {
    assert.deepEqual(afterUnavailable(policy, 2), { action: 'retry', delayMs: 200 });
    assert.deepEqual(afterUnavailable(policy, 3), { action: 'give_up' });
  });

  it('asks the provider about an unanswered call after the base delay first', () => {
    assert.equal(reconcileDelayMs(policy, 0), 100);
  });
});
