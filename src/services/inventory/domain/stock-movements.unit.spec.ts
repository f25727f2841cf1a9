import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { applyDeduction, applyRelease, applyReservation, applyRestock, type StockLevel } from './index.js';

function level(productId: string, warehouseId: string, onHand: number, reserved = 0): StockLevel {
  // Frozen, so any mutation of an input fails the test instead of passing silently.
  return Object.freeze({ productId, warehouseId, onHand, reserved });
}

const stock = [level('P1', 'W1', 10, 4), level('P1', 'W2', 5), level('P2', 'W1', 8, 8)];

describe('stock movements', () => {
  it('reserves by moving units from available to reserved', () => {
    assert.deepEqual(applyReservation(stock, [{ productId: 'P1', warehouseId: 'W1', quantity: 6 }]), [
      level('P1', 'W1', 10, 10),
    ]);
  });

  it('releases by giving reserved units back to available', () => {
    assert.deepEqual(applyRelease(stock, [{ productId: 'P2', warehouseId: 'W1', quantity: 3 }]), [
      level('P2', 'W1', 8, 5),
    ]);
  });

  it('deducts by taking reserved units off what is on hand', () => {
    assert.deepEqual(applyDeduction(stock, [{ productId: 'P1', warehouseId: 'W1', quantity: 4 }]), [
      level('P1', 'W1', 6, 0),
    ]);
  });

  it('restocks by putting deducted units back on hand', () => {
    assert.deepEqual(applyRestock(stock, [{ productId: 'P1', warehouseId: 'W2', quantity: 2 }]), [
      level('P1', 'W2', 7, 0),
    ]);
  });

  it('returns only the levels it changed', () => {
    const changed = applyReservation(stock, [
      { productId: 'P1', warehouseId: 'W2', quantity: 1 },
      { productId: 'P1', warehouseId: 'W1', quantity: 1 },
    ]);
    assert.deepEqual(changed, [level('P1', 'W2', 5, 1), level('P1', 'W1', 10, 5)]);
  });

  it('applies several allocations on one level cumulatively', () => {
    const changed = applyReservation(stock, [
      { productId: 'P1', warehouseId: 'W2', quantity: 2 },
      { productId: 'P1', warehouseId: 'W2', quantity: 3 },
    ]);
    assert.deepEqual(changed, [level('P1', 'W2', 5, 5)]);
  });

  it('refuses to reserve more than is available, even split over allocations', () => {
    assert.throws(
      () =>
        applyReservation(stock, [
          { productId: 'P1', warehouseId: 'W2', quantity: 3 },
          { productId: 'P1', warehouseId: 'W2', quantity: 3 },
        ]),
      {
        code: 'INVENTORY.WOULD_GO_NEGATIVE',
        message: 'Reserving 3 of product P1 at warehouse W2 exceeds the 2 available',
      },
    );
  });

  it('refuses to release or deduct more than is reserved', () => {
    const tooMuch = [{ productId: 'P1', warehouseId: 'W1', quantity: 5 }];
    assert.throws(() => applyRelease(stock, tooMuch), { code: 'INVENTORY.WOULD_GO_NEGATIVE' });
    assert.throws(() => applyDeduction(stock, tooMuch), { code: 'INVENTORY.WOULD_GO_NEGATIVE' });
  });

  it('refuses an allocation that is not a positive integer', () => {
    assert.throws(() => applyRestock(stock, [{ productId: 'P1', warehouseId: 'W1', quantity: 0 }]), {
      code: 'INVENTORY.INVALID_QUANTITY',
    });
  });

  it('refuses an allocation for a level it does not know', () => {
    assert.throws(() => applyRestock(stock, [{ productId: 'P2', warehouseId: 'W9', quantity: 1 }]), {
      code: 'INVENTORY.UNKNOWN_STOCK_LEVEL',
      message: 'No stock level for product P2 at warehouse W9',
    });
  });
});
