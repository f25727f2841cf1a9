import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  InventoryReservationFailed,
  InventoryReserved,
  OutOfStock,
  ReserveInventory,
} from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { id, reservation, inventorySpec } from '../../../test/support/inventory.js';

describeEachEngine('InventoryService: reservations', (open) => {
  const inventory = inventorySpec(open);

  it('reserves every line of an order from the warehouses with most available, and announces products it sold out', async () => {
    await inventory.start();
    const { product: p1, w1, w2 } = await inventory.stockedProduct(5, 3);
    const p2 = id();
    await inventory.addStock(p2, w1, 2);
    const order = id();

    await inventory.send(
      ReserveInventory,
      reservation(order, [
        { productId: p1, quantity: 6 },
        { productId: p2, quantity: 2 },
      ]),
    );

    const [reserved] = await inventory.emittedData(InventoryReserved);
    assert.ok(reserved);
    assert.equal(reserved.orderId, order);
    assert.deepEqual(reserved.allocations, [
      { productId: p1, warehouseId: w1, quantity: 5 },
      { productId: p1, warehouseId: w2, quantity: 1 },
      { productId: p2, warehouseId: w1, quantity: 2 },
    ]);
    assert.deepEqual(await inventory.stockOf(p1), { [w1]: [5, 5], [w2]: [3, 1] });
    assert.deepEqual(await inventory.stockOf(p2), { [w1]: [2, 2] });
    assert.deepEqual(await inventory.allocationOf(order), {
      state: 'reserved',
      reservationId: reserved.reservationId,
      allocations: reserved.allocations,
    });
    const outOfStock = await inventory.emittedData(OutOfStock);
    assert.deepEqual(
      outOfStock.map(({ timestamp: _, ...event }) => event),
      [{ productId: p2, availableQuantity: 0, orderId: order }],
      'p1 still has units in W2',
    );
    await inventory.assertLedgerBalances();
  });

  it('reserves nothing when any line falls short, listing every shortage and announcing each short product', async () => {
    await inventory.start();
    const { product: p1 } = await inventory.stockedProduct(5, 3);
    const p2 = id();
    const p3 = id();
    await inventory.addStock(p2, id(), 1);
    await inventory.addStock(p3, id(), 9);
    const before = await inventory.levels();
    const order = id();

    await inventory.send(
      ReserveInventory,
      reservation(order, [
        { productId: p1, quantity: 9 },
        { productId: p2, quantity: 2 },
        { productId: p3, quantity: 4 },
      ]),
    );

    assert.deepEqual(await inventory.emitted(InventoryReserved), []);
    const failed = await inventory.emittedData(InventoryReservationFailed);
    assert.deepEqual(
      failed.map(({ timestamp: _, ...event }) => event),
      [
        {
          orderId: order,
          reason: 'insufficient_stock',
          shortages: [
            { productId: p1, requested: 9, available: 8 },
            { productId: p2, requested: 2, available: 1 },
          ],
        },
      ],
    );
    assert.deepEqual(
      (await inventory.emittedData(OutOfStock)).map(({ timestamp: _, ...event }) => event),
      [
        { productId: p1, availableQuantity: 8, requestedQuantity: 9, orderId: order },
        { productId: p2, availableQuantity: 1, requestedQuantity: 2, orderId: order },
      ],
    );
    assert.deepEqual(await inventory.levels(), before, 'p3, which was available, is not held either');
    assert.equal((await inventory.allocationOf(order))?.state, 'refused');
    await inventory.assertLedgerBalances();
  });

  it('refuses an order naming a product it has no stock of with unknown_product', async () => {
    await inventory.start();
    const { product } = await inventory.stockedProduct(5, 3);
    const unknown = id();
    const order = id();
    await inventory.send(
      ReserveInventory,
      reservation(order, [
        { productId: product, quantity: 1 },
        { productId: unknown, quantity: 1 },
      ]),
    );
    const [failed] = await inventory.emittedData(InventoryReservationFailed);
    assert.equal(failed?.reason, 'unknown_product');
    assert.deepEqual(failed.shortages, [{ productId: unknown, requested: 1, available: 0 }]);
    assert.equal(
      (await inventory.levels(product)).reduce((sum, l) => sum + l.reserved, 0),
      0,
    );
  });

  it('dead-letters a reservation whose ids are not canonical lower-case uuids, reserving nothing', async () => {
    await inventory.start();
    const { product } = await inventory.stockedProduct(5, 3);
    await inventory.send(
      ReserveInventory,
      reservation(id().toUpperCase(), [{ productId: product.toUpperCase(), quantity: 2 }]),
    );
    const [letter] = await inventory.deadLetters();
    assert.match(letter?.reason ?? '', /\/orderId must match format "uuid"/);
    assert.equal((await inventory.emitted(InventoryReserved)).length, 0);
    assert.equal(
      (await inventory.levels(product)).reduce((sum, l) => sum + l.reserved, 0),
      0,
    );
  });

  it('does nothing for a second reservation request of an order already reserved', async () => {
    await inventory.start();
    const { product } = await inventory.stockedProduct(5, 3);
    const order = id();
    await inventory.send(ReserveInventory, reservation(order, [{ productId: product, quantity: 2 }]));
    await inventory.send(ReserveInventory, reservation(order, [{ productId: product, quantity: 2 }]));
    assert.equal((await inventory.emitted(InventoryReserved)).length, 1);
    assert.equal(
      (await inventory.levels(product)).reduce((sum, l) => sum + l.reserved, 0),
      2,
    );
  });
});
