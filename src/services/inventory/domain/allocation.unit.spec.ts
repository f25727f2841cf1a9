import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { allocate, applyReservation, type RequestedLine, type StockLevel } from './index.js';

function level(productId: string, warehouseId: string, onHand: number, reserved = 0): StockLevel {
  return { productId, warehouseId, onHand, reserved };
}

describe('allocate', () => {
  it('takes every line from a warehouse that has it', () => {
    const stock = [level('P1', 'W1', 5), level('P2', 'W2', 5)];
    assert.deepEqual(
      allocate(
        [
          { productId: 'P1', quantity: 2 },
          { productId: 'P2', quantity: 5 },
        ],
        stock,
      ),
      {
        kind: 'allocated',
        allocations: [
          { productId: 'P1', warehouseId: 'W1', quantity: 2 },
          { productId: 'P2', warehouseId: 'W2', quantity: 5 },
        ],
      },
    );
  });

  it('reserves nothing when any line is short', () => {
    const stock = [level('P1', 'W1', 5), level('P2', 'W1', 1)];
    assert.deepEqual(
      allocate(
        [
          { productId: 'P1', quantity: 2 },
          { productId: 'P2', quantity: 2 },
        ],
        stock,
      ),
      { kind: 'short', shortages: [{ productId: 'P2', requested: 2, available: 1 }] },
    );
  });

  it('merges lines for the same product before allocating', () => {
    const lines = [
      { productId: 'P1', quantity: 3 },
      { productId: 'P1', quantity: 4 },
    ];
    assert.deepEqual(allocate(lines, [level('P1', 'W1', 7)]), {
      kind: 'allocated',
      allocations: [{ productId: 'P1', warehouseId: 'W1', quantity: 7 }],
    });
    assert.deepEqual(allocate(lines, [level('P1', 'W1', 6)]), {
      kind: 'short',
      shortages: [{ productId: 'P1', requested: 7, available: 6 }],
    });
  });

  it('takes a product from the warehouse with the most available', () => {
    const stock = [level('P1', 'W1', 4), level('P1', 'W2', 9), level('P1', 'W3', 6)];
    assert.deepEqual(allocate([{ productId: 'P1', quantity: 3 }], stock), {
      kind: 'allocated',
      allocations: [{ productId: 'P1', warehouseId: 'W2', quantity: 3 }],
    });
  });

  it('splits a product across warehouses, most available first, when no single one has enough', () => {
    const stock = [level('P1', 'W1', 5), level('P1', 'W2', 3), level('P1', 'W3', 4)];
    assert.deepEqual(allocate([{ productId: 'P1', quantity: 8 }], stock), {
      kind: 'allocated',
      allocations: [
        { productId: 'P1', warehouseId: 'W1', quantity: 5 },
        { productId: 'P1', warehouseId: 'W3', quantity: 3 },
      ],
    });
  });

  it('breaks ties between warehouses by warehouse id', () => {
    const stock = [level('P1', 'W-b', 5), level('P1', 'W-c', 5), level('P1', 'W-a', 5)];
    assert.deepEqual(allocate([{ productId: 'P1', quantity: 7 }], stock), {
      kind: 'allocated',
      allocations: [
        { productId: 'P1', warehouseId: 'W-a', quantity: 5 },
        { productId: 'P1', warehouseId: 'W-b', quantity: 2 },
      ],
    });
  });

  it('counts only what is available, not what is reserved for other orders', () => {
    const stock = [level('P1', 'W1', 10, 8), level('P1', 'W2', 4, 0), level('P1', 'W3', 3, 3)];
    assert.deepEqual(allocate([{ productId: 'P1', quantity: 5 }], stock), {
      kind: 'allocated',
      allocations: [
        { productId: 'P1', warehouseId: 'W2', quantity: 4 },
        { productId: 'P1', warehouseId: 'W1', quantity: 1 },
      ],
    });
    assert.deepEqual(allocate([{ productId: 'P1', quantity: 7 }], stock), {
      kind: 'short',
      shortages: [{ productId: 'P1', requested: 7, available: 6 }],
    });
  });

  it('treats a product with no stock as short with nothing available', () => {
    assert.deepEqual(allocate([{ productId: 'P9', quantity: 1 }], [level('P1', 'W1', 5)]), {
      kind: 'short',
      shortages: [{ productId: 'P9', requested: 1, available: 0 }],
    });
  });

  it('lists every short product, not only the first', () => {
    const stock = [level('P1', 'W1', 1), level('P2', 'W1', 9), level('P3', 'W2', 2)];
    const lines = [
      { productId: 'P1', quantity: 2 },
      { productId: 'P2', quantity: 2 },
      { productId: 'P3', quantity: 3 },
      { productId: 'P4', quantity: 1 },
    ];
    assert.deepEqual(allocate(lines, stock), {
      kind: 'short',
      shortages: [
        { productId: 'P1', requested: 2, available: 1 },
        { productId: 'P3', requested: 3, available: 2 },
        { productId: 'P4', requested: 1, available: 0 },
      ],
    });
  });

  it('refuses a line whose quantity is not a positive integer', () => {
    for (const quantity of [0, -2, 2.5]) {
      assert.throws(() => allocate([{ productId: 'P1', quantity }], [level('P1', 'W1', 5)]), {
        code: 'INVENTORY.INVALID_QUANTITY',
        category: 'validation',
      });
    }
  });

  it('never breaks stock invariants and reserves exactly what was ordered, for random stock and orders', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const randomInt = seededRandomInt(seed);
      let stock = randomStock(randomInt);
      for (let order = 0; order < 10; order++) {
        const lines = randomLines(randomInt);
        const result = allocate(lines, stock);
        switch (result.kind) {
          case 'allocated': {
            const reserved = applyReservation(stock, result.allocations);
            const next = withChanges(stock, reserved);
            for (const productId of PRODUCTS) {
              assert.equal(total(next, productId, 'onHand'), total(stock, productId, 'onHand'));
              assert.equal(
                total(next, productId, 'reserved'),
                total(stock, productId, 'reserved') + requested(lines, productId),
              );
            }
            stock = next;
            break;
          }
          case 'short': {
            const orderedProducts = [...new Set(lines.map(({ productId }) => productId))];
            const shortProducts = orderedProducts.filter(
              (productId) => requested(lines, productId) > totalAvailable(stock, productId),
            );
            assert.deepEqual(
              result.shortages,
              shortProducts.map((productId) => ({
                productId,
                requested: requested(lines, productId),
                available: totalAvailable(stock, productId),
              })),
            );
            break;
          }
        }
        for (const { onHand, reserved } of stock) {
          assert.ok(Number.isInteger(onHand) && Number.isInteger(reserved));
          assert.ok(0 <= reserved && reserved <= onHand, `reserved ${reserved} of ${onHand} on hand`);
        }
      }
    }
  });
});

