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
  const inventory = inventorySpec(open);

  it('takes the reserved units of a confirmed order off the shelf, announcing one adjustment per warehouse', async () => {
    await inventory.start();
    const { product, w1, w2, order, lines } = await inventory.fulfilledOrder(6);

    assert.deepEqual(await inventory.stockOf(product), { [w1]: [0, 0], [w2]: [2, 0] });
    assert.equal((await inventory.allocationOf(order))?.state, 'deducted');
    const fulfilled = (await inventory.emitted(InventoryAdjusted)).filter(
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

    await inventory.send(OrderConfirmed, confirmation(order, lines));
    assert.equal(
      (await inventory.adjustmentsFor('order_fulfilled')).length,
      2,
      'a second confirmation deducts nothing',
    );
    await inventory.assertLedgerBalances();
  });

  it('parks a confirmation that overtakes its reservation until the reservation lands', async () => {
    await inventory.start();
    const { product } = await inventory.stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 2 }];
    const confirmed = envelopeFor(OrderConfirmed, confirmation(order, lines));
    await inventory.host().bus.publish([{ channel: OrderConfirmed.channel, envelope: confirmed }]);
    // The confirmation has been tried, and parked (there is no allocation yet), before the reservation is sent.
    const { messagesHandled } = inventory.host().host.metrics;
    await until('the confirmation is parked', async () =>
      (await messagesHandled.get()).values.some(
        ({ labels, value }) =>
          labels.consumer === consumer('fulfil-order') && labels.outcome === 'parked' && value >= 1,
      ),
    );

    await inventory.send(ReserveInventory, reservation(order, lines));

    assert.equal((await inventory.allocationOf(order))?.state, 'deducted');
    assert.deepEqual(await inventory.deadLetters(), []);
    await inventory.assertLedgerBalances();
  });

  it('dead-letters a confirmation of an order whose reservation it refused: there is nothing to deduct', async () => {
    await inventory.start();
    const { order, lines } = await inventory.reservedOrder(99);
    const confirmed = await inventory.send(OrderConfirmed, confirmation(order, lines));
    const [letter] = await inventory.deadLetters();
    assert.equal(letter?.messageId, confirmed.id);
    assert.match(letter.reason, /^rejected: INVENTORY.NOTHING_RESERVED: /);
  });

  it('leaves a tombstone for an order cancelled before its reservation, and refuses the late reservation with order_cancelled', async () => {
    await inventory.start();
    const { product } = await inventory.stockedProduct(5, 3);
    const before = await inventory.levels();
    const order = id();
    const lines = [{ productId: product, quantity: 2 }];

    await inventory.send(OrderCancelled, cancellation(order, lines));
    assert.deepEqual(await inventory.allocationOf(order), {
      state: 'cancelled',
      reservationId: null,
      allocations: [],
    });

    await inventory.send(ReserveInventory, reservation(order, lines));

    assert.deepEqual(await inventory.emitted(InventoryReserved), []);
    const failed = await inventory.emittedData(InventoryReservationFailed);
    assert.deepEqual(
      failed.map(({ timestamp: _, ...event }) => event),
      [{ orderId: order, reason: 'order_cancelled', shortages: [] }],
    );
    assert.deepEqual(await inventory.levels(), before);
    assert.deepEqual(await inventory.emitted(OutOfStock), []);
  });

  it('gives back the held units of an order cancelled after its reservation', async () => {
    await inventory.start();
    const { product, w1, w2, order, lines } = await inventory.reservedOrder(7);
    const [reserved] = await inventory.emittedData(InventoryReserved);

    await inventory.send(OrderCancelled, cancellation(order, lines));

    assert.deepEqual(await inventory.stockOf(product), { [w1]: [5, 0], [w2]: [3, 0] });
    assert.equal((await inventory.allocationOf(order))?.state, 'released');
    assert.deepEqual(
      (await inventory.emittedData(InventoryReleased)).map(({ timestamp: _, ...event }) => event),
      [
        {
          orderId: order,
          reservationId: reserved?.reservationId,
          released: reserved?.allocations,
          reason: 'order_cancelled',
        },
      ],
    );
    assert.deepEqual(
      await inventory.emitted(InventoryAdjusted).then((all) => all.filter((e) => e.data.order_id)),
      [],
    );

    await inventory.send(OrderCancelled, cancellation(order, lines));
    await inventory.send(ReserveInventory, reservation(order, lines));
    assert.equal(
      (await inventory.emitted(InventoryReleased)).length,
      1,
      'a second cancellation gives back nothing',
    );
    assert.equal((await inventory.emittedData(InventoryReservationFailed))[0]?.reason, 'order_cancelled');
    await inventory.assertLedgerBalances();
  });

  it('puts the units of an order cancelled after fulfilment back on hand where they were taken', async () => {
    await inventory.start();
    const { product, w1, w2, order, lines } = await inventory.fulfilledOrder(7);

    await inventory.send(OrderCancelled, cancellation(order, lines));

    assert.deepEqual(await inventory.stockOf(product), { [w1]: [5, 0], [w2]: [3, 0] });
    assert.equal((await inventory.allocationOf(order))?.state, 'restocked');
    const restocked = await inventory.adjustmentsFor('order_cancelled');
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
    assert.deepEqual(await inventory.emitted(InventoryReleased), []);
    await inventory.assertLedgerBalances();
  });
});
