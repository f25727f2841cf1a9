import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TickBatch, tickBatchOfEffects } from './tick-batch.js';

describe('TickBatch', () => {
  it('runs what is asked in one turn as one batch, and gives each caller its own result', async () => {
    const batches: number[][] = [];
    const doubled = new TickBatch<number, number>(async (items) => {
      batches.push([...items]);
      return items.map((item) => item * 2);
    });
    const first = await Promise.all([1, 2, 3].map((item) => doubled.add(item)));
    const later = await doubled.add(4);
    assert.deepEqual(first, [2, 4, 6]);
    assert.equal(later, 8);
    assert.deepEqual(batches, [[1, 2, 3], [4]]);
  });

  it('gathers what is asked while a batch runs into the next one', async () => {
    const batches: string[][] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const echoed = new TickBatch<string, string>(async (items) => {
      batches.push([...items]);
      if (batches.length === 1) await held;
      return items;
    });
    const first = echoed.add('a');
    await new Promise((resolve) => setImmediate(resolve));
    const next = [echoed.add('b'), echoed.add('c')];
    release();
    assert.deepEqual(await Promise.all([first, ...next]), ['a', 'b', 'c']);
    assert.deepEqual(batches, [['a'], ['b', 'c']]);
  });

  it('runs work that answers nothing per item as one batch, and tells each caller it was done', async () => {
    const batches: string[][] = [];
    const removals = tickBatchOfEffects<string>(async (items) => {
      batches.push([...items]);
    });
    assert.deepEqual(await Promise.all(['x', 'y'].map((item) => removals.add(item))), [undefined, undefined]);
    assert.deepEqual(batches, [['x', 'y']]);
  });

  it("fails every caller of a batch with the batch's error", async () => {
    const failing = new TickBatch<number, number>(() => Promise.reject(new Error('database away')));
    const outcomes = await Promise.allSettled([failing.add(1), failing.add(2)]);
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'fulfilled')),
      ['Error: database away', 'Error: database away'],
    );
  });
});