const STOCKED_PRODUCTS = ['P1', 'P2', 'P3', 'P4'];
const PRODUCTS = [...STOCKED_PRODUCTS, 'P-never-stocked'];
const WAREHOUSES = ['W1', 'W2', 'W3'];

type RandomInt = (min: number, max: number) => number;

/** mulberry32: a tiny, well-mixed generator, so a failing seed can be replayed. */
function seededRandomInt(seed: number): RandomInt {
  let state = seed;
  return (min, max) => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    const unit = ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
    return min + Math.floor(unit * (max - min + 1));
  };
}

function randomStock(randomInt: RandomInt): StockLevel[] {
  return STOCKED_PRODUCTS.flatMap((productId) =>
    WAREHOUSES.filter(() => randomInt(0, 2) > 0).map((warehouseId) => {
      const onHand = randomInt(0, 20);
      return level(productId, warehouseId, onHand, randomInt(0, onHand));
    }),
  );
}

function randomLines(randomInt: RandomInt): RequestedLine[] {
  return Array.from({ length: randomInt(1, 3) }, () => ({
    productId: randomInt(1, 20) === 1 ? 'P-never-stocked' : STOCKED_PRODUCTS[randomInt(0, 3)]!,
    quantity: randomInt(1, 6),
  }));
}

function withChanges(stock: readonly StockLevel[], changed: readonly StockLevel[]): StockLevel[] {
  return stock.map(
    (current) =>
      changed.find(
        ({ productId, warehouseId }) =>
          productId === current.productId && warehouseId === current.warehouseId,
      ) ?? current,
  );
}

function requested(lines: readonly RequestedLine[], productId: string): number {
  return lines.filter((line) => line.productId === productId).reduce((sum, line) => sum + line.quantity, 0);
}

function total(stock: readonly StockLevel[], productId: string, field: 'onHand' | 'reserved'): number {
  return stock.filter((level) => level.productId === productId).reduce((sum, level) => sum + level[field], 0);
}

function totalAvailable(stock: readonly StockLevel[], productId: string): number {
  return total(stock, productId, 'onHand') - total(stock, productId, 'reserved');
}
