import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  InventoryAdjusted,
  InventoryReleased,
  InventoryReservationFailed,
  InventoryReserved,
  OrderCancelled,
  OrderConfirmed,
  OutOfStock,
  ReserveInventory,
} from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { envelopeFor } from '../../../test/support/envelopes.js';
import {
  cancellation,
  confirmation,
  consumer,
  id,
  reservation,
  inventorySpec,
} from '../../../test/support/inventory.js';
import { until } from '../../../test/support/until.js';

describeEachEngine('InventoryService: fulfilment and cancellation', (open) => {
  const {
    start,
    host,
    send,
    emitted,
    emittedData,
    levels,
    stockOf,
    allocationOf,
    deadLetters,
    assertLedgerBalances,
    stockedProduct,
  } = inventorySpec(open);

  it('takes the reserved units of a confirmed order off the shelf, announcing one adjustment per warehouse', async () => {
    await start();
    const { product, w1, w2 } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 6 }];
    await send(ReserveInventory, reservation(order, lines));

    await send(OrderConfirmed, confirmation(order, lines));

    assert.deepEqual(await stockOf(product), { [w1]: [0, 0], [w2]: [2, 0] });
    assert.equal((await allocationOf(order))?.state, 'deducted');
    const fulfilled = (await emitted(InventoryAdjusted)).filter(
      (e) => e.data.adjustment_reason === 'order_fulfilled',
    );
    assert.deepEqual(
      fulfilled.map(({ data: { event_id: _, timestamp: __, ...rest } }) => rest),
      [
        {
          product_id: product,
          warehouse_id: w1,
          adjusted_quantity: -5,
          new_quantity: 0,
          available_quantity: 0,
          adjustment_reason: 'order_fulfilled',
          adjusted_by: `order:${order}`,
          order_id: order,
        },
        {
          product_id: product,
          warehouse_id: w2,
          adjusted_quantity: -1,
          new_quantity: 2,
          available_quantity: 2,
          adjustment_reason: 'order_fulfilled',
          adjusted_by: `order:${order}`,
          order_id: order,
        },
      ],
    );
    for (const envelope of fulfilled) assert.equal(envelope.id, envelope.data.event_id);

    await send(OrderConfirmed, confirmation(order, lines));
    assert.equal(
      (await emittedData(InventoryAdjusted)).filter((e) => e.adjustment_reason === 'order_fulfilled').length,
      2,
      'a second confirmation deducts nothing',
    );
    await assertLedgerBalances();
  });

  it('parks a confirmation that overtakes its reservation until the reservation lands', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 2 }];
    const confirmed = envelopeFor(OrderConfirmed, confirmation(order, lines));
    await host().bus.publish([{ channel: OrderConfirmed.channel, envelope: confirmed }]);
    // The confirmation has been tried, and parked (there is no allocation yet), before the reservation is sent.
    const { messagesHandled } = host().host.metrics;
    await until('the confirmation is parked', async () =>
      (await messagesHandled.get()).values.some(
        ({ labels, value }) =>
          labels.consumer === consumer('fulfil-order') && labels.outcome === 'parked' && value >= 1,
      ),
    );

    await send(ReserveInventory, reservation(order, lines));

    assert.equal((await allocationOf(order))?.state, 'deducted');
    assert.deepEqual(await deadLetters(), []);
    await assertLedgerBalances();
  });

  it('dead-letters a confirmation of an order whose reservation it refused: there is nothing to deduct', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const order = id();
    await send(ReserveInventory, reservation(order, [{ productId: product, quantity: 99 }]));
    const confirmed = await send(OrderConfirmed, confirmation(order, [{ productId: product, quantity: 99 }]));
    const [letter] = await deadLetters();
    assert.equal(letter?.messageId, confirmed.id);
    assert.match(letter.reason, /^rejected: INVENTORY.NOTHING_RESERVED: /);
  });

  it('leaves a tombstone for an order cancelled before its reservation, and refuses the late reservation with order_cancelled', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const before = await levels();
    const order = id();
    const lines = [{ productId: product, quantity: 2 }];

    await send(OrderCancelled, cancellation(order, lines));
    assert.deepEqual(await allocationOf(order), { state: 'cancelled', reservationId: null, allocations: [] });

    await send(ReserveInventory, reservation(order, lines));

    assert.deepEqual(await emitted(InventoryReserved), []);
    const failed = await emittedData(InventoryReservationFailed);
    assert.deepEqual(
      failed.map(({ timestamp: _, ...event }) => event),
      [{ orderId: order, reason: 'order_cancelled', shortages: [] }],
    );
    assert.deepEqual(await levels(), before);
    assert.deepEqual(await emitted(OutOfStock), []);
  });

  it('gives back the held units of an order cancelled after its reservation', async () => {
    await start();
    const { product, w1, w2 } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 7 }];
    await send(ReserveInventory, reservation(order, lines));
    const [reserved] = await emittedData(InventoryReserved);

    await send(OrderCancelled, cancellation(order, lines));

    assert.deepEqual(await stockOf(product), { [w1]: [5, 0], [w2]: [3, 0] });
    assert.equal((await allocationOf(order))?.state, 'released');
    assert.deepEqual(
      (await emittedData(InventoryReleased)).map(({ timestamp: _, ...event }) => event),
      [
        {
          orderId: order,
          reservationId: reserved?.reservationId,
          released: reserved?.allocations,
          reason: 'order_cancelled',
        },
      ],
    );
    assert.deepEqual(await emitted(InventoryAdjusted).then((all) => all.filter((e) => e.data.order_id)), []);

    await send(OrderCancelled, cancellation(order, lines));
    await send(ReserveInventory, reservation(order, lines));
    assert.equal((await emitted(InventoryReleased)).length, 1, 'a second cancellation gives back nothing');
    assert.equal((await emittedData(InventoryReservationFailed))[0]?.reason, 'order_cancelled');
    await assertLedgerBalances();
  });

  it('puts the units of an order cancelled after fulfilment back on hand where they were taken', async () => {
    await start();
    const { product, w1, w2 } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 7 }];
    await send(ReserveInventory, reservation(order, lines));
    await send(OrderConfirmed, confirmation(order, lines));

    await send(OrderCancelled, cancellation(order, lines));

    assert.deepEqual(await stockOf(product), { [w1]: [5, 0], [w2]: [3, 0] });
    assert.equal((await allocationOf(order))?.state, 'restocked');
    const restocked = (await emittedData(InventoryAdjusted)).filter(
      (e) => e.adjustment_reason === 'order_cancelled',
    );
    assert.deepEqual(
      restocked.map((e) => [
        e.warehouse_id,
        e.adjusted_quantity,
        e.new_quantity,
        e.available_quantity,
        e.order_id,
      ]),
      [
        [w1, 5, 5, 5, order],
        [w2, 2, 3, 3, order],
      ],
    );
    assert.deepEqual(await emitted(InventoryReleased), []);
    await assertLedgerBalances();
  });
});
