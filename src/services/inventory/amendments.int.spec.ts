import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  InventoryAdjusted,
  InventoryAmendmentApplied,
  InventoryAmendmentRejected,
  OrderAmended,
  OrderCancelled,
  OrderConfirmed,
  OutOfStock,
  ReserveInventory,
} from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import {
  amendment,
  cancellation,
  confirmation,
  consumer,
  id,
  reservation,
  inventorySpec,
} from '../../../test/support/inventory.js';

describeEachEngine('InventoryService: amendments', (open) => {
  const {
    start,
    send,
    addStock,
    emitted,
    emittedData,
    levels,
    stockOf,
    allocationOf,
    deadLetters,
    assertLedgerBalances,
    stockedProduct,
  } = inventorySpec(open);

  it('follows amendments of a reserved order: increases held, decreases given back, shortfalls rejected', async () => {
    await start();
    const { product: p1, w1, w2 } = await stockedProduct(5, 3);
    const p2 = id();
    await addStock(p2, w1, 4);
    const order = id();
    await send(ReserveInventory, reservation(order, [{ productId: p1, quantity: 4 }]));

    await send(
      OrderAmended,
      amendment(order, [
        { productId: p1, oldQuantity: 4, newQuantity: 7 },
        { productId: p2, oldQuantity: 0, newQuantity: 1 },
      ]),
    );
    assert.deepEqual(await stockOf(p1), { [w1]: [5, 4], [w2]: [3, 3] });
    assert.deepEqual(await stockOf(p2), { [w1]: [4, 1] });

    await send(OrderAmended, amendment(order, [{ productId: p1, oldQuantity: 7, newQuantity: 2 }]));
    assert.deepEqual(await stockOf(p1), { [w1]: [5, 2], [w2]: [3, 0] });

    const beforeShort = await levels();
    await send(OrderAmended, amendment(order, [{ productId: p1, oldQuantity: 2, newQuantity: 11 }]));
    assert.deepEqual(await levels(), beforeShort);

    assert.deepEqual(
      (await emittedData(InventoryAmendmentApplied)).map(({ timestamp: _, ...event }) => event),
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
      (await emittedData(InventoryAmendmentRejected)).map(({ timestamp: _, ...event }) => event),
      [{ orderId: order, shortages: [{ productId: p1, requested: 9, available: 6 }] }],
    );
    assert.deepEqual(
      (await emittedData(InventoryAdjusted)).filter((e) => e.adjustment_reason === 'order_amended'),
      [],
      'held units do not change what is on hand',
    );
    assert.deepEqual(await allocationOf(order).then((row) => row?.allocations), [
      { productId: p1, warehouseId: w1, quantity: 2 },
      { productId: p2, warehouseId: w1, quantity: 1 },
    ]);

    await send(OrderCancelled, cancellation(order, [{ productId: p1, quantity: 2 }]));
    assert.deepEqual(await stockOf(p1), { [w1]: [5, 0], [w2]: [3, 0] });
    assert.deepEqual(await stockOf(p2), { [w1]: [4, 0] });
    await assertLedgerBalances();
  });

  it('follows amendments of a fulfilled order on hand, announcing each adjustment, and rejects shortfalls', async () => {
    await start();
    const { product, w1, w2 } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 4 }];
    await send(ReserveInventory, reservation(order, lines));
    await send(OrderConfirmed, confirmation(order, lines));
    assert.deepEqual(await stockOf(product), { [w1]: [1, 0], [w2]: [3, 0] });

    await send(OrderAmended, amendment(order, [{ productId: product, oldQuantity: 4, newQuantity: 6 }]));
    assert.deepEqual(await stockOf(product), { [w1]: [1, 0], [w2]: [1, 0] });

    await send(OrderAmended, amendment(order, [{ productId: product, oldQuantity: 6, newQuantity: 3 }]));
    assert.deepEqual(await stockOf(product), { [w1]: [2, 0], [w2]: [3, 0] });

    await send(OrderAmended, amendment(order, [{ productId: product, oldQuantity: 3, newQuantity: 9 }]));
    assert.deepEqual(await stockOf(product), { [w1]: [2, 0], [w2]: [3, 0] });

    const amended = (await emittedData(InventoryAdjusted)).filter(
      (e) => e.adjustment_reason === 'order_amended',
    );
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
    assert.equal((await emitted(InventoryAmendmentApplied)).length, 2);
    assert.deepEqual(
      (await emittedData(InventoryAmendmentRejected)).map((e) => e.shortages),
      [[{ productId: product, requested: 6, available: 5 }]],
    );
    assert.equal((await allocationOf(order))?.state, 'deducted');

    await send(OrderCancelled, cancellation(order, [{ productId: product, quantity: 3 }]));
    assert.deepEqual(await stockOf(product), { [w1]: [5, 0], [w2]: [3, 0] });
    await assertLedgerBalances();
  });

  it('announces OutOfStock when an amendment takes the last available units of a product', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const order = id();
    await send(ReserveInventory, reservation(order, [{ productId: product, quantity: 2 }]));
    assert.deepEqual(await emitted(OutOfStock), []);
    await send(OrderAmended, amendment(order, [{ productId: product, oldQuantity: 2, newQuantity: 8 }]));
    assert.deepEqual(
      (await emittedData(OutOfStock)).map(({ timestamp: _, ...event }) => event),
      [{ productId: product, availableQuantity: 0, orderId: order }],
    );
  });

  it('dead-letters an amendment of an order it holds nothing for, or one that expects other quantities, with the reason', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const cancelled = id();
    await send(OrderCancelled, cancellation(cancelled, [{ productId: product, quantity: 1 }]));
    const late = await send(
      OrderAmended,
      amendment(cancelled, [{ productId: product, oldQuantity: 1, newQuantity: 2 }]),
    );

    const reserved = id();
    await send(ReserveInventory, reservation(reserved, [{ productId: product, quantity: 2 }]));
    const stale = await send(
      OrderAmended,
      amendment(reserved, [{ productId: product, oldQuantity: 3, newQuantity: 4 }]),
    );

    const letters = await deadLetters();
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
    assert.deepEqual(await emitted(InventoryAmendmentApplied), []);
  });
});
