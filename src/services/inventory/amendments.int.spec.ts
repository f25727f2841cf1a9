import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  InventoryAmendmentApplied,
  InventoryAmendmentRejected,
  OrderAmended,
  OrderCancelled,
  OutOfStock,
  ReserveInventory,
} from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import {
  amendment,
  cancellation,
  consumer,
  id,
  reservation,
  inventorySpec,
} from '../../../test/support/inventory.js';

describeEachEngine('InventoryService: amendments', (open) => {
  const inventory = inventorySpec(open);

  it('follows amendments of a reserved order: increases held, decreases given back, shortfalls rejected', async () => {
    await inventory.start();
    const { product: p1, w1, w2 } = await inventory.stockedProduct(5, 3);
    const p2 = id();
    await inventory.addStock(p2, w1, 4);
    const order = id();
    await inventory.send(ReserveInventory, reservation(order, [{ productId: p1, quantity: 4 }]));

    await inventory.send(
      OrderAmended,
      amendment(order, [
        { productId: p1, oldQuantity: 4, newQuantity: 7 },
        { productId: p2, oldQuantity: 0, newQuantity: 1 },
      ]),
    );
    assert.deepEqual(await inventory.stockOf(p1), { [w1]: [5, 4], [w2]: [3, 3] });
    assert.deepEqual(await inventory.stockOf(p2), { [w1]: [4, 1] });

    await inventory.send(OrderAmended, amendment(order, [{ productId: p1, oldQuantity: 7, newQuantity: 2 }]));
    assert.deepEqual(await inventory.stockOf(p1), { [w1]: [5, 2], [w2]: [3, 0] });

    const beforeShort = await inventory.levels();
    await inventory.send(
      OrderAmended,
      amendment(order, [{ productId: p1, oldQuantity: 2, newQuantity: 11 }]),
    );
    assert.deepEqual(await inventory.levels(), beforeShort);

    assert.deepEqual(
      (await inventory.emittedData(InventoryAmendmentApplied)).map(({ timestamp: _, ...event }) => event),
      [
        {
          orderId: order,
          added: [
            { productId: p1, warehouseId: w2, quantity: 3 },
            { productId: p2, warehouseId: w1, quantity: 1 },
          ],
          removed: [],
        },
        {
          orderId: order,
          added: [],
          removed: [
            { productId: p1, warehouseId: w2, quantity: 3 },
            { productId: p1, warehouseId: w1, quantity: 2 },
          ],
        },
      ],
    );
    assert.deepEqual(
      (await inventory.emittedData(InventoryAmendmentRejected)).map(({ timestamp: _, ...event }) => event),
      [{ orderId: order, shortages: [{ productId: p1, requested: 9, available: 6 }] }],
    );
    assert.deepEqual(
      await inventory.adjustmentsFor('order_amended'),
      [],
      'held units do not change what is on hand',
    );
    assert.deepEqual(await inventory.allocationOf(order).then((row) => row?.allocations), [
      { productId: p1, warehouseId: w1, quantity: 2 },
      { productId: p2, warehouseId: w1, quantity: 1 },
    ]);

    await inventory.send(OrderCancelled, cancellation(order, [{ productId: p1, quantity: 2 }]));
    assert.deepEqual(await inventory.stockOf(p1), { [w1]: [5, 0], [w2]: [3, 0] });
    assert.deepEqual(await inventory.stockOf(p2), { [w1]: [4, 0] });
    await inventory.assertLedgerBalances();
  });

  it('follows amendments of a fulfilled order on hand, announcing each adjustment, and rejects shortfalls', async () => {
    await inventory.start();
    const { product, w1, w2, order } = await inventory.fulfilledOrder(4);
    assert.deepEqual(await inventory.stockOf(product), { [w1]: [1, 0], [w2]: [3, 0] });

    await inventory.send(
      OrderAmended,
      amendment(order, [{ productId: product, oldQuantity: 4, newQuantity: 6 }]),
    );
    assert.deepEqual(await inventory.stockOf(product), { [w1]: [1, 0], [w2]: [1, 0] });

    await inventory.send(
      OrderAmended,
      amendment(order, [{ productId: product, oldQuantity: 6, newQuantity: 3 }]),
    );
    assert.deepEqual(await inventory.stockOf(product), { [w1]: [2, 0], [w2]: [3, 0] });

    await inventory.send(
      OrderAmended,
      amendment(order, [{ productId: product, oldQuantity: 3, newQuantity: 9 }]),
    );
    assert.deepEqual(await inventory.stockOf(product), { [w1]: [2, 0], [w2]: [3, 0] });

    const amended = await inventory.adjustmentsFor('order_amended');
    assert.deepEqual(
      amended.map((e) => [
        e.warehouse_id,
        e.adjusted_quantity,
        e.new_quantity,
        e.available_quantity,
        e.adjusted_by,
      ]),
      [
        [w2, -2, 1, 1, `order:${order}`],
        [w2, 2, 3, 3, `order:${order}`],
        [w1, 1, 2, 2, `order:${order}`],
      ],
    );
    assert.equal((await inventory.emitted(InventoryAmendmentApplied)).length, 2);
    assert.deepEqual(
      (await inventory.emittedData(InventoryAmendmentRejected)).map((e) => e.shortages),
      [[{ productId: product, requested: 6, available: 5 }]],
    );
    assert.equal((await inventory.allocationOf(order))?.state, 'deducted');

    await inventory.send(OrderCancelled, cancellation(order, [{ productId: product, quantity: 3 }]));
    assert.deepEqual(await inventory.stockOf(product), { [w1]: [5, 0], [w2]: [3, 0] });
    await inventory.assertLedgerBalances();
  });

  it('announces OutOfStock when an amendment takes the last available units of a product', async () => {
    await inventory.start();
    const { product, order } = await inventory.reservedOrder(2);
    assert.deepEqual(await inventory.emitted(OutOfStock), []);
    await inventory.send(
      OrderAmended,
      amendment(order, [{ productId: product, oldQuantity: 2, newQuantity: 8 }]),
    );
    assert.deepEqual(
      (await inventory.emittedData(OutOfStock)).map(({ timestamp: _, ...event }) => event),
      [{ productId: product, availableQuantity: 0, orderId: order }],
    );
  });

  it('dead-letters an amendment of an order it holds nothing for, or one that expects other quantities, with the reason', async () => {
    await inventory.start();
    const { product } = await inventory.stockedProduct(5, 3);
    const cancelled = id();
    await inventory.send(OrderCancelled, cancellation(cancelled, [{ productId: product, quantity: 1 }]));
    const late = await inventory.send(
      OrderAmended,
      amendment(cancelled, [{ productId: product, oldQuantity: 1, newQuantity: 2 }]),
    );

    const reserved = id();
    await inventory.send(ReserveInventory, reservation(reserved, [{ productId: product, quantity: 2 }]));
    const stale = await inventory.send(
      OrderAmended,
      amendment(reserved, [{ productId: product, oldQuantity: 3, newQuantity: 4 }]),
    );

    const letters = await inventory.deadLetters();
    assert.deepEqual(
      letters.map((letter) => [letter.consumer, letter.messageId]),
      [
        [consumer('amend-allocation'), late.id],
        [consumer('amend-allocation'), stale.id],
      ],
    );
    assert.match(letters[0]!.reason, /^rejected: INVENTORY.NOT_AMENDABLE: .*cancelled/);
    assert.match(
      letters[1]!.reason,
      /^rejected: INVENTORY.STALE_AMENDMENT: .*expects 3 allocated, but 2 are/,
    );
    assert.deepEqual(await inventory.emitted(InventoryAmendmentApplied), []);
  });
});
