import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { available, changeStock, emptyStock, receiveStock, type StockLevel } from './index.js';

function level(onHand: number, reserved = 0): StockLevel {
  // Frozen, so any mutation of an input fails the test instead of passing silently.
  return Object.freeze({ productId: 'P1', warehouseId: 'W1', onHand, reserved });
}

describe('stock level', () => {
  it('has available equal to on hand minus reserved', () => {
    assert.equal(available(level(10, 3)), 7);
  });

  it('starts empty with nothing on hand or reserved', () => {
    assert.deepEqual(emptyStock('P1', 'W1'), level(0));
  });

  it('receives stock onto what is on hand', () => {
    assert.deepEqual(receiveStock(level(10, 3), 5), level(15, 3));
  });

  it('refuses to receive a quantity that is not a positive integer', () => {
    for (const quantity of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => receiveStock(level(10), quantity), { code: 'INVENTORY.INVALID_QUANTITY' });
    }
  });

  it('changes what is on hand up or down by the change', () => {
    assert.deepEqual(changeStock(level(10, 3), 4), level(14, 3));
    assert.deepEqual(changeStock(level(10, 3), -7), level(3, 3));
  });

  it('refuses a change that is zero or not an integer', () => {
    for (const change of [0, 0.5, Number.POSITIVE_INFINITY]) {
      assert.throws(() => changeStock(level(10), change), { code: 'INVENTORY.INVALID_QUANTITY' });
    }
  });

  it('refuses to take away units reserved for orders, naming product and numbers', () => {
    assert.throws(() => changeStock(level(10, 6), -5), {
      name: 'RuleViolation',
      category: 'conflict',
      code: 'INVENTORY.BELOW_RESERVED',
      message:
        'Changing stock of product P1 at warehouse W1 by -5 would leave 5 on hand, below the 6 reserved',
    });
  });

  it('refuses to leave a negative amount on hand', () => {
    assert.throws(() => changeStock(level(3), -4), { code: 'INVENTORY.WOULD_GO_NEGATIVE' });
  });
});
