import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { applyAmendment, planAmendment, type Allocation, type StockLevel } from './index.js';

function level(productId: string, warehouseId: string, onHand: number, reserved = 0): StockLevel {
  return { productId, warehouseId, onHand, reserved };
}

function allocation(productId: string, warehouseId: string, quantity: number): Allocation {
  return { productId, warehouseId, quantity };
}

// An order holding 8 of P1, split W1 then W2, and 2 of P2 in W1, all reserved.
const current = [allocation('P1', 'W1', 5), allocation('P1', 'W2', 3), allocation('P2', 'W1', 2)];
const stock = [
  level('P1', 'W1', 5, 5),
  level('P1', 'W2', 6, 3),
  level('P1', 'W3', 4, 0),
  level('P2', 'W1', 10, 2),
  level('P3', 'W2', 1, 0),
  level('P3', 'W3', 6, 0),
];

describe('planAmendment', () => {
  it('takes an increase from available stock by the allocation rule', () => {
    const plan = planAmendment({
      state: 'reserved',
      current,
      changes: [{ productId: 'P1', oldQuantity: 8, newQuantity: 13 }],
      stock,
    });
    assert.deepEqual(plan, {
      kind: 'planned',
      state: 'reserved',
      added: [allocation('P1', 'W3', 4), allocation('P1', 'W2', 1)],
      removed: [],
      resulting: [
        allocation('P1', 'W1', 5),
        allocation('P1', 'W2', 4),
        allocation('P2', 'W1', 2),
        allocation('P1', 'W3', 4),
      ],
    });
  });

  it('allocates an added line like a new one', () => {
    const plan = planAmendment({
      state: 'reserved',
      current,
      changes: [{ productId: 'P3', oldQuantity: 0, newQuantity: 2 }],
      stock,
    });
    assert.deepEqual(plan, {
      kind: 'planned',
      state: 'reserved',
      added: [allocation('P3', 'W3', 2)],
      removed: [],
      resulting: [...current, allocation('P3', 'W3', 2)],
    });
  });

  it('gives back a decrease from the warehouse chosen last first', () => {
    const plan = planAmendment({
      state: 'reserved',
      current,
      changes: [{ productId: 'P1', oldQuantity: 8, newQuantity: 6 }],
      stock,
    });
    assert.deepEqual(plan, {
      kind: 'planned',
      state: 'reserved',
      added: [],
      removed: [allocation('P1', 'W2', 2)],
      resulting: [allocation('P1', 'W1', 5), allocation('P1', 'W2', 1), allocation('P2', 'W1', 2)],
    });
  });

  it('never gives back more from a warehouse than was allocated there', () => {
    const plan = planAmendment({
      state: 'reserved',
      current,
      changes: [{ productId: 'P1', oldQuantity: 8, newQuantity: 1 }],
      stock,
    });
    assert.deepEqual(plan, {
      kind: 'planned',
      state: 'reserved',
      added: [],
      removed: [allocation('P1', 'W2', 3), allocation('P1', 'W1', 4)],
      resulting: [allocation('P1', 'W1', 1), allocation('P2', 'W1', 2)],
    });
  });

  it('gives back every unit of a removed line', () => {
    const plan = planAmendment({
      state: 'deducted',
      current,
      changes: [{ productId: 'P1', oldQuantity: 8, newQuantity: 0 }],
      stock,
    });
    assert.deepEqual(plan, {
      kind: 'planned',
      state: 'deducted',
      added: [],
      removed: [allocation('P1', 'W2', 3), allocation('P1', 'W1', 5)],
      resulting: [allocation('P2', 'W1', 2)],
    });
  });

  it('plans increases and decreases of different products together', () => {
    const plan = planAmendment({
      state: 'reserved',
      current,
      changes: [
        { productId: 'P1', oldQuantity: 8, newQuantity: 7 },
        { productId: 'P2', oldQuantity: 2, newQuantity: 3 },
      ],
      stock,
    });
    assert.deepEqual(plan, {
      kind: 'planned',
      state: 'reserved',
      added: [allocation('P2', 'W1', 1)],
      removed: [allocation('P1', 'W2', 1)],
      resulting: [allocation('P1', 'W1', 5), allocation('P1', 'W2', 2), allocation('P2', 'W1', 3)],
    });
  });

  it('judges changes to lines of the same product together', () => {
    const plan = planAmendment({
      state: 'reserved',
      current: [allocation('P2', 'W1', 2)],
      changes: [
        { productId: 'P2', oldQuantity: 1, newQuantity: 3 },
        { productId: 'P2', oldQuantity: 1, newQuantity: 0 },
      ],
      stock,
    });
    assert.ok(plan.kind === 'planned');
    assert.deepEqual(plan.resulting, [allocation('P2', 'W1', 3)]);
  });

  it('plans nothing when any increase is short, listing every shortage', () => {
    const plan = planAmendment({
      state: 'reserved',
      current,
      changes: [
        { productId: 'P1', oldQuantity: 8, newQuantity: 16 },
        { productId: 'P2', oldQuantity: 2, newQuantity: 1 },
        { productId: 'P3', oldQuantity: 0, newQuantity: 8 },
        { productId: 'P4', oldQuantity: 0, newQuantity: 1 },
      ],
      stock,
    });
    assert.deepEqual(plan, {
      kind: 'short',
      shortages: [
        { productId: 'P1', requested: 8, available: 7 },
        { productId: 'P3', requested: 8, available: 7 },
        { productId: 'P4', requested: 1, available: 0 },
      ],
    });
  });

  it('refuses a change whose old quantity disagrees with what is allocated', () => {
    assert.throws(
      () =>
        planAmendment({
          state: 'reserved',
          current,
          changes: [{ productId: 'P1', oldQuantity: 7, newQuantity: 9 }],
          stock,
        }),
      {
        code: 'INVENTORY.STALE_AMENDMENT',
        message: 'Amendment of product P1 expects 7 allocated, but 8 are',
      },
    );
  });

  it('refuses to add a line for a product the order already holds', () => {
    assert.throws(
      () =>
        planAmendment({
          state: 'reserved',
          current,
          changes: [{ productId: 'P2', oldQuantity: 0, newQuantity: 1 }],
          stock,
        }),
      { code: 'INVENTORY.STALE_AMENDMENT' },
    );
  });

  it('refuses a quantity that is negative or not an integer', () => {
    for (const change of [
      { productId: 'P1', oldQuantity: 8, newQuantity: -1 },
      { productId: 'P1', oldQuantity: 8, newQuantity: 1.5 },
    ]) {
      assert.throws(() => planAmendment({ state: 'reserved', current, changes: [change], stock }), {
        code: 'INVENTORY.INVALID_QUANTITY',
      });
    }
  });
});

describe('applyAmendment', () => {
  const changes = [
    { productId: 'P1', oldQuantity: 8, newQuantity: 6 },
    { productId: 'P3', oldQuantity: 0, newQuantity: 2 },
  ];

  it('reserves added units and releases removed ones for a reserved order', () => {
    const plan = planAmendment({ state: 'reserved', current, changes, stock });
    assert.ok(plan.kind === 'planned');
    assert.deepEqual(applyAmendment(stock, plan), [level('P3', 'W3', 6, 2), level('P1', 'W2', 6, 1)]);
  });

  it('deducts added units and restocks removed ones for a deducted order', () => {
    const deducted = [level('P1', 'W1', 0, 0), level('P1', 'W2', 3, 0), level('P3', 'W3', 6, 0)];
    const plan = planAmendment({ state: 'deducted', current, changes, stock: deducted });
    assert.ok(plan.kind === 'planned');
    assert.deepEqual(applyAmendment(deducted, plan), [level('P3', 'W3', 4, 0), level('P1', 'W2', 5, 0)]);
  });
});
